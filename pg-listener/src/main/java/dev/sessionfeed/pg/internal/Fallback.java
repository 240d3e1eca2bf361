package dev.sessionfeed.pg.internal;

import dev.sessionfeed.source.ChangeListener;

/**
 * A source the listener switches on while LISTEN is not working (the polling source), and off again when it is.
 * Implementations are thread-safe.
 */
public interface Fallback extends AutoCloseable {

    /**
     * Starts it, suspended, reporting to {@code listener}.
     *
     * @param listener where its signals go
     */
    void start(ChangeListener listener);

    /** Starts delivering (polling). Idempotent. */
    void resume();

    /** Stops delivering until {@link #resume()}. Idempotent. */
    void suspend();

    /** Stops for good. Idempotent. */
    @Override
    void close();
}
