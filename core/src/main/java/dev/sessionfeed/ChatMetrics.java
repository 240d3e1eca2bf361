package dev.sessionfeed;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The live metrics of the chat, as one flat JSON object (the {@code metrics_update} message's
 * {@code data.metrics}).
 *
 * <p>Keys are the column labels of the metrics query; values are JSON-compatible ({@link Number},
 * {@link String}, {@link Boolean}, {@code null}, nested {@link Map}s or {@link java.util.List}s, for example
 * {@code countsByStatus}). The default query ({@link dev.sessionfeed.jdbc.JdbcSnapshotBuilder}) produces
 * the keys listed in {@link #DEFAULT_KEYS}.
 *
 * <p>Immutable and thread-safe. Two instances are equal when their maps are equal.
 *
 * @param values the metric values in query column order; copied, never null
 */
public record ChatMetrics(Map<String, Object> values) {

    /**
     * The keys of the default metrics query, in order: {@code countsByStatus} (object status → count),
     * {@code totalSessions}, {@code waitingNow}, {@code activeNow}, {@code longestWaitingSince} (ISO instant of
     * the oldest waiting session's creation, or null: clients compute the live wait from it, so the metric
     * does not change every second), {@code avgFirstResponseSeconds}
     * and {@code avgDurationSeconds} (sessions created in the last 24 h), {@code startedLast24h},
     * {@code endedLast24h}, {@code activeAgents} (distinct agents on active sessions).
     */
    public static final java.util.List<String> DEFAULT_KEYS = java.util.List.of(
            "countsByStatus", "totalSessions", "waitingNow", "activeNow", "longestWaitingSince",
            "avgFirstResponseSeconds", "avgDurationSeconds", "startedLast24h",
            "endedLast24h", "activeAgents");

    /** Metrics with no values. */
    public static final ChatMetrics EMPTY = new ChatMetrics(Map.of());

    /**
     * Copies the map, keeping its iteration order.
     *
     * @throws NullPointerException if {@code values} is null
     */
    public ChatMetrics {
        Objects.requireNonNull(values, "values");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Returns one metric.
     *
     * @param key the metric name
     * @return the value, or null when absent
     */
    public Object get(String key) {
        return values.get(key);
    }
}
