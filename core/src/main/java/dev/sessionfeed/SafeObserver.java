package dev.sessionfeed;

import dev.sessionfeed.source.ChangeSignal;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a host's {@link FeedObserver} so that one that throws (against its contract) is logged and cannot
 * break the rebuild thread or a change source's thread.
 */
final class SafeObserver implements FeedObserver {

    private static final Logger log = LoggerFactory.getLogger(SafeObserver.class);

    private final FeedObserver delegate;

    SafeObserver(FeedObserver delegate) {
        this.delegate = Objects.requireNonNull(delegate, "observer");
    }

    @Override
    public void onSignal(ChangeSignal signal) {
        try {
            delegate.onSignal(signal);
        } catch (Throwable e) {
            failed("onSignal", e);
        }
    }

    @Override
    public void onResync(String reason) {
        try {
            delegate.onResync(reason);
        } catch (Throwable e) {
            failed("onResync", e);
        }
    }

    @Override
    public void onRebuild(boolean full, int ids, int signals, long durationNanos, SessionDelta published) {
        try {
            delegate.onRebuild(full, ids, signals, durationNanos, published);
        } catch (Throwable e) {
            failed("onRebuild", e);
        }
    }

    @Override
    public void onRebuildFailed(Throwable error) {
        try {
            delegate.onRebuildFailed(error);
        } catch (Throwable e) {
            failed("onRebuildFailed", e);
        }
    }

    private void failed(String method, Throwable e) {
        log.warn("FeedObserver {}.{} threw; ignoring it", delegate.getClass().getName(), method, e);
    }
}
