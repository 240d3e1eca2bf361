package dev.sessionfeed;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One chat session as an admin dashboard shows it: an immutable value read from the sessions table.
 *
 * <p>Serialized to JSON with these property names (the {@code session_update} message of protocol version 1):
 * {@code id, status, visitorId, visitorName, agentId, agentName, subject, createdAt, updatedAt, endedAt,
 * firstResponseAt, messageCount, lastMessageAt, attributes}. Timestamps are ISO-8601 instants; absent
 * values are {@code null}.
 *
 * <p>{@code attributes} carries extra host columns configured in the table mapping, keyed by column name;
 * its values are JSON-compatible ({@link String}, {@link Number}, {@link Boolean}, {@code null}, nested
 * {@link Map}s/{@link java.util.List}s).
 *
 * <p>Instances are immutable and thread-safe; {@link #equals(Object)} compares every field, which is what
 * the feed engine's diff relies on.
 *
 * @param id              the session's primary key; never null or blank
 * @param status          the session status, for example {@code waiting}, {@code active}, {@code ended},
 *                        {@code archived}; never null
 * @param visitorId       the visitor (end user) id, or null
 * @param visitorName     the visitor's display name, or null
 * @param agentId         the assigned agent's id, or null
 * @param agentName       the assigned agent's display name, or null
 * @param subject         the subject line, or null
 * @param createdAt       when the session was created, or null
 * @param updatedAt       when the row last changed, or null
 * @param endedAt         when the session ended, or null while it runs
 * @param firstResponseAt when an agent first answered, or null
 * @param messageCount    number of messages, never negative
 * @param lastMessageAt   time of the last message, or null
 * @param attributes      extra host columns; never null (empty when none), unmodifiable
 */
public record ChatSession(
        String id,
        String status,
        String visitorId,
        String visitorName,
        String agentId,
        String agentName,
        String subject,
        Instant createdAt,
        Instant updatedAt,
        Instant endedAt,
        Instant firstResponseAt,
        long messageCount,
        Instant lastMessageAt,
        Map<String, Object> attributes) {

    /**
     * Validates and copies the components.
     *
     * @throws NullPointerException     if {@code id} or {@code status} is null
     * @throws IllegalArgumentException if {@code id} is blank or {@code messageCount} is negative
     */
    public ChatSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank");
        }
        if (messageCount < 0) {
            throw new IllegalArgumentException("messageCount must be >= 0, was " + messageCount + " (id=" + id + ")");
        }
        attributes = attributes == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
    }
}
