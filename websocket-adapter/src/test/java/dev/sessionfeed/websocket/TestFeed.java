package dev.sessionfeed.websocket;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory {@link SessionFeed} the tests drive directly (publish a change, set the status), so adapter
 * behaviour can be tested without timing on a database. Follows the engine's contract: current state is
 * updated before broadcasters hear of a delta; deltas are published one at a time in seq order; a bounded
 * replay window.
 */
final class TestFeed implements SessionFeed {

    private final String epoch;
    private final int window;
    private final List<Broadcaster> broadcasters = new CopyOnWriteArrayList<>();
    private final ArrayDeque<SessionDelta> recent = new ArrayDeque<>();
    private volatile Snapshot current;
    private volatile FeedStatus status = FeedStatus.LIVE;
    private volatile String reason = "test feed";

    TestFeed(String epoch, int window) {
        this.epoch = epoch;
        this.window = window;
        this.current = new Snapshot(epoch, 0, Instant.now(), List.of(), new ChatMetrics(Map.of("total", 0)));
    }

    static ChatSession session(String id, String status, String subject) {
        Instant now = Instant.now();
        return new ChatSession(id, status, "v-" + id, "Visitor " + id, null, null, subject, now, now, null, null, 0,
                null, Map.of());
    }

    synchronized SessionDelta upsert(ChatSession... sessions) {
        Map<String, ChatSession> m = new LinkedHashMap<>(current.sessionsById());
        for (ChatSession s : sessions) {
            m.put(s.id(), s);
        }
        return publish(List.of(sessions), List.of(), m);
    }

    synchronized SessionDelta remove(String id) {
        Map<String, ChatSession> m = new LinkedHashMap<>(current.sessionsById());
        m.remove(id);
        return publish(List.of(), List.of(id), m);
    }

    private SessionDelta publish(List<ChatSession> upserted, List<String> removed, Map<String, ChatSession> all) {
        long seq = current.seq() + 1;
        ChatMetrics metrics = new ChatMetrics(Map.of("total", all.size()));
        ChatMetrics changed = metrics.equals(current.metrics()) ? null : metrics;
        Instant now = Instant.now();
        SessionDelta d = new SessionDelta(epoch, seq, seq - 1, now, upserted, removed, changed);
        current = new Snapshot(epoch, seq, now, new ArrayList<>(all.values()), metrics);
        recent.addLast(d);
        while (recent.size() > window) {
            recent.removeFirst();
        }
        for (Broadcaster b : broadcasters) {
            b.onDelta(d, current);
        }
        return d;
    }

    synchronized void status(FeedStatus s, String why) {
        status = s;
        reason = why;
        for (Broadcaster b : broadcasters) {
            b.onStatus(s, why);
        }
    }

    ChatSession get(String id) {
        return current.sessionsById().get(id);
    }

    @Override public void start() { }
    @Override public String epoch() { return epoch; }
    @Override public Snapshot current() { return current; }

    @Override
    public synchronized Replay replaySince(String e, long lastSeq) {
        Snapshot snap = current;
        if (!epoch.equals(e) || lastSeq > snap.seq()) {
            return new Replay(true, snap, List.of());
        }
        if (lastSeq == snap.seq()) {
            return new Replay(false, snap, List.of());
        }
        if (recent.isEmpty() || recent.peekFirst().prevSeq() > lastSeq) {
            return new Replay(true, snap, List.of());
        }
        List<SessionDelta> missed = new ArrayList<>();
        for (SessionDelta d : recent) {
            if (d.seq() > lastSeq) {
                missed.add(d);
            }
        }
        return new Replay(false, snap, missed);
    }

    @Override
    public AutoCloseable addBroadcaster(Broadcaster broadcaster) {
        broadcasters.add(broadcaster);
        return () -> broadcasters.remove(broadcaster);
    }

    @Override public FeedStatus status() { return status; }
    @Override public String statusReason() { return reason; }
    @Override public void requestResync(String why) { }

    @Override
    public CompletableFuture<Long> refresh(Collection<String> ids) {
        return CompletableFuture.completedFuture(current.seq());
    }

    @Override
    public void close() {
        for (Broadcaster b : broadcasters) {
            b.onClose();
        }
    }
}
