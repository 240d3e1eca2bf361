package dev.sessionfeed.pg.internal;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.jdbc.FallbackPoller;
import dev.sessionfeed.source.ChangeListener;
import java.util.Objects;

/** Adapts the fallback personality of a polling source to {@link Fallback}. Thread-safe. */
public final class PollingFallback implements Fallback {

    private final FallbackPoller polling;

    /**
     * Wraps a polling source's fallback personality.
     *
     * @param polling a poll loop, not yet started
     */
    public PollingFallback(FallbackPoller polling) {
        this.polling = Objects.requireNonNull(polling, "fallback");
    }

    @Override
    public void start(ChangeListener listener) {
        polling.startSuspended(listener, FeedStatus.DEGRADED);
    }

    @Override
    public void resume() {
        polling.resume();
    }

    @Override
    public void suspend() {
        polling.suspend();
    }

    @Override
    public void close() {
        polling.close();
    }

    @Override
    public String toString() {
        return "PollingFallback{" + polling + '}';
    }
}
