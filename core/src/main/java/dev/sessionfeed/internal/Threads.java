package dev.sessionfeed.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * The one way SessionFeed stops what it started: joins and executor shutdowns that are bounded, keep the
 * caller's interrupt flag, and log what they had to abandon. {@code close()} methods promise to return promptly,
 * so none of them waits without a bound.
 */
public final class Threads {

    private Threads() {
    }

    /**
     * Waits at most {@code bound} for {@code thread} to end. An interrupt while waiting does not cut the wait
     * short (the part is still stopping); the interrupt flag is restored before returning. If the thread is still
     * alive at the bound, one WARN line names it and {@code what} it was doing, and the thread is abandoned (it is
     * a daemon, and ends on its own once its blocking call returns).
     *
     * <p>Joining the current thread (a part closed from its own callback) returns at once.
     *
     * @param thread the thread, or null (nothing to join)
     * @param bound  the longest wait, not negative
     * @param log    where to report an abandoned thread
     * @param what   what the thread may still be doing, for the log line (for example "its current connect attempt")
     * @return true if the thread has ended (or there was none, or it is the current thread), false if abandoned
     */
    public static boolean joinBounded(Thread thread, Duration bound, Logger log, String what) {
        Objects.requireNonNull(bound, "bound");
        if (thread == null || thread == Thread.currentThread()) {
            return true;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    log.warn("thread {} did not stop within {} ms; abandoned (it ends after {})",
                            thread.getName(), bound.toMillis(), what);
                    return false;
                }
                try {
                    thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Shuts {@code executor} down, interrupting running tasks, and waits at most {@code bound} for it to terminate,
     * with the same interrupt and logging rules as {@link #joinBounded}.
     *
     * @param executor the executor, or null
     * @param bound    the longest wait
     * @param log      where to report an executor that did not terminate
     * @param name     the executor's name for the log line
     * @return true if it terminated (or there was none)
     */
    public static boolean shutdownBounded(ExecutorService executor, Duration bound, Logger log, String name) {
        Objects.requireNonNull(bound, "bound");
        if (executor == null) {
            return true;
        }
        executor.shutdownNow();
        long deadline = System.nanoTime() + bound.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    if (executor.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                    log.warn("{} did not stop within {} ms; its threads are abandoned", name, bound.toMillis());
                    return false;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
