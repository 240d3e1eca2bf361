package dev.sessionfeed.internal;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

/** Placeholder until the engine lands (issue 2). */
public final class DefaultSessionFeed implements SessionFeed {

    /**
     * Creates the feed.
     *
     * @param builder the configuration
     */
    public DefaultSessionFeed(SessionFeed.Builder builder) {
        throw new UnsupportedOperationException("engine not implemented yet");
    }

    @Override public void start() { }
    @Override public String epoch() { return null; }
    @Override public Snapshot current() { return null; }
    @Override public Replay replaySince(String epoch, long lastSeq) { return null; }
    @Override public AutoCloseable addBroadcaster(Broadcaster broadcaster) { return null; }
    @Override public FeedStatus status() { return null; }
    @Override public String statusReason() { return null; }
    @Override public void requestResync(String reason) { }
    @Override public CompletableFuture<Long> refresh(Collection<String> ids) { return null; }
    @Override public void close() { }
}
