package dev.sessionfeed;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What turns the state at {@code prevSeq} into the state at {@code seq}: one published change of a feed, or
 * several consecutive ones {@linkplain #merge merged} into one.
 *
 * <p>Applying a delta: put every session of {@code upserted} by id (insert or replace), remove every id in
 * {@code removed}, and if {@code metrics} is non-null replace the metrics. The feed publishes and keeps for
 * replay only deltas with {@code seq == prevSeq + 1}; a transport may send a client that fell behind one merged
 * delta instead of several ({@code seq - prevSeq > 1}). Either way a client detects a gap by comparing
 * {@code prevSeq} with the last seq it applied.
 *
 * <p>A delta is never empty: at least one of {@code upserted}, {@code removed}, {@code metrics} carries a
 * change. Immutable and thread-safe.
 *
 * @param epoch     the feed run's identifier
 * @param seq       the sequence number after this change
 * @param prevSeq   the sequence number this change applies to ({@code seq - 1} for one published change)
 * @param timestamp when the data of this change was read from the database
 * @param upserted  sessions that are new or changed; unmodifiable
 * @param removed   ids of sessions that left the scope (deleted, archived, aged out); unmodifiable
 * @param metrics   the new metrics, or null when they did not change
 */
public record SessionDelta(String epoch, long seq, long prevSeq, Instant timestamp,
                           List<ChatSession> upserted, List<String> removed, ChatMetrics metrics) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException     if a non-nullable component is null
     * @throws IllegalArgumentException if {@code seq < 1} or {@code prevSeq} is not in {@code [0, seq)}
     */
    public SessionDelta {
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(timestamp, "timestamp");
        upserted = List.copyOf(Objects.requireNonNull(upserted, "upserted"));
        removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
        if (seq < 1 || prevSeq < 0 || prevSeq >= seq) {
            throw new IllegalArgumentException("seq must be >= 1 and 0 <= prevSeq < seq, was seq=" + seq + ", prevSeq=" + prevSeq);
        }
    }

    /**
     * Merges consecutive deltas into one that has the same effect when applied: it applies to the first one's
     * {@code prevSeq}, leads to the last one's {@code seq}, carries each touched session's last version (or its
     * id in {@code removed} when the last change removed it), the last non-null metrics, and the last
     * timestamp.
     *
     * @param deltas consecutive deltas of one epoch, oldest first ({@code deltas[i].prevSeq == deltas[i-1].seq})
     * @return the merged delta; the single element itself when there is only one
     * @throws NullPointerException     if {@code deltas} is or holds null
     * @throws IllegalArgumentException naming the offending seq when {@code deltas} is empty, mixes epochs or
     *                                  is not consecutive
     */
    public static SessionDelta merge(List<SessionDelta> deltas) {
        Objects.requireNonNull(deltas, "deltas");
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("deltas must not be empty");
        }
        SessionDelta first = Objects.requireNonNull(deltas.get(0), "deltas[0]");
        if (deltas.size() == 1) {
            return first;
        }
        Map<String, ChatSession> upserted = new LinkedHashMap<>();
        Set<String> removed = new LinkedHashSet<>();
        ChatMetrics metrics = null;
        SessionDelta previous = null;
        for (int i = 0; i < deltas.size(); i++) {
            SessionDelta d = deltas.get(i);
            if (d == null) {
                throw new NullPointerException("deltas[" + i + "]");
            }
            if (!d.epoch.equals(first.epoch)) {
                throw new IllegalArgumentException("deltas must be of one epoch, but deltas[" + i + "] (seq " + d.seq
                        + ") is of epoch '" + d.epoch + "', deltas[0] of '" + first.epoch + "'");
            }
            if (previous != null && d.prevSeq != previous.seq) {
                throw new IllegalArgumentException("deltas must be consecutive, but deltas[" + i + "] applies to seq "
                        + d.prevSeq + " and follows seq " + previous.seq);
            }
            for (ChatSession s : d.upserted) {
                removed.remove(s.id());
                upserted.put(s.id(), s);
            }
            for (String id : d.removed) {
                upserted.remove(id);
                removed.add(id);
            }
            if (d.metrics != null) {
                metrics = d.metrics;
            }
            previous = d;
        }
        return new SessionDelta(first.epoch, previous.seq, first.prevSeq, previous.timestamp,
                new ArrayList<>(upserted.values()), new ArrayList<>(removed), metrics);
    }

    /**
     * Tells whether the session list changed.
     *
     * @return true when {@code upserted} or {@code removed} is non-empty
     */
    public boolean sessionsChanged() {
        return !upserted.isEmpty() || !removed.isEmpty();
    }

    /**
     * Tells whether the metrics changed.
     *
     * @return true when {@code metrics} is non-null
     */
    public boolean metricsChanged() {
        return metrics != null;
    }
}
