package dev.sessionfeed.benchmarks.harness;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop scheduling: operation {@code i} is meant to start at {@code start + i / rate}. When an operation is
 * late (because the previous one was slow), it still starts at once and its latency is counted from the intended
 * start, so a stall shows up in the figures instead of silently lowering the request rate (no coordinated
 * omission).
 *
 * <p>Not thread-safe: one instance drives one writer thread.
 */
public final class OpenLoop {

    /** One scheduled operation. */
    @FunctionalInterface
    public interface Operation {
        /**
         * Runs operation {@code index}.
         *
         * @param index              0-based number of the operation
         * @param intendedStartNanos when it was meant to start ({@link System#nanoTime()} clock)
         * @throws Exception any failure; it aborts the run
         */
        void run(int index, long intendedStartNanos) throws Exception;
    }

    private OpenLoop() {
    }

    /**
     * Runs {@code count} operations at {@code ratePerSecond} on the calling thread.
     *
     * @param ratePerSecond operations per second, &gt; 0
     * @param count         number of operations
     * @param op            the operation
     * @return the number of operations that started more than 1 ms late
     * @throws Exception the first failure of an operation
     */
    public static int run(double ratePerSecond, int count, Operation op) throws Exception {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0, was: " + ratePerSecond);
        }
        long periodNanos = (long) (1e9 / ratePerSecond);
        long start = System.nanoTime() + 1_000_000;
        int late = 0;
        for (int i = 0; i < count; i++) {
            long intended = start + i * periodNanos;
            long now;
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedException("open loop interrupted at operation " + i);
                }
            }
            if (now - intended > 1_000_000) {
                late++;
            }
            op.run(i, intended);
        }
        return late;
    }

    /**
     * The number of operations that fit into a duration at a rate (at least 1).
     *
     * @param ratePerSecond the rate
     * @param duration      the duration
     * @return {@code max(1, rate * seconds)}
     */
    public static int countFor(double ratePerSecond, Duration duration) {
        return (int) Math.max(1, Math.round(ratePerSecond * duration.toNanos() / 1e9));
    }

    /**
     * Sleeps until a deadline on the {@link System#nanoTime()} clock (used for pacing, never to wait for a
     * condition).
     *
     * @param deadlineNanos the deadline
     * @throws InterruptedException when interrupted
     */
    public static void parkUntil(long deadlineNanos) throws InterruptedException {
        long now;
        while ((now = System.nanoTime()) < deadlineNanos) {
            LockSupport.parkNanos(deadlineNanos - now);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
