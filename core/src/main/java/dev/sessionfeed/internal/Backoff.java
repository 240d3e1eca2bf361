package dev.sessionfeed.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with "equal jitter": the n-th delay is drawn uniformly from {@code [base/2, base]} where
 * {@code base = min(max, initial * 2^n)}. Jitter keeps many feeds (or many app instances) that lost the same
 * database from retrying in lockstep.
 *
 * <p>Not thread-safe: used by the rebuild thread only.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private int attempts;

    Backoff(Duration initial, Duration max) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        if (initialNanos <= 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException("backoff must satisfy 0 < initial <= max, was initial=" + initial + ", max=" + max);
        }
    }

    /**
     * Returns the next delay and counts the attempt.
     *
     * @return the delay in nanoseconds, between half the current base and the base
     */
    long nextDelayNanos() {
        long base = initialNanos;
        for (int i = 0; i < attempts && base < maxNanos; i++) {
            base = base > maxNanos / 2 ? maxNanos : base * 2;
        }
        base = Math.min(base, maxNanos);
        attempts++;
        long half = base / 2;
        return half + ThreadLocalRandom.current().nextLong(base - half + 1);
    }

    /** Starts again from the initial delay (after a success). */
    void reset() {
        attempts = 0;
    }

    /**
     * Tells how many delays were handed out since the last reset.
     *
     * @return the number of failed attempts in the current streak
     */
    int attempts() {
        return attempts;
    }
}
