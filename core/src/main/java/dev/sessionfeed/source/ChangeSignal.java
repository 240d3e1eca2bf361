package dev.sessionfeed.source;

import java.time.Instant;
import java.util.Objects;

/**
 * A hint that one session changed. Signals never carry row content: the feed re-reads the row by id, so a
 * forged or stale signal can cause at most an unnecessary read, never wrong data.
 *
 * @param action        what happened
 * @param sessionId     the session's id; null only for {@link ChangeAction#TRUNCATE}
 * @param receivedNanos {@link System#nanoTime()} when the source received the signal (for latency
 *                      measurement: the feed's signal-to-publish change lag starts here)
 * @param committedAt   when the change's transaction committed, by the database server's clock, for sources that
 *                      know it (a logical replication stream does; LISTEN/NOTIFY and polling do not): the feed's
 *                      commit-to-publish change lag starts here. Null when unknown.
 */
public record ChangeSignal(ChangeAction action, String sessionId, long receivedNanos, Instant committedAt) {

    /**
     * Validates.
     *
     * @throws NullPointerException     if {@code action} is null, or {@code sessionId} is null for a row action
     * @throws IllegalArgumentException if {@code sessionId} is blank
     */
    public ChangeSignal {
        Objects.requireNonNull(action, "action");
        if (action != ChangeAction.TRUNCATE) {
            Objects.requireNonNull(sessionId, "sessionId");
            if (sessionId.isBlank()) {
                throw new IllegalArgumentException("sessionId must not be blank for action " + action);
            }
        }
    }

    /**
     * A signal without a commit time (the source does not know it).
     *
     * @param action        what happened
     * @param sessionId     the session's id; null only for {@link ChangeAction#TRUNCATE}
     * @param receivedNanos {@link System#nanoTime()} when the source received the signal
     * @throws NullPointerException     if {@code action} is null, or {@code sessionId} is null for a row action
     * @throws IllegalArgumentException if {@code sessionId} is blank
     */
    public ChangeSignal(ChangeAction action, String sessionId, long receivedNanos) {
        this(action, sessionId, receivedNanos, null);
    }

    /**
     * Creates a signal stamped now, with the commit time of its transaction.
     *
     * @param action      what happened
     * @param sessionId   the session id (null for TRUNCATE)
     * @param committedAt when the transaction committed (the database server's clock)
     * @return the signal
     * @throws NullPointerException if {@code committedAt} is null
     */
    public static ChangeSignal committed(ChangeAction action, String sessionId, Instant committedAt) {
        return new ChangeSignal(action, sessionId, System.nanoTime(), Objects.requireNonNull(committedAt, "committedAt"));
    }

    /**
     * Creates a signal stamped now.
     *
     * @param action    what happened
     * @param sessionId the session id (null for TRUNCATE)
     * @return the signal
     */
    public static ChangeSignal of(ChangeAction action, String sessionId) {
        return new ChangeSignal(action, sessionId, System.nanoTime());
    }
}
