package dev.sessionfeed;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One published change of a feed: what turns the state at {@code prevSeq} into the state at {@code seq}.
 *
 * <p>Applying a delta: put every session of {@code upserted} by id (insert or replace), remove every id in
 * {@code removed}, and if {@code metrics} is non-null replace the metrics. Within one epoch
 * {@code seq == prevSeq + 1} always holds, so a client detects a gap by comparing {@code prevSeq} with the
 * last seq it applied.
 *
 * <p>A delta is never empty: at least one of {@code upserted}, {@code removed}, {@code metrics} carries a
 * change. Immutable and thread-safe.
 *
 * @param epoch     the feed run's identifier
 * @param seq       the sequence number after this change
 * @param prevSeq   the sequence number this change applies to ({@code seq - 1})
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
     * @throws IllegalArgumentException if {@code prevSeq != seq - 1} or {@code seq < 1}
     */
    public SessionDelta {
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(timestamp, "timestamp");
        upserted = List.copyOf(Objects.requireNonNull(upserted, "upserted"));
        removed = List.copyOf(Objects.requireNonNull(removed, "removed"));
        if (seq < 1 || prevSeq != seq - 1) {
            throw new IllegalArgumentException("seq must be >= 1 and prevSeq == seq - 1, was seq=" + seq + ", prevSeq=" + prevSeq);
        }
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
