package dev.sessionfeed;

import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.SessionChangeSource;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link SessionChangeSource} test double: the test fires signals, resyncs and status changes itself. */
class ManualChangeSource implements SessionChangeSource {

    private volatile ChangeListener listener;
    private volatile FeedStatus status = FeedStatus.LIVE;
    private final AtomicInteger closes = new AtomicInteger();

    @Override
    public synchronized void start(ChangeListener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("already started");
        }
        this.listener = listener;
    }

    @Override
    public FeedStatus status() {
        return status;
    }

    @Override
    public void close() {
        closes.incrementAndGet();
    }

    int closes() {
        return closes.get();
    }

    boolean started() {
        return listener != null;
    }

    void fire(ChangeAction action, String id) {
        listener().onChange(ChangeSignal.of(action, id));
    }

    void changed(String id) {
        fire(ChangeAction.UPDATE, id);
    }

    void resync(String reason) {
        listener().onResync(reason);
    }

    void reportStatus(FeedStatus newStatus, String reason) {
        status = newStatus;
        listener().onStatus(newStatus, reason);
    }

    private ChangeListener listener() {
        ChangeListener l = listener;
        if (l == null) {
            throw new IllegalStateException("source not started");
        }
        return l;
    }
}
