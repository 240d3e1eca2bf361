package dev.sessionfeed.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long MS = 1_000_000;

    @RepeatedTest(20)
    void doublesWithJitterUpToTheMaximum() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1_000));

        long[] bases = {100, 200, 400, 800, 1_000, 1_000, 1_000};
        for (long base : bases) {
            assertThat(b.nextDelayNanos()).isBetween(base * MS / 2, base * MS);
        }
        assertThat(b.attempts()).isEqualTo(bases.length);
    }

    @Test
    void resetStartsFromTheInitialDelayAgain() {
        Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(5));
        for (int i = 0; i < 40; i++) {
            b.nextDelayNanos();
        }

        b.reset();

        assertThat(b.attempts()).isZero();
        assertThat(b.nextDelayNanos()).isBetween(5 * MS, 10 * MS);
    }

    @Test
    void neverOverflowsAfterManyAttempts() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMinutes(10));
        long last = 0;
        for (int i = 0; i < 200; i++) {
            last = b.nextDelayNanos();
        }
        assertThat(last).isBetween(Duration.ofMinutes(5).toNanos(), Duration.ofMinutes(10).toNanos());
    }
}
