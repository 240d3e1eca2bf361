package dev.sessionfeed.source;

import dev.sessionfeed.FeedStatus;

/**
 * Tells a feed which sessions changed: the SPI between a change-detection mechanism (PostgreSQL
 * LISTEN/NOTIFY, polling, a message bus) and the feed engine.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start(ChangeListener)} is called once; the source then reports on its own threads.</li>
 *   <li>After every (re)connection, a source first makes sure it will see new changes (for example LISTEN),
 *       then calls {@link ChangeListener#onResync(String)}: changes made while it was not watching are then
 *       picked up by the full rebuild.</li>
 *   <li>{@link #close()} is idempotent, returns promptly and leaves no thread or connection behind.</li>
 * </ul>
 */
public interface SessionChangeSource extends AutoCloseable {

    /**
     * Starts watching and reporting to {@code listener}.
     *
     * @param listener where to report; never null
     * @throws IllegalStateException if already started or closed
     */
    void start(ChangeListener listener);

    /**
     * The source's current status.
     *
     * @return {@link FeedStatus#LIVE} while it delivers changes in real time
     */
    FeedStatus status();

    /**
     * The source's stats snapshot: monotonic counters since start and a few gauges (see {@link SourceStats}; a
     * source documents which values it fills). Cheap, never blocks, callable from any thread at any time (also
     * before start and after close).
     *
     * @return a new immutable snapshot; {@link SourceStats#ZERO} by default
     */
    default SourceStats stats() {
        return SourceStats.ZERO;
    }

    /** Stops watching. Idempotent; never throws a checked exception. */
    @Override
    void close();
}
