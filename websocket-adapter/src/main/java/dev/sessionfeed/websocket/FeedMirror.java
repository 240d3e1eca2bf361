package dev.sessionfeed.websocket;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the endpoint knows of its feed, kept from the broadcasts it was handed: the latest snapshot, the latest
 * status and a {@link DeltaWindow} of recent deltas. The send path reads only this; the feed itself is called only
 * where it has to be: one call per {@code subscribe}, the refresh after a command, once for the status at start,
 * and {@code current()} when a full state is due before any broadcast (or is newer than the last one). Never call the feed while holding a connection's lock: a feed may hold its own lock while it broadcasts.
 * Thread-safe.
 */
final class FeedMirror {

    /** A status and its reason, as one value. */
    record Status(FeedStatus status, String reason) {
    }

    private final SessionFeed feed;
    private final String epoch;
    private final DeltaWindow window;
    private final AtomicReference<Snapshot> latest = new AtomicReference<>();
    private final AtomicReference<Status> status = new AtomicReference<>();

    /**
     * @param feed   the feed
     * @param window where the broadcast deltas are kept
     */
    FeedMirror(SessionFeed feed, DeltaWindow window) {
        this.feed = feed;
        this.epoch = feed.epoch(); // fixed for the feed's life
        this.window = window;
    }

    /** @return the feed's epoch */
    String epoch() {
        return epoch;
    }

    /**
     * Records a broadcast delta and the snapshot it led to; called by the feed's rebuild thread before the change
     * is queued on any connection (so a connection that sees the change queued sees this snapshot too).
     */
    void onDelta(SessionDelta delta, Snapshot current) {
        window.add(delta);
        latest.set(current);
    }

    /** Records a broadcast status. */
    void onStatus(FeedStatus s, String reason) {
        status.set(new Status(s, reason));
    }

    /**
     * The latest snapshot this endpoint was handed, or the feed's current one (one feed call) when none was
     * broadcast yet or the one held is older than {@code atLeastSeq}.
     *
     * @param atLeastSeq the seq the caller already has queued
     * @return a snapshot of this epoch
     */
    Snapshot latest(long atLeastSeq) {
        Snapshot s = latest.get();
        if (s == null || s.seq() < atLeastSeq) {
            s = feed.current();
            latest.compareAndSet(null, s);
        }
        return s;
    }

    /** @return the latest broadcast snapshot, or null before the first broadcast (no feed call) */
    Snapshot latestBroadcast() {
        return latest.get();
    }

    /**
     * The feed's status: the last one broadcast, else (once, when the hub registers) the feed's own.
     *
     * @return the status
     */
    Status status() {
        Status s = status.get();
        if (s == null) {
            // Two reads of the feed, once per endpoint; a status broadcast meanwhile wins.
            status.compareAndSet(null, new Status(feed.status(), feed.statusReason()));
            s = status.get();
        }
        return s;
    }

    /**
     * What a resuming client missed (one feed call).
     *
     * @param clientEpoch the client's epoch
     * @param lastSeq     the client's last seq
     * @return the feed's replay
     */
    Replay replaySince(String clientEpoch, long lastSeq) {
        return feed.replaySince(clientEpoch, lastSeq);
    }

    /**
     * The feed's current state for a client that does not resume (one feed call).
     *
     * @return a {@code full} replay of the current snapshot
     */
    Replay currentAsReplay() {
        return new Replay(true, feed.current(), List.of());
    }

    /** Passes a refresh (after a command) to the feed. */
    CompletableFuture<Long> refresh(Collection<String> ids) {
        return feed.refresh(ids);
    }

    /** @return the feed's current seq (one feed call; for an ack whose refresh failed) */
    long currentSeq() {
        return feed.current().seq();
    }
}
