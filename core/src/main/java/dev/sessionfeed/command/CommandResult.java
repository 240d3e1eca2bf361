package dev.sessionfeed.command;

import java.util.Objects;

/**
 * The outcome of a successfully handled command, sent to the client in the {@code ack} message's
 * {@code result} field.
 *
 * @param outcome   a short machine-readable word, for example {@code ended}, {@code already_ended},
 *                  {@code archived}
 * @param sessionId the session the command changed
 * @param replayed  true when this is the stored result of an earlier command with the same id (the command
 *                  was not applied again)
 */
public record CommandResult(String outcome, String sessionId, boolean replayed) {

    /**
     * Validates.
     *
     * @throws NullPointerException if {@code outcome} or {@code sessionId} is null
     */
    public CommandResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(sessionId, "sessionId");
    }
}
