package dev.sessionfeed.testkit;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.SnapshotRead;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SnapshotBuilder} backed by a map instead of a database, for testing a feed (or anything that reads
 * through a snapshot builder) without timing on a real read.
 *
 * <p>Rows: the test {@linkplain #put puts} and {@linkplain #remove removes} sessions. Display order is newest
 * first ({@code createdAt} descending, then id), like the default JDBC mapping. A full read returns at most
 * {@link #maxSessions()} sessions (the newest), as {@code JdbcSnapshotBuilder} does; a by-id
 * {@linkplain #refresh refresh} returns every requested row that exists (the feed applies the cap to
 * refreshes). Metrics, computed over all rows: {@code countsByStatus} (status → count, sorted by status),
 * {@code totalSessions}, then anything set with {@link #metric}.
 *
 * <p>Control: {@link #failWith} makes every read throw; {@link #holdReads()} makes reads wait at a gate until
 * {@link #releaseReads()} (at most {@value #GATE_SECONDS} s, then the read fails), so a test controls what
 * happens while a rebuild runs. Counters: {@link #fullReads()}, {@link #idReads()}, {@link #readsStarted()}
 * (including held and failing reads) and the {@linkplain #idSets() id sets} of every refresh.
 *
 * <p>Thread-safety: all methods are thread-safe; a read sees the rows as one consistent state (a read and a
 * {@code put} never interleave), which is the consistency the real builder gets from one SQL statement.
 */
public final class MapSnapshotBuilder implements SnapshotBuilder {

    /** How long a held read waits for {@link #releaseReads()} before it fails, in seconds. */
    public static final int GATE_SECONDS = 30;

    private static final Comparator<ChatSession> NEWEST_FIRST = Comparator
            .comparing(ChatSession::createdAt, Comparator.nullsLast(Comparator.<Instant>reverseOrder()))
            .thenComparing(ChatSession::id);

    private final int maxSessions;
    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<String, ChatSession> rows = new HashMap<>();
    private final Map<String, Object> extraMetrics = new LinkedHashMap<>();
    private final AtomicInteger fullReads = new AtomicInteger();
    private final AtomicInteger idReads = new AtomicInteger();
    private final AtomicInteger readsStarted = new AtomicInteger();
    private final List<Set<String>> idSets = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;
    private volatile CountDownLatch gate;

    /** Creates an empty builder without a cap on the number of sessions. */
    public MapSnapshotBuilder() {
        this(Integer.MAX_VALUE);
    }

    /**
     * Creates an empty builder whose full reads return at most {@code maxSessions} sessions.
     *
     * @param maxSessions the cap, reported by {@link #maxSessions()}
     * @throws IllegalArgumentException if {@code maxSessions} is below 1
     */
    public MapSnapshotBuilder(int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions must be at least 1, was " + maxSessions);
        }
        this.maxSessions = maxSessions;
    }

    /**
     * Inserts or replaces a row.
     *
     * @param session the row
     */
    public void put(ChatSession session) {
        Objects.requireNonNull(session, "session");
        synchronized (lock) {
            rows.put(session.id(), session);
        }
    }

    /**
     * Inserts or replaces rows, all at once for readers.
     *
     * @param sessions the rows
     */
    public void putAll(Collection<ChatSession> sessions) {
        synchronized (lock) {
            sessions.forEach(this::put);
        }
    }

    /**
     * Deletes a row; nothing happens if there is none.
     *
     * @param id the session's id
     */
    public void remove(String id) {
        synchronized (lock) {
            rows.remove(id);
        }
    }

    /** Deletes every row (metrics set with {@link #metric} stay). */
    public void clear() {
        synchronized (lock) {
            rows.clear();
        }
    }

    /**
     * One row.
     *
     * @param id the session's id
     * @return the row, or null if there is none
     */
    public ChatSession get(String id) {
        synchronized (lock) {
            return rows.get(id);
        }
    }

    /**
     * Sets an extra metric, published after the computed ones (a key of a computed one replaces it).
     *
     * @param key   the metric name
     * @param value a JSON-compatible value
     */
    public void metric(String key, Object value) {
        Objects.requireNonNull(key, "key");
        synchronized (lock) {
            extraMetrics.put(key, value);
        }
    }

    /**
     * From now on every read throws {@code failure}.
     *
     * @param failure what reads throw; null makes reads work again
     */
    public void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    /** From now on reads wait until {@link #releaseReads()} (at most {@value #GATE_SECONDS} s). */
    public void holdReads() {
        gate = new CountDownLatch(1);
    }

    /** Lets waiting and future reads through. */
    public void releaseReads() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /**
     * Full reads that returned.
     *
     * @return the count
     */
    public int fullReads() {
        return fullReads.get();
    }

    /**
     * By-id reads that returned.
     *
     * @return the count
     */
    public int idReads() {
        return idReads.get();
    }

    /**
     * Reads that returned: {@code fullReads() + idReads()}.
     *
     * @return the count
     */
    public int reads() {
        return fullReads.get() + idReads.get();
    }

    /**
     * Reads that entered the builder, including ones held at the gate or failing.
     *
     * @return the count
     */
    public int readsStarted() {
        return readsStarted.get();
    }

    /**
     * The id sets of every by-id read that returned, in order.
     *
     * @return a copy
     */
    public List<Set<String>> idSets() {
        return List.copyOf(idSets);
    }

    /**
     * The full state now, without counting a read or passing the gate: what a fresh full read would return,
     * to compare with what a feed published.
     *
     * @return the read
     */
    public SnapshotRead peek() {
        synchronized (lock) {
            return fullLocked();
        }
    }

    @Override
    public SnapshotRead buildFull() {
        enter();
        synchronized (lock) {
            fullReads.incrementAndGet();
            return fullLocked();
        }
    }

    @Override
    public SnapshotRead refresh(Set<String> ids) {
        enter();
        synchronized (lock) {
            idReads.incrementAndGet();
            idSets.add(Set.copyOf(ids));
            List<ChatSession> found = new ArrayList<>();
            for (String id : ids) {
                ChatSession s = rows.get(id);
                if (s != null) {
                    found.add(s);
                }
            }
            found.sort(NEWEST_FIRST);
            return new SnapshotRead(found, metricsLocked(), Instant.now());
        }
    }

    /**
     * The cap on the sessions of a full read.
     *
     * @return the value given to the constructor; {@link Integer#MAX_VALUE} by default
     */
    @Override
    public int maxSessions() {
        return maxSessions;
    }

    private SnapshotRead fullLocked() {
        assert Thread.holdsLock(lock);
        List<ChatSession> all = new ArrayList<>(rows.values());
        all.sort(NEWEST_FIRST);
        List<ChatSession> shown = all.size() > maxSessions ? all.subList(0, maxSessions) : all;
        return new SnapshotRead(shown, metricsLocked(), Instant.now());
    }

    /** Waits at the gate (outside the lock: a held read must not block puts) and throws the set failure. */
    private void enter() {
        readsStarted.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(GATE_SECONDS, TimeUnit.SECONDS)) {
                    throw new SessionFeedException("test gate not opened within " + GATE_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionFeedException("interrupted at the test gate", e);
            }
        }
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private ChatMetrics metricsLocked() {
        assert Thread.holdsLock(lock);
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Long> counts = new TreeMap<>();
        for (ChatSession s : rows.values()) {
            counts.merge(s.status(), 1L, Long::sum);
        }
        m.put("countsByStatus", counts);
        m.put("totalSessions", (long) rows.size());
        m.putAll(extraMetrics);
        return new ChatMetrics(m);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "MapSnapshotBuilder{rows=" + rows.size() + ", maxSessions=" + maxSessions + ", reads=" + reads() + '}';
        }
    }
}
