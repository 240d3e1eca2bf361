package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;

/**
 * The source's one status, folded from the listener's state and the fallback's: {@link FeedStatus#LIVE} while
 * listening; while not, {@link FeedStatus#RECOVERING} until the fallback's first poll succeeds, then
 * {@link FeedStatus#DEGRADED} while its polls succeed and {@code RECOVERING} while they fail; {@code RECOVERING}
 * throughout without a fallback. The fallback is suspended before the status returns to LIVE and resumed after the
 * listener is reported unhealthy.
 *
 * <p>Threading: {@link #live}/{@link #unhealthy} are called by the listener thread, the fallback's status reports
 * arrive on the polling thread, {@link #status()}/{@link #reason()} are read from any thread. The state machine is
 * guarded by {@code lock}; status changes are reported to the listener while holding it, so reports are never
 * reordered (the feed's listener only records the status and wakes its rebuild thread: no I/O, no blocking). Logging
 * happens after the lock is released. The fallback is suspended and resumed outside the lock, since suspending waits
 * for a fallback report in progress, which takes the lock.
 */
final class ListenerHealth {

    private final ChangeListener listener;
    private final Fallback fallback;
    private final Object lock = new Object();

    // Guarded by lock.
    private boolean listening;
    private FeedStatus fallbackStatus;
    private String unhealthyReason = "not connected";
    private boolean closed;

    // Written under lock, read without.
    private volatile FeedStatus status = FeedStatus.RECOVERING;
    private volatile String reason;

    /**
     * @param listener where status changes go
     * @param fallback the fallback, or null for none
     * @param target   where the listener connects, for the initial reason
     */
    ListenerHealth(ChangeListener listener, Fallback fallback, String target) {
        this.listener = listener;
        this.fallback = fallback;
        this.reason = "connecting to " + target;
    }

    /** The current status; any thread. */
    FeedStatus status() {
        return status;
    }

    /** Why the status is what it is; any thread. */
    String reason() {
        return reason;
    }

    /** The listener proved a connection: suspends the fallback first (after that it reports nothing), then LIVE. */
    void live(String why) {
        if (fallback != null) {
            fallback.suspend();
        }
        FeedStatus before;
        synchronized (lock) {
            listening = true;
            fallbackStatus = null;
            before = publish(FeedStatus.LIVE, why);
        }
        logTransition(before, FeedStatus.LIVE, why);
    }

    /**
     * The listener is not listening: reports the folded status and resumes the fallback. Until the fallback's first
     * poll succeeds nothing keeps the state correct, so the status is RECOVERING.
     */
    void unhealthy(String why) {
        FeedStatus before;
        FeedStatus s;
        String shown;
        synchronized (lock) {
            if (closed) {
                return;
            }
            listening = false;
            unhealthyReason = why;
            if (fallback == null) {
                s = FeedStatus.RECOVERING;
                shown = why + "; no polling fallback configured";
            } else {
                s = fallbackStatus == null ? FeedStatus.RECOVERING : fallbackStatus;
                shown = why + "; polling fallback " + (fallbackStatus == null ? "starting" : s == FeedStatus.DEGRADED ? "active" : "failing");
            }
            before = publish(s, shown);
        }
        logTransition(before, s, shown);
        if (fallback != null) {
            fallback.resume();
        }
    }

    /** Stops reporting for good: RECOVERING, "closed". Idempotent. */
    void close() {
        synchronized (lock) {
            closed = true;
            status = FeedStatus.RECOVERING;
            reason = "closed";
        }
    }

    /** The listener the fallback reports to: its signals pass through, its status is folded in. */
    ChangeListener fallbackListener() {
        return new ChangeListener() {
            @Override
            public void onChange(ChangeSignal signal) {
                listener.onChange(signal);
            }

            @Override
            public void onResync(String why) {
                listener.onResync(why);
            }

            @Override
            public void onStatus(FeedStatus s, String why) {
                onFallbackStatus(s, why);
            }
        };
    }

    /** The fallback's own status while it is active: DEGRADED when its polls succeed, RECOVERING when they fail. */
    private void onFallbackStatus(FeedStatus reported, String fallbackReason) {
        FeedStatus before;
        FeedStatus s = reported == FeedStatus.RECOVERING ? FeedStatus.RECOVERING : FeedStatus.DEGRADED;
        String shown;
        synchronized (lock) {
            if (listening) {
                return;
            }
            fallbackStatus = s;
            shown = unhealthyReason + "; polling fallback " + (s == FeedStatus.DEGRADED ? "active" : "failing: " + fallbackReason);
            before = publish(s, shown);
        }
        logTransition(before, s, shown);
    }

    /**
     * Sets the status and reports it to the listener if status or reason changed.
     *
     * @return the status before, or null when nothing changed (or closed)
     */
    private FeedStatus publish(FeedStatus s, String why) {
        assert Thread.holdsLock(lock);
        if (closed) {
            return null;
        }
        FeedStatus before = status;
        String reasonBefore = reason;
        if (before == s && why.equals(reasonBefore)) {
            return null;
        }
        status = s;
        reason = why;
        try {
            listener.onStatus(s, why);
        } catch (RuntimeException e) {
            LOG.error("change listener failed on status {}", s, e);
        }
        return before;
    }

    /** Logs a status change, outside the lock. */
    private static void logTransition(FeedStatus before, FeedStatus s, String why) {
        if (before != null && before != s) {
            LOG.info("status {} -> {}: {}", before.wireName(), s.wireName(), why);
        }
    }
}
