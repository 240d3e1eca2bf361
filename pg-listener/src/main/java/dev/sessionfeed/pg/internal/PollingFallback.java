package dev.sessionfeed.pg.internal;

import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.source.ChangeListener;
import java.util.Objects;

/** Adapts a {@link PollingChangeSource} built with {@code startSuspended(true)} to {@link Fallback}. Thread-safe. */
public final class PollingFallback implements Fallback {

    private final PollingChangeSource polling;

    /**
     * Wraps a polling source.
     *
     * @param polling a source built with {@code startSuspended(true)}, not yet started
     */
    public PollingFallback(PollingChangeSource polling) {
        this.polling = Objects.requireNonNull(polling, "fallback");
    }

    @Override
    public void start(ChangeListener listener) {
        polling.start(listener);
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
