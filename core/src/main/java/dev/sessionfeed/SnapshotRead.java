package dev.sessionfeed;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link SnapshotBuilder} call read, before the feed stamps it with an epoch and seq.
 *
 * @param sessions the sessions read, in display order; unmodifiable
 * @param metrics  the metrics read from the same database snapshot as the sessions
 * @param readAt   when the database read them (its {@code now()}, or the local clock)
 */
public record SnapshotRead(List<ChatSession> sessions, ChatMetrics metrics, Instant readAt) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if any component is null
     */
    public SnapshotRead {
        sessions = List.copyOf(Objects.requireNonNull(sessions, "sessions"));
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(readAt, "readAt");
    }
}
