package dev.sessionfeed.command;

import dev.sessionfeed.SessionFeedException;
import java.util.Objects;

/**
 * A command that could not be carried out for a reason the client may know: the message goes to the client
 * (in the WebSocket adapter, in an {@code error} frame), so it must not contain internal details.
 */
public class CommandException extends SessionFeedException {

    private static final long serialVersionUID = 1L;

    /** Why the command failed. */
    private final CommandFailure failure;

    /**
     * Creates the exception.
     *
     * @param failure why the command failed, for example {@link CommandFailure#NOT_FOUND}
     * @param message a client-safe explanation
     * @throws NullPointerException if {@code failure} is null
     */
    public CommandException(CommandFailure failure, String message) {
        super(message);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /**
     * Why the command failed.
     *
     * @return the failure kind, never null
     */
    public CommandFailure failure() {
        return failure;
    }
}
