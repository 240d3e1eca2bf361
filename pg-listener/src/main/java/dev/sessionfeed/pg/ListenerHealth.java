package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;

/**
 * The source's one status, folded from the listener's state, the trigger check and the fallback's status:
 * {@link FeedStatus#LIVE} while listening with the trigger in place; otherwise (not listening, or listening while
 * the trigger is missing or outdated, so that no notification may come) {@link FeedStatus#RECOVERING} until the
 * fallback's first poll succeeds, then {@link FeedStatus#DEGRADED} while its polls succeed and {@code RECOVERING}
 * while they fail; {@code RECOVERING} throughout without a fallback. The fallback is suspended before the status
 * returns to LIVE and resumed after the status leaves it.
 *
 * <p>Reasons are short, fixed sentences (the constants below, joined with the fallback's state): they go to every
 * dashboard, so they never carry driver text, host names or ports; the details are in the server log.
 *
 * <p>Threading: {@link #listening}/{@link #unhealthy} are called by the listener thread, the fallback's status
 * reports arrive on the polling thread, {@link #status()}/{@link #reason()} are read from any thread. The state
 * machine is guarded by {@code lock}; status changes are reported to the listener while holding it, so reports are
 * never reordered (the feed's listener only records the status and wakes its rebuild thread: no I/O, no blocking).
 * Logging happens after the lock is released. The fallback is suspended and resumed outside the lock, since
 * suspending waits for a fallback report in progress, which takes the lock.
 */
final class ListenerHealth {

    /** Before the first connection is proven. */
    static final String CONNECTING = "connecting to the database";
    /** Listening, trigger in place. */
    static final String LISTENING = "listening for changes";
    /** The listener connection failed or cannot be made. */
    static final String DISCONNECTED = "listener disconnected";
    /** After close. */
    static final String CLOSED = "closed";

    private final ChangeListener listener;
    private final Fallback fallback;
    private final Object lock = new Object();
    private final String liveReason;

    // Guarded by lock.
    private boolean listening;
    /** While listening: why the trigger cannot be relied on, or null when it is in place. */
    private String triggerProblem;
    private FeedStatus fallbackStatus;
    private String unhealthyReason = CONNECTING;
    private boolean closed;

    // Written under lock, read without.
    private volatile FeedStatus status = FeedStatus.RECOVERING;
    private volatile String reason = CONNECTING;

    /**
     * @param listener where status changes go
     * @param fallback the fallback, or null for none
     */
    ListenerHealth(ChangeListener listener, Fallback fallback) {
        this(listener, fallback, LISTENING);
    }

    /**
     * @param listener   where status changes go
     * @param fallback   the fallback, or null for none
     * @param liveReason the fixed sentence while LIVE (the logical source streams rather than listens)
     */
    ListenerHealth(ChangeListener listener, Fallback fallback, String liveReason) {
        this.listener = listener;
        this.fallback = fallback;
        this.liveReason = liveReason;
    }

    /** The current status; any thread. */
    FeedStatus status() {
        return status;
    }

    /** Why the status is what it is; any thread. */
    String reason() {
        return reason;
    }

    /**
     * The listener proved a connection (or checked the trigger again while listening).
     *
     * @param problem null when the trigger is in place: the fallback is suspended first (after that it reports
     *                nothing), then LIVE. Otherwise the fixed sentence saying why no notification may come: the
     *                status is the fallback's (as while disconnected), which is resumed.
     */
    void listening(String problem) {
        if (problem == null && fallback != null) {
            fallback.suspend();
        }
        FeedStatus before;
        FeedStatus s;
        String shown;
        synchronized (lock) {
            if (closed) {
                return;
            }
            boolean wasLive = listening && triggerProblem == null;
            listening = true;
            triggerProblem = problem;
            if (problem == null) {
                fallbackStatus = null;
                s = FeedStatus.LIVE;
                shown = liveReason;
            } else {
                if (wasLive) {
                    fallbackStatus = null; // suspended while LIVE: it starts over
                }
                s = folded();
                shown = folded(problem);
            }
            before = publish(s, shown);
        }
        logTransition(before, s, shown);
        if (problem != null && fallback != null) {
            fallback.resume();
        }
    }

    /**
     * The listener is not listening: reports the folded status and resumes the fallback. Until the fallback's first
     * poll succeeds nothing keeps the state correct, so the status is RECOVERING.
     *
     * @param why a fixed sentence ({@link #DISCONNECTED} or one of {@link ListenUnavailableException}'s), never
     *            driver text
     */
    void unhealthy(String why) {
        FeedStatus before;
        FeedStatus s;
        String shown;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (listening && triggerProblem == null) {
                fallbackStatus = null; // suspended while LIVE: it starts over
            }
            listening = false;
            triggerProblem = null;
            unhealthyReason = why;
            s = folded();
            shown = folded(why);
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
            reason = CLOSED;
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
                onFallbackStatus(s);
            }
        };
    }

    /**
     * The fallback's own status while it is active: DEGRADED when its polls succeed, RECOVERING when they fail. Its
     * reason is not shown (it may quote the driver); the poll loop logs the failure.
     */
    private void onFallbackStatus(FeedStatus reported) {
        FeedStatus before;
        FeedStatus s = reported == FeedStatus.RECOVERING ? FeedStatus.RECOVERING : FeedStatus.DEGRADED;
        String shown;
        synchronized (lock) {
            if (listening && triggerProblem == null) {
                return;
            }
            fallbackStatus = s;
            shown = folded(listening ? triggerProblem : unhealthyReason);
            before = publish(s, shown);
        }
        logTransition(before, s, shown);
    }

    /** The status while not LIVE: the fallback's, RECOVERING before its first report or without one. */
    private FeedStatus folded() {
        assert Thread.holdsLock(lock);
        return fallback == null || fallbackStatus == null ? FeedStatus.RECOVERING : fallbackStatus;
    }

    /** The reason while not LIVE: why, and what the fallback does. */
    private String folded(String why) {
        assert Thread.holdsLock(lock);
        if (fallback == null) {
            return why + "; no polling fallback configured";
        }
        return why + "; polling fallback " + (fallbackStatus == null ? "starting" : fallbackStatus == FeedStatus.DEGRADED ? "active" : "failing");
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
