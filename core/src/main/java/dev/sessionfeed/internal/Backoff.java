package dev.sessionfeed.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry backoff of SessionFeed: capped exponential with "equal jitter". The n-th delay after a reset is
 * drawn uniformly from {@code [base/2, base]} where {@code base = min(max, initial * 2^n)}. Jitter keeps many feeds,
 * listeners or app instances that lost the same database from retrying in lockstep; the lower half-bound keeps a
 * streak of failures from retrying almost at once (full jitter may draw a delay close to zero).
 *
 * <p>Used by the feed's rebuild retries and by the change sources' reconnect loops.
 *
 * <p>Not thread-safe: each instance belongs to one retrying thread.
 */
public final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private int attempts;

    /**
     * Creates a backoff.
     *
     * @param initial the first base delay, positive
     * @param max     the largest base delay, {@code >= initial}
     * @throws IllegalArgumentException if {@code 0 < initial <= max} does not hold
     */
    public Backoff(Duration initial, Duration max) {
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
    public long nextDelayNanos() {
        long base = initialNanos;
        for (int i = 0; i < attempts && base < maxNanos; i++) {
            base = base > maxNanos / 2 ? maxNanos : base * 2;
        }
        base = Math.min(base, maxNanos);
        if (attempts < Integer.MAX_VALUE) {
            attempts++;
        }
        long half = base / 2;
        return half + ThreadLocalRandom.current().nextLong(base - half + 1);
    }

    /**
     * Returns the next delay as a duration and counts the attempt.
     *
     * @return the delay, between half the current base and the base
     */
    public Duration nextDelay() {
        return Duration.ofNanos(nextDelayNanos());
    }

    /** Starts again from the initial delay (after a success). */
    public void reset() {
        attempts = 0;
    }

    /**
     * Tells how many delays were handed out since the last reset.
     *
     * @return the number of failed attempts in the current streak
     */
    public int attempts() {
        return attempts;
    }
}
