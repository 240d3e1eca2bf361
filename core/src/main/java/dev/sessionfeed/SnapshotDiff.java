package dev.sessionfeed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a fresh read with the current snapshot and works out the change and the next display order.
 *
 * <p>Order rules:
 * <ul>
 *   <li>Full read: the read's order (the builder's display order, newest first by default) is the new order.</li>
 *   <li>By-id read: sessions already shown keep their position (a changed session is replaced in place);
 *       sessions not shown before are put first, in the read's order (newest first by default). So a
 *       refreshed list can differ in order from a full read until the next full rebuild (a resync or the
 *       periodic reconcile), for example when a host's display order depends on a changing column.</li>
 * </ul>
 *
 * <p>A read that contains the same id twice keeps its first occurrence. Stateless and thread-safe.
 */
final class SnapshotDiff {

    private SnapshotDiff() {
    }

    /**
     * The outcome of a diff.
     *
     * @param sessions the next display list
     * @param upserted new or changed sessions, in the next display order
     * @param removed  ids that left, in their previous display order
     * @param metrics  the new metrics, or null when unchanged
     */
    record Result(List<ChatSession> sessions, List<ChatSession> upserted, List<String> removed, ChatMetrics metrics) {

        /**
         * Tells whether nothing changed.
         *
         * @return true when there is nothing to publish
         */
        boolean isEmpty() {
            return upserted.isEmpty() && removed.isEmpty() && metrics == null;
        }
    }

    /**
     * Diffs a read of every session in scope.
     *
     * @param current the current snapshot
     * @param read    the full read
     * @return the change
     */
    static Result full(Snapshot current, SnapshotRead read) {
        Map<String, ChatSession> before = index(current.sessions());
        Map<String, ChatSession> after = indexKeepingFirst(read.sessions());
        List<ChatSession> upserted = new ArrayList<>();
        for (ChatSession s : after.values()) {
            if (!s.equals(before.get(s.id()))) {
                upserted.add(s);
            }
        }
        List<String> removed = new ArrayList<>();
        for (ChatSession s : current.sessions()) {
            if (!after.containsKey(s.id())) {
                removed.add(s.id());
            }
        }
        return new Result(SessionList.copyOf(new ArrayList<>(after.values())), upserted, removed, metricsChange(current, read));
    }

    /**
     * Diffs a read of some sessions by id: requested ids missing from the read have left the scope.
     *
     * @param current     the current snapshot
     * @param read        the by-id read
     * @param requested   the ids that were read
     * @param maxSessions the most sessions to show: sessions beyond it at the end of the display order are
     *                    dropped (as removed, or not added)
     * @return the change
     */
    static Result byIds(Snapshot current, SnapshotRead read, Set<String> requested, int maxSessions) {
        Result r = byIds(current, read, requested);
        return r.sessions().size() <= maxSessions ? r : capped(current, r, maxSessions);
    }

    /** Drops what lies beyond {@code max} in the display order: removed if shown before, else never added. */
    private static Result capped(Snapshot current, Result r, int max) {
        List<ChatSession> all = r.sessions();
        SessionList before = SessionList.copyOf(current.sessions());
        Set<String> dropped = new HashSet<>();
        List<String> removed = new ArrayList<>(r.removed());
        for (ChatSession s : all.subList(max, all.size())) {
            dropped.add(s.id());
            if (before.position(s.id()) >= 0) {
                removed.add(s.id());
            }
        }
        removed.sort(Comparator.comparingInt(before::position)); // in their previous display order
        List<ChatSession> upserted = new ArrayList<>(r.upserted().size());
        for (ChatSession s : r.upserted()) {
            if (!dropped.contains(s.id())) {
                upserted.add(s);
            }
        }
        return new Result(SessionList.copyOf(new ArrayList<>(all.subList(0, max))), upserted, removed, r.metrics());
    }

    /** {@link #byIds(Snapshot, SnapshotRead, Set, int)} without a cap. */
    static Result byIds(Snapshot current, SnapshotRead read, Set<String> requested) {
        // Costs the change, not the snapshot: positions come from the list's shared index, and an in-place
        // replacement copies one array (no maps or lists of the whole snapshot are built).
        SessionList before = SessionList.copyOf(current.sessions());
        Map<String, ChatSession> fresh = indexKeepingFirst(read.sessions());
        List<ChatSession> added = new ArrayList<>();
        int[] changedAt = new int[fresh.size()];
        int changed = 0;
        for (ChatSession s : fresh.values()) {
            int at = before.position(s.id());
            if (at < 0) {
                added.add(s);
            } else if (!s.equals(before.get(at))) {
                changedAt[changed++] = at;
            }
        }
        int[] removedAt = new int[requested.size()];
        int removedCount = 0;
        for (String id : requested) {
            if (!fresh.containsKey(id)) {
                int at = before.position(id);
                if (at >= 0) {
                    removedAt[removedCount++] = at;
                }
            }
        }
        Arrays.sort(changedAt, 0, changed);
        Arrays.sort(removedAt, 0, removedCount);
        ChatSession[] with = new ChatSession[changed];
        List<ChatSession> upserted = new ArrayList<>(added.size() + changed);
        upserted.addAll(added);
        for (int i = 0; i < changed; i++) {
            with[i] = fresh.get(before.get(changedAt[i]).id());
            upserted.add(with[i]);
        }
        List<String> removed = new ArrayList<>(removedCount);
        for (int i = 0; i < removedCount; i++) {
            removed.add(before.get(removedAt[i]).id());
        }
        SessionList sessions;
        if (added.isEmpty() && removedCount == 0) {
            sessions = changed == 0 ? before : before.withReplaced(changedAt, with, changed);
        } else {
            sessions = before.rebuilt(added, removedAt, removedCount, changedAt, with, changed);
        }
        return new Result(sessions, upserted, removed, metricsChange(current, read));
    }

    private static ChatMetrics metricsChange(Snapshot current, SnapshotRead read) {
        return read.metrics().equals(current.metrics()) ? null : read.metrics();
    }

    private static Map<String, ChatSession> index(List<ChatSession> sessions) {
        Map<String, ChatSession> m = new HashMap<>(Math.max(16, sessions.size() * 2));
        for (ChatSession s : sessions) {
            m.putIfAbsent(s.id(), s);
        }
        return m;
    }

    private static Map<String, ChatSession> indexKeepingFirst(List<ChatSession> sessions) {
        Map<String, ChatSession> m = new LinkedHashMap<>(Math.max(16, sessions.size() * 2));
        for (ChatSession s : sessions) {
            m.putIfAbsent(s.id(), s);
        }
        return m;
    }
}
