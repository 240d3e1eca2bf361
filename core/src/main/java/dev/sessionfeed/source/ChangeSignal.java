package dev.sessionfeed.source;

import java.util.Objects;

/**
 * A hint that one session changed. Signals never carry row content: the feed re-reads the row by id, so a
 * forged or stale signal can cause at most an unnecessary read, never wrong data.
 *
 * @param action        what happened
 * @param sessionId     the session's id; null only for {@link ChangeAction#TRUNCATE}
 * @param receivedNanos {@link System#nanoTime()} when the source received the signal (for latency
 *                      measurement)
 */
public record ChangeSignal(ChangeAction action, String sessionId, long receivedNanos) {

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
