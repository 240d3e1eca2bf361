package dev.sessionfeed.testkit;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory feed client for tests: keeps the state a dashboard would show by applying a full state and then
 * deltas, exactly as the protocol describes, and compares it with a fresh database read.
 *
 * <p>Applying: {@link #applySnapshot} replaces everything; {@link #applyDelta} checks that the delta belongs to
 * the same epoch and continues the seq ({@code prevSeq == seq()}), then upserts, removes and replaces the
 * metrics. A delta that does not continue the state is a <em>gap</em>: it is recorded in {@link #gaps()} and not
 * applied. A delta at or below the current seq (already covered by a snapshot) is ignored.
 *
 * <p>As a {@link Broadcaster} ({@link #attach(SessionFeed)}), the client behaves like a real one: after a gap it
 * takes the full state passed with the delta, so it converges; tests assert {@code gaps()} is empty to prove
 * that no gap happened.
 *
 * <p>Comparing: {@link #differencesFrom(Snapshot)} lists every session and metric that differs from an expected
 * state (for example {@link #readDatabase(TestDatabase)}), ignoring metrics that change with the clock alone
 * ({@link #TIME_DEPENDENT_METRICS}).
 *
 * <p>Thread-safe: all methods synchronize on the client; getters return copies.
 */
public final class FeedStateClient implements Broadcaster {

    /**
     * Metrics that custom queries commonly compute from {@code now()}, so a later read differs without any change.
     * The default query has none: it publishes {@code longestWaitingSince} and lets clients compute the wait.
     */
    public static final Set<String> TIME_DEPENDENT_METRICS = Set.of("longestWaitSeconds");

    private String epoch;
    private long seq = -1;
    private final Map<String, ChatSession> sessions = new LinkedHashMap<>();
    private ChatMetrics metrics = ChatMetrics.EMPTY;
    private final List<String> gaps = new ArrayList<>();
    private long snapshotsApplied;
    private long deltasApplied;
    private FeedStatus status;
    private String statusReason;
    private boolean closed;
    private AutoCloseable registration;

    /** Creates a client with no state ({@link #seq()} is -1 until the first snapshot). */
    public FeedStateClient() {
    }

    /**
     * Creates a client that follows a running feed: registers it as a broadcaster, then applies the feed's current
     * state (deltas published in between are reconciled by seq).
     *
     * @param feed a started feed
     * @return the client; {@link #detach()} unregisters it
     */
    public static FeedStateClient attach(SessionFeed feed) {
        Objects.requireNonNull(feed, "feed");
        FeedStateClient client = new FeedStateClient();
        AutoCloseable handle = feed.addBroadcaster(client);
        client.applySnapshot(feed.current());
        synchronized (client) {
            client.registration = handle;
        }
        return client;
    }

    /**
     * Stops following the feed this client was {@linkplain #attach attached} to. Idempotent.
     *
     * @throws IllegalStateException if unregistering fails
     */
    public void detach() {
        AutoCloseable handle;
        synchronized (this) {
            handle = registration;
            registration = null;
        }
        if (handle != null) {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not remove the broadcaster", e);
            }
        }
    }

    /**
     * Reads the database as a fresh dashboard would see it, with SessionFeed's default mapping.
     *
     * @param db the database
     * @return a snapshot with epoch {@code "database"} and seq 0
     */
    public static Snapshot readDatabase(TestDatabase db) {
        return readDatabase(JdbcSnapshotBuilder.builder(db.dataSource()).build());
    }

    /**
     * Reads everything through a snapshot builder (for custom mappings).
     *
     * @param builder the builder
     * @return a snapshot with epoch {@code "database"} and seq 0
     */
    public static Snapshot readDatabase(SnapshotBuilder builder) {
        SnapshotRead read = builder.buildFull();
        return new Snapshot("database", 0, read.readAt(), read.sessions(), read.metrics());
    }

    /**
     * Replaces the state with a full state. A snapshot of the current epoch older than the current seq is ignored.
     *
     * @param snapshot the full state
     */
    public synchronized void applySnapshot(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (snapshot.epoch().equals(epoch) && snapshot.seq() < seq) {
            return;
        }
        epoch = snapshot.epoch();
        seq = snapshot.seq();
        sessions.clear();
        for (ChatSession s : snapshot.sessions()) {
            sessions.put(s.id(), s);
        }
        metrics = snapshot.metrics();
        snapshotsApplied++;
    }

    /**
     * Applies a delta if it continues the state.
     *
     * @param delta the delta
     * @return true when applied; false when it was already covered (ignored) or did not continue the state
     *     (recorded as a gap)
     */
    public synchronized boolean applyDelta(SessionDelta delta) {
        Objects.requireNonNull(delta, "delta");
        if (epoch == null || !epoch.equals(delta.epoch())) {
            gaps.add("delta seq " + delta.seq() + " of epoch " + delta.epoch() + " while at epoch " + epoch);
            return false;
        }
        if (delta.seq() <= seq) {
            return false;
        }
        if (delta.prevSeq() != seq) {
            gaps.add("delta seq " + delta.seq() + " (prevSeq " + delta.prevSeq() + ") while at seq " + seq);
            return false;
        }
        for (ChatSession s : delta.upserted()) {
            sessions.put(s.id(), s);
        }
        for (String id : delta.removed()) {
            sessions.remove(id);
        }
        if (delta.metrics() != null) {
            metrics = delta.metrics();
        }
        seq = delta.seq();
        deltasApplied++;
        return true;
    }

    /**
     * Applies the delta; after a gap, takes {@code current} instead, as a real client asks for the full state.
     * Before any state was applied, takes {@code current} without recording a gap.
     *
     * @param delta   the change
     * @param current the feed's state after it
     */
    @Override
    public synchronized void onDelta(SessionDelta delta, Snapshot current) {
        if (epoch == null) {
            // attach(): registered, but the first state is not applied yet; this is the first state, not a gap.
            applySnapshot(current);
            return;
        }
        int gapsBefore = gaps.size();
        if (!applyDelta(delta) && gaps.size() > gapsBefore) {
            applySnapshot(current);
        }
    }

    /**
     * Records the status.
     *
     * @param status the new status
     * @param reason why
     */
    @Override
    public synchronized void onStatus(FeedStatus status, String reason) {
        this.status = status;
        this.statusReason = reason;
    }

    /** Records that the feed closed. */
    @Override
    public synchronized void onClose() {
        closed = true;
    }

    /**
     * The sessions, by id.
     *
     * @return a copy
     */
    public synchronized Map<String, ChatSession> sessions() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(sessions));
    }

    /**
     * The metrics.
     *
     * @return the latest metrics
     */
    public synchronized ChatMetrics metrics() {
        return metrics;
    }

    /**
     * The seq of the state.
     *
     * @return the last applied seq, -1 before the first snapshot
     */
    public synchronized long seq() {
        return seq;
    }

    /**
     * The epoch of the state.
     *
     * @return the epoch, or null before the first snapshot
     */
    public synchronized String epoch() {
        return epoch;
    }

    /**
     * The gaps seen: deltas that did not continue the state.
     *
     * @return descriptions, in order; empty when the stream was continuous
     */
    public synchronized List<String> gaps() {
        return List.copyOf(gaps);
    }

    /**
     * How many full states were applied.
     *
     * @return the count
     */
    public synchronized long snapshotsApplied() {
        return snapshotsApplied;
    }

    /**
     * How many deltas were applied.
     *
     * @return the count
     */
    public synchronized long deltasApplied() {
        return deltasApplied;
    }

    /**
     * The last status received.
     *
     * @return the status, or null if none was received
     */
    public synchronized FeedStatus status() {
        return status;
    }

    /**
     * The reason of the last status received.
     *
     * @return the reason, or null
     */
    public synchronized String statusReason() {
        return statusReason;
    }

    /**
     * Whether the feed said it closed.
     *
     * @return true after {@link #onClose()}
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Compares with an expected state, ignoring {@link #TIME_DEPENDENT_METRICS}.
     *
     * @param expected for example {@link #readDatabase(TestDatabase)}
     * @return one line per difference; empty when equal
     */
    public List<String> differencesFrom(Snapshot expected) {
        return differencesFrom(expected, TIME_DEPENDENT_METRICS);
    }

    /**
     * Compares sessions (by id, every field) and metrics (every key except {@code ignoredMetrics}) with an
     * expected state. The order of sessions is not compared: deltas do not carry it.
     *
     * @param expected       the expected state
     * @param ignoredMetrics metric keys not compared
     * @return one line per difference; empty when equal
     */
    public synchronized List<String> differencesFrom(Snapshot expected, Set<String> ignoredMetrics) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(ignoredMetrics, "ignoredMetrics");
        List<String> diffs = new ArrayList<>();
        Map<String, ChatSession> want = expected.sessionsById();
        Set<String> ids = new TreeSet<>(want.keySet());
        ids.addAll(sessions.keySet());
        for (String id : ids) {
            ChatSession w = want.get(id);
            ChatSession h = sessions.get(id);
            if (w == null) {
                diffs.add("unexpected session " + id + ": " + h);
            } else if (h == null) {
                diffs.add("missing session " + id + ": " + w);
            } else if (!w.equals(h)) {
                diffs.add("session " + id + " differs: expected " + w + " but was " + h);
            }
        }
        Set<String> keys = new LinkedHashSet<>(expected.metrics().values().keySet());
        keys.addAll(metrics.values().keySet());
        keys.removeAll(ignoredMetrics);
        for (String key : keys) {
            Object w = expected.metrics().values().get(key);
            Object h = metrics.values().get(key);
            if (!expected.metrics().values().containsKey(key) || !metrics.values().containsKey(key) || !Objects.equals(w, h)) {
                diffs.add("metric " + key + " differs: expected " + w + " but was " + h);
            }
        }
        return diffs;
    }

    /**
     * Whether the state equals an expected one (see {@link #differencesFrom(Snapshot)}).
     *
     * @param expected the expected state
     * @return true when there is no difference
     */
    public boolean matches(Snapshot expected) {
        return differencesFrom(expected).isEmpty();
    }

    @Override
    public synchronized String toString() {
        return "FeedStateClient{epoch=" + epoch + ", seq=" + seq + ", sessions=" + sessions.size() + ", gaps=" + gaps.size() + '}';
    }
}
