package dev.sessionfeed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SnapshotBuilder} test double backed by a map instead of a database: display order is newest
 * first ({@code createdAt} descending, then id), metrics are counts per status plus anything set with
 * {@link #metric}. It counts reads, can be made to fail, and can hold reads at a gate so a test controls
 * what arrives while a rebuild runs.
 */
final class MapSnapshotBuilder implements SnapshotBuilder {

    private static final Comparator<ChatSession> NEWEST_FIRST = Comparator
            .comparing(ChatSession::createdAt, Comparator.reverseOrder())
            .thenComparing(ChatSession::id);

    private final Map<String, ChatSession> rows = new HashMap<>();
    private final Map<String, Object> extraMetrics = new LinkedHashMap<>();
    private final AtomicInteger fullReads = new AtomicInteger();
    private final AtomicInteger idReads = new AtomicInteger();
    private final AtomicInteger readsStarted = new AtomicInteger();
    private final List<Set<String>> idSets = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;
    private volatile CountDownLatch gate;

    synchronized void put(ChatSession session) {
        rows.put(session.id(), session);
    }

    synchronized void putAll(Collection<ChatSession> sessions) {
        sessions.forEach(this::put);
    }

    synchronized void remove(String id) {
        rows.remove(id);
    }

    synchronized void clear() {
        rows.clear();
    }

    synchronized ChatSession get(String id) {
        return rows.get(id);
    }

    synchronized void metric(String key, Object value) {
        extraMetrics.put(key, value);
    }

    /** From now on every read throws {@code failure} (null: reads work again). */
    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    /** From now on reads wait until {@link #releaseReads()}. */
    void holdReads() {
        gate = new CountDownLatch(1);
    }

    /** Lets waiting and future reads through. */
    void releaseReads() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    int fullReads() {
        return fullReads.get();
    }

    int idReads() {
        return idReads.get();
    }

    int reads() {
        return fullReads.get() + idReads.get();
    }

    /** Reads that entered the builder, including ones held at the gate or failing. */
    int readsStarted() {
        return readsStarted.get();
    }

    /** The id sets of every by-id read, in order. */
    List<Set<String>> idSets() {
        return List.copyOf(idSets);
    }

    @Override
    public SnapshotRead buildFull() {
        enter();
        synchronized (this) {
            fullReads.incrementAndGet();
            List<ChatSession> all = new ArrayList<>(rows.values());
            all.sort(NEWEST_FIRST);
            return new SnapshotRead(all, metrics(), Instant.now());
        }
    }

    @Override
    public SnapshotRead refresh(Set<String> ids) {
        enter();
        synchronized (this) {
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
            return new SnapshotRead(found, metrics(), Instant.now());
        }
    }

    /** A fresh full read, for comparing with what the feed published. */
    synchronized SnapshotRead peek() {
        List<ChatSession> all = new ArrayList<>(rows.values());
        all.sort(NEWEST_FIRST);
        return new SnapshotRead(all, metrics(), Instant.now());
    }

    private void enter() {
        readsStarted.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new SessionFeedException("test gate not opened within 30 s");
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

    private ChatMetrics metrics() {
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
}
