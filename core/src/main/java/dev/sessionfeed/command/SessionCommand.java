package dev.sessionfeed.command;

import java.util.Map;
import java.util.Objects;

/**
 * An admin's request to change a session, as received in a {@code command} message.
 *
 * <p>{@code id} is chosen by the client and makes the command idempotent: a command resent with the same id
 * (for example after a reconnect) is applied once and answered with the first result again.
 *
 * @param id        the client's command id: 1 to 128 characters of {@code [A-Za-z0-9._:-]}
 * @param action    the action, for example {@code end_session}: 1 to 64 characters of {@code [a-z0-9_]}
 * @param sessionId the target session's id, 1 to 256 characters
 * @param arguments further action-specific arguments (JSON values); unmodifiable, never null
 */
public record SessionCommand(String id, String action, String sessionId, Map<String, Object> arguments) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException     if {@code id}, {@code action} or {@code sessionId} is null
     * @throws IllegalArgumentException naming the component and value when one is malformed
     */
    public SessionCommand {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(sessionId, "sessionId");
        if (!id.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new IllegalArgumentException("id must be 1-128 characters of [A-Za-z0-9._:-], was: '" + abbreviate(id) + "'");
        }
        if (!action.matches("[a-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("action must be 1-64 characters of [a-z0-9_], was: '" + abbreviate(action) + "'");
        }
        if (sessionId.isBlank() || sessionId.length() > 256) {
            throw new IllegalArgumentException("sessionId must be 1-256 characters and not blank, was: '" + abbreviate(sessionId) + "'");
        }
        arguments = arguments == null ? Map.of() : Map.copyOf(arguments);
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...(" + s.length() + " chars)";
    }
}
