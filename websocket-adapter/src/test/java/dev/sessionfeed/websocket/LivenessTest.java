package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The heartbeat, idle and slow-client rules on their own, with explicit nanoTime values (no sleeping). */
class LivenessTest {

    private static final long MS = 1_000_000;
    private final Object lock = new Object();
    private final SendSlot slot = new SendSlot(lock);
    private final Liveness liveness = new Liveness(WebSocketOptions.builder(h -> Optional.empty())
            .heartbeatInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(300))
            .slowClientGrace(Duration.ofMillis(200)).build(), 0);

    private Liveness.Verdict check(long nowMs) {
        synchronized (lock) {
            return liveness.check(nowMs * MS, slot);
        }
    }

    @Test
    void pingsOncePerHeartbeatIntervalWhileNothingIsInFlight() {
        assertThat(check(50)).isEqualTo(Liveness.Verdict.NOTHING);
        assertThat(check(100)).isEqualTo(Liveness.Verdict.PING);
        assertThat(check(150)).isEqualTo(Liveness.Verdict.NOTHING);
        liveness.inbound(190 * MS);
        assertThat(check(200)).isEqualTo(Liveness.Verdict.PING);
    }

    @Test
    void neverPingsWhileASendIsInFlight() {
        synchronized (lock) {
            slot.acquire(90 * MS);
        }
        assertThat(check(150)).isEqualTo(Liveness.Verdict.NOTHING);
    }

    @Test
    void closesASilentConnectionAfterTheIdleTimeout() {
        liveness.inbound(100 * MS);
        assertThat(check(400)).isNotEqualTo(Liveness.Verdict.IDLE);
        assertThat(check(401)).isEqualTo(Liveness.Verdict.IDLE);
    }

    @Test
    void closesAClientWhoseSendStaysUnfinishedPastTheGrace() {
        synchronized (lock) {
            slot.acquire(10 * MS);
        }
        liveness.inbound(200 * MS);
        assertThat(check(210)).isEqualTo(Liveness.Verdict.NOTHING);
        assertThat(check(211)).isEqualTo(Liveness.Verdict.TOO_SLOW);
    }
}
