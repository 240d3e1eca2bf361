package dev.sessionfeed.command;

import java.util.Set;

/**
 * Carries out admin commands. Called by the WebSocket adapter after it authenticated the admin, authorized
 * the action and validated the message; the resulting database change reaches every admin through the
 * normal feed path.
 *
 * <p>Implementations must be thread-safe (commands from many connections run concurrently) and idempotent
 * per {@link SessionCommand#id()}.
 *
 * @see dev.sessionfeed.jdbc.JdbcCommandHandler
 */
public interface CommandHandler {

    /**
     * The actions this handler understands, for example {@code end_session} and {@code archive_session}.
     *
     * @return an unmodifiable set
     */
    Set<String> actions();

    /**
     * Carries out a command.
     *
     * @param command the command; its action is one of {@link #actions()}
     * @param actor   who asked (the admin identity's name), for the audit trail
     * @return the result
     * @throws CommandException              for client-visible failures (unknown session, bad arguments)
     * @throws dev.sessionfeed.SessionFeedException for internal failures (database down); the client sees
     *                                       only {@code internal} and a correlation id
     */
    CommandResult handle(SessionCommand command, String actor);
}
