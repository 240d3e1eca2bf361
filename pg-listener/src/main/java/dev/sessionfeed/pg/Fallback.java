package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.jdbc.FallbackPoller;
import dev.sessionfeed.internal.jdbc.FallbackPollers;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.source.ChangeListener;

/**
 * The polling fallback: the fallback personality of a {@link PollingChangeSource}, started suspended with the
 * active status {@link FeedStatus#DEGRADED}, resumed while LISTEN is not working and suspended while it is. Closed
 * by {@link #close()} only when this source created it.
 *
 * <p>Thread-safe (the poll loop is). {@link #suspend()} waits for a report in progress; callers must not hold a
 * lock the fallback's listener needs. {@link #resume()} and {@link #suspend()} log a failure instead of throwing,
 * so a fallback bug never stops the listener thread.
 */
final class Fallback {

    private final PollingChangeSource source;
    private final FallbackPoller poller;
    private final boolean owned;

    private Fallback(PollingChangeSource source, boolean owned) {
        this.source = source;
        this.poller = FallbackPollers.of(source);
        this.owned = owned;
    }

    /**
     * The fallback the configuration asks for: the host's, a default one polling {@code source}'s data source with
     * the configured table, interval and thread factory, or none.
     *
     * @return the fallback, or null for none
     */
    static Fallback of(ListenerConfig config, ConnectionSource source) {
        return of(config.fallback(), config.noFallback(), source.pollingDataSource(), config.table(), config.fallbackInterval(),
                config.threadFactory());
    }

    /**
     * The fallback a source's configuration asks for (shared by the NOTIFY and the logical source).
     *
     * @param host      the host's polling source, or null
     * @param none      no fallback at all
     * @param polling   where the default fallback polls
     * @param table     its table mapping
     * @param interval  its interval
     * @param threads   the host's thread factory, or null
     * @return the fallback, or null for none
     */
    static Fallback of(PollingChangeSource host, boolean none, javax.sql.DataSource polling, dev.sessionfeed.jdbc.SessionTable table,
            java.time.Duration interval, java.util.concurrent.ThreadFactory threads) {
        if (host != null) {
            return fromHost(host);
        }
        if (none) {
            return null;
        }
        PollingChangeSource.Builder b = PollingChangeSource.builder(polling).table(table).interval(interval);
        if (threads != null) {
            b.threadFactory(threads);
        }
        return owned(b.build());
    }

    /** The host's polling source (not started), which the host closes. */
    static Fallback fromHost(PollingChangeSource source) {
        return new Fallback(source, false);
    }

    /** A polling source this listener built, and closes. */
    static Fallback owned(PollingChangeSource source) {
        return new Fallback(source, true);
    }

    /** Starts it, suspended, reporting to {@code listener}. */
    void start(ChangeListener listener) {
        poller.startSuspended(listener, FeedStatus.DEGRADED);
    }

    /** Starts delivering (polling). Idempotent. */
    void resume() {
        try {
            poller.resume();
        } catch (RuntimeException e) {
            LOG.error("cannot resume the polling fallback", e);
        }
    }

    /** Stops delivering until {@link #resume()}; after it returns the fallback reports nothing. Idempotent. */
    void suspend() {
        try {
            poller.suspend();
        } catch (RuntimeException e) {
            LOG.error("cannot suspend the polling fallback", e);
        }
    }

    /** Closes it if this source created it. Idempotent. */
    void close() {
        if (owned) {
            poller.close();
        }
    }

    @Override
    public String toString() {
        return "Fallback{" + source + (owned ? ", owned" : ", the host's") + '}';
    }
}
