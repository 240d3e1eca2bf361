package dev.sessionfeed.testkit;

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
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-memory {@link SessionFeed} the test drives directly — publish a change, publish a status — so that what
 * sits behind a feed (a transport, a {@link Broadcaster}, a client) can be tested without a database or an engine.
 *
 * <p>Follows the engine's contract where a transport relies on it: the {@linkplain #current() current state} is
 * updated before broadcasters hear of a delta; deltas are published one at a time in seq order
 * ({@code prevSeq == seq - 1}); {@link #replaySince} answers from a bounded window of recent deltas exactly as
 * {@link SessionFeed#replaySince} documents (missed deltas when they are all in the window, nothing when the
 * client is up to date, the full state for another epoch, a seq ahead of the feed or one older than the window).
 * Metrics are {@code {"total": <number of sessions>}} unless a publish names its own; a delta carries them only
 * when they changed.
 *
 * <p>Differences from the engine, on purpose: {@link #start()} only records the call (any number of times);
 * {@link #requestResync} and {@link #refresh} only record their arguments ({@code refresh} completes at once with
 * the current seq); the status is whatever the test {@linkplain #publishStatus published} (initially
 * {@link FeedStatus#LIVE}, reason {@code "fake feed"}). {@link #close()} tells broadcasters once.
 *
 * <p>Thread-safety: thread-safe. Publishing is serialized on the feed's monitor and broadcasters are called on the
 * publishing thread <em>while that monitor is held</em>, and {@link #replaySince} takes the same monitor. That is
 * stricter than the engine on purpose: a transport that waits, while being broadcast to, for a thread that reads
 * this feed deadlocks here instead of only under load with the real engine. {@link #current()},
 * {@link #status()} and the recorders do not block.
 */
public final class FakeSessionFeed implements SessionFeed {

    /** The epoch of a feed made with {@link #FakeSessionFeed()}. */
    public static final String DEFAULT_EPOCH = "fake-epoch";
    /** The replay window of a feed made with {@link #FakeSessionFeed()}, in deltas. */
    public static final int DEFAULT_REPLAY_WINDOW = 1024;

    private final String epoch;
    private final int window;
    private final List<Broadcaster> broadcasters = new CopyOnWriteArrayList<>();
    private final ArrayDeque<SessionDelta> recent = new ArrayDeque<>(); // guarded by this
    private final List<String> resyncRequests = new CopyOnWriteArrayList<>();
    private final List<List<String>> refreshRequests = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean started;
    private volatile Snapshot current;
    private volatile FeedStatus status = FeedStatus.LIVE;
    private volatile String reason = "fake feed";
    private volatile RuntimeException replayFailure;

    /** Creates an empty feed with epoch {@value #DEFAULT_EPOCH} and a window of {@value #DEFAULT_REPLAY_WINDOW}. */
    public FakeSessionFeed() {
        this(DEFAULT_EPOCH, DEFAULT_REPLAY_WINDOW);
    }

    /**
     * Creates an empty feed (seq 0, no sessions).
     *
     * @param epoch        the epoch of every state and delta
     * @param replayWindow how many recent deltas {@link #replaySince} can replay; 0 replays none
     * @throws IllegalArgumentException if {@code replayWindow} is negative
     */
    public FakeSessionFeed(String epoch, int replayWindow) {
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        if (replayWindow < 0) {
            throw new IllegalArgumentException("replayWindow must be >= 0, was " + replayWindow);
        }
        this.window = replayWindow;
        this.current = new Snapshot(epoch, 0, Instant.now(), List.of(), metricsFor(0));
    }

    /**
     * Publishes one delta that inserts or replaces sessions (new ones go last in display order).
     *
     * @param sessions the sessions
     * @return the published delta
     */
    public synchronized SessionDelta upsert(ChatSession... sessions) {
        return publish(Arrays.asList(sessions), List.of());
    }

    /**
     * Publishes one delta that removes sessions.
     *
     * @param ids the ids (ids not shown are published as removed all the same)
     * @return the published delta
     */
    public synchronized SessionDelta remove(String... ids) {
        return publish(List.of(), Arrays.asList(ids));
    }

    /**
     * Publishes one delta: the state at {@code seq + 1} has {@code upserted} put by id and {@code removed} taken
     * out; broadcasters hear of it after {@link #current()} shows it.
     *
     * @param upserted sessions to insert or replace
     * @param removed  ids to remove
     * @return the published delta
     * @throws IllegalArgumentException if both are empty (a delta is never empty)
     */
    public synchronized SessionDelta publish(List<ChatSession> upserted, List<String> removed) {
        return publish(upserted, removed, null);
    }

    /**
     * Publishes one delta with the given metrics: like {@link #publish(List, List)}, but the state at {@code seq + 1}
     * carries {@code metrics} (the delta carries them when they differ from the previous state's).
     *
     * @param upserted sessions to insert or replace
     * @param removed  ids to remove
     * @param metrics  the metrics of the new state, or null for the default {@code {"total": <number of sessions>}}
     * @return the published delta
     * @throws IllegalArgumentException if both lists are empty (a delta is never empty)
     */
    public synchronized SessionDelta publish(List<ChatSession> upserted, List<String> removed, ChatMetrics metrics) {
        if (upserted.isEmpty() && removed.isEmpty()) {
            throw new IllegalArgumentException("a delta needs an upserted session or a removed id");
        }
        Snapshot before = current;
        Map<String, ChatSession> all = new LinkedHashMap<>(before.sessionsById());
        for (ChatSession s : upserted) {
            all.put(s.id(), s);
        }
        for (String id : removed) {
            all.remove(id);
        }
        long seq = before.seq() + 1;
        ChatMetrics newMetrics = metrics != null ? metrics : metricsFor(all.size());
        Instant now = Instant.now();
        SessionDelta d = new SessionDelta(epoch, seq, seq - 1, now, upserted, removed,
                newMetrics.equals(before.metrics()) ? null : newMetrics);
        Snapshot after = new Snapshot(epoch, seq, now, new ArrayList<>(all.values()), newMetrics);
        current = after;
        recent.addLast(d);
        while (recent.size() > window) {
            recent.removeFirst();
        }
        for (Broadcaster b : broadcasters) {
            b.onDelta(d, after);
        }
        return d;
    }

    /**
     * Sets the status and tells broadcasters.
     *
     * @param newStatus the status
     * @param why       the reason, for people
     */
    public synchronized void publishStatus(FeedStatus newStatus, String why) {
        status = Objects.requireNonNull(newStatus, "newStatus");
        reason = Objects.requireNonNull(why, "why");
        for (Broadcaster b : broadcasters) {
            b.onStatus(newStatus, why);
        }
    }

    /**
     * Makes {@link #replaySince} throw, to play a broken feed.
     *
     * @param failure what {@code replaySince} throws; null makes it answer again
     */
    public void failReplayWith(RuntimeException failure) {
        this.replayFailure = failure;
    }

    /**
     * One session of the current state.
     *
     * @param id the id
     * @return the session, or null when not shown
     */
    public ChatSession get(String id) {
        return current.sessionsById().get(id);
    }

    /**
     * The reasons passed to {@link #requestResync}, in order.
     *
     * @return a copy
     */
    public List<String> resyncRequests() {
        return List.copyOf(resyncRequests);
    }

    /**
     * The ids passed to {@link #refresh}, one list per call, in order.
     *
     * @return a copy
     */
    public List<List<String>> refreshRequests() {
        return List.copyOf(refreshRequests);
    }

    /**
     * Whether {@link #start()} was called.
     *
     * @return true once called
     */
    public boolean started() {
        return started;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once called
     */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * How many broadcasters are registered now.
     *
     * @return the count
     */
    public int broadcasterCount() {
        return broadcasters.size();
    }

    /** Records the call; the feed publishes whenever the test says, started or not. */
    @Override
    public void start() {
        started = true;
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public Snapshot current() {
        return current;
    }

    /**
     * Answers from the window as {@link SessionFeed#replaySince} documents.
     *
     * @throws RuntimeException the failure set with {@link #failReplayWith}, if any
     */
    @Override
    public synchronized Replay replaySince(String clientEpoch, long lastSeq) {
        RuntimeException failure = replayFailure;
        if (failure != null) {
            throw failure;
        }
        Snapshot snap = current;
        if (!epoch.equals(clientEpoch) || lastSeq > snap.seq()) {
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
        Objects.requireNonNull(broadcaster, "broadcaster");
        broadcasters.add(broadcaster);
        return () -> broadcasters.remove(broadcaster);
    }

    @Override
    public FeedStatus status() {
        return status;
    }

    @Override
    public String statusReason() {
        return reason;
    }

    /** Records the reason; nothing is published. */
    @Override
    public void requestResync(String why) {
        resyncRequests.add(String.valueOf(why));
    }

    /** Records the ids and completes at once with the current seq. */
    @Override
    public CompletableFuture<Long> refresh(Collection<String> ids) {
        refreshRequests.add(List.copyOf(ids));
        return CompletableFuture.completedFuture(current.seq());
    }

    /** Tells every broadcaster {@link Broadcaster#onClose()} on the first call; later calls do nothing. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        for (Broadcaster b : broadcasters) {
            b.onClose();
        }
    }

    private static ChatMetrics metricsFor(int sessions) {
        return new ChatMetrics(Map.of("total", sessions));
    }

    @Override
    public String toString() {
        Snapshot s = current;
        return "FakeSessionFeed{epoch=" + epoch + ", seq=" + s.seq() + ", sessions=" + s.sessions().size() + ", status=" + status + '}';
    }
}
