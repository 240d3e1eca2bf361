package dev.sessionfeed.internal.jdbc;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;

/**
 * The fallback personality of a polling source: the poll loop behind a {@code PollingChangeSource}, started
 * suspended and switched on and off by its owner (pg-listener resumes it while LISTEN/NOTIFY is down and suspends it
 * when LISTEN works again). Obtained through {@link FallbackPollers#of}; for SessionFeed's own modules only.
 *
 * <p>Lifecycle: {@link #startSuspended} once (instead of the public source's {@code start}); then any number of
 * {@link #resume()} / {@link #suspend()}; {@link #close()} stops it for good (the public source's {@code close()}
 * does the same).
 *
 * <p>Thread-safe: every method may be called from any thread. Listener calls are made on the polling thread while
 * it holds the loop's lock, which is what lets {@link #suspend()} promise that no call follows its return; so do not
 * call {@code suspend()} while holding a lock the listener needs.
 */
public interface FallbackPoller extends AutoCloseable {

    /**
     * Starts the polling thread, suspended: nothing is polled or reported before {@link #resume()}.
     *
     * @param listener     where to report
     * @param activeStatus the status reported while polls succeed after a resume or a recovery: {@code LIVE} or
     *                     {@code DEGRADED}
     * @throws NullPointerException     naming {@code listener} or {@code activeStatus}
     * @throws IllegalArgumentException when {@code activeStatus} is {@code RECOVERING}
     * @throws IllegalStateException    when already started or closed
     */
    void startSuspended(ChangeListener listener, FeedStatus activeStatus);

    /**
     * Tells whether the loop was started (through either personality).
     *
     * @return true once started, also after close
     */
    boolean isStarted();

    /**
     * Resumes polling: polls at once, then reports the active status and a resync ({@code "polling resumed"}) when
     * the query succeeds (or {@link FeedStatus#RECOVERING} when it fails). Returns without waiting for the poll.
     * Idempotent while running.
     */
    void resume();

    /**
     * Stops polling until {@link #resume()}. Waits for a report in progress to finish; after it returns, no listener
     * call is made until the next {@code resume()}. Idempotent.
     */
    void suspend();

    /**
     * Tells whether polling is suspended.
     *
     * @return true between {@link #suspend()} (or a suspended start) and {@link #resume()}
     */
    boolean isSuspended();

    /** Stops polling for good and joins the thread (bounded). Idempotent. */
    @Override
    void close();
}
