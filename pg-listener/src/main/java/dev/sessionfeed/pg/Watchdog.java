package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.internal.Threads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Aborts the listener connection when one {@code getNotifications(timeout)} wait lasts longer than its timeout plus
 * the probe deadline. pgjdbc drops the socket timeout to 0 (infinite) once the first byte of a message has arrived,
 * so a TCP path that freezes in the middle of a notification would block the listener thread forever and its probe
 * deadline would never be checked (reproduced by system-tests' {@code ListenerMidMessageFreezeTest}).
 *
 * <p>Threading: the listener thread calls {@link #arm} before each wait and {@link #disarm} after it; the watchdog's
 * own thread checks every 50-250 ms. They share volatile fields only; the watchdog never blocks on the listener.
 * {@link #start}/{@link #close} are called by the owner, {@link #takeStallReason} by the listener thread.
 */
final class Watchdog {

    private final Duration stalledWaitBound;
    private final long periodMillis;
    private final String target;
    private final CountDownLatch closed = new CountDownLatch(1);

    private volatile ListenerConnection waitingOn;
    private volatile long waitDeadlineNanos;
    private volatile String stallReason;
    private volatile Thread thread;

    Watchdog(ListenerConfig config, String target) {
        this.stalledWaitBound = config.stalledWaitBound();
        this.periodMillis = Math.max(50, Math.min(250, config.probeDeadline().toMillis() / 4));
        this.target = target;
    }

    /** Starts the watchdog thread. */
    void start(ThreadFactory threads) {
        Thread t = threads.newThread(this::watch);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        thread = t;
        t.start();
    }

    /** The listener thread is about to wait on {@code c} for at most {@code timeoutMillis}. */
    void arm(ListenerConnection c, long timeoutMillis, Duration grace) {
        waitDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) + grace.toNanos();
        waitingOn = c;
    }

    /** The wait has returned (normally or not). */
    void disarm() {
        waitingOn = null;
    }

    /** Why the watchdog aborted the last connection, once; null when it did not. */
    String takeStallReason() {
        String r = stallReason;
        stallReason = null;
        return r;
    }

    /** Stops the thread and joins it for at most a second. Idempotent. */
    void close() {
        closed.countDown();
        Threads.joinBounded(thread, Duration.ofSeconds(1), LOG, "its current check");
    }

    private void watch() {
        try {
            while (!closed.await(periodMillis, TimeUnit.MILLISECONDS)) {
                try {
                    check();
                } catch (RuntimeException e) {
                    LOG.warn("listener watchdog check failed; it keeps running", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void check() {
        ListenerConnection c = waitingOn;
        if (c != null && System.nanoTime() - waitDeadlineNanos > 0 && c == waitingOn) {
            waitingOn = null;
            long overMillis = stalledWaitBound.toMillis();
            stallReason = "a notification wait lasted over " + overMillis
                    + " ms (the connection stalled in the middle of a message: frozen or half-open)";
            LOG.warn("listener connection to {} stalled inside a notification read for over {} ms; aborting it", target, overMillis);
            c.abort();
        }
    }
}
