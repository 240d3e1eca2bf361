package dev.sessionfeed.pg;

import org.slf4j.Logger;

/**
 * Logs a warning at most once per interval, with the number of occurrences since the last one logged.
 *
 * <p>Thread-safe: the bookkeeping is guarded by {@code this}; the log call itself happens after the monitor is
 * released (no I/O under a lock).
 */
final class RateLimitedWarning {

    private final Logger log;
    private final long intervalNanos;
    private long lastLogged;
    private boolean loggedOnce;
    private long suppressed;

    /**
     * Creates a limiter.
     *
     * @param log           where to log
     * @param intervalNanos the least time between two warnings
     */
    RateLimitedWarning(Logger log, long intervalNanos) {
        this.log = log;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Records one occurrence and logs it unless a warning was logged within the interval.
     *
     * @param nowNanos {@link System#nanoTime()}
     * @param message  the message; {@code {}} placeholders as in slf4j
     * @param args     the arguments
     * @return true when it was logged
     */
    boolean warn(long nowNanos, String message, Object... args) {
        long count;
        synchronized (this) {
            if (loggedOnce && nowNanos - lastLogged < intervalNanos) {
                suppressed++;
                return false;
            }
            count = suppressed + 1;
            suppressed = 0;
            loggedOnce = true;
            lastLogged = nowNanos;
        }
        if (log.isWarnEnabled()) {
            log.warn(message + " (" + count + (count == 1 ? " occurrence" : " occurrences") + " since the last warning)", args);
        }
        return true;
    }
}
