package dev.sessionfeed.command;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.protocol.ErrorCode;
import java.util.Objects;

/**
 * A command that could not be carried out for a reason the client may know: the message goes to the client
 * in an {@code error} frame, so it must not contain internal details.
 */
public class CommandException extends SessionFeedException {

    private static final long serialVersionUID = 1L;

    /** The protocol error code. */
    private final ErrorCode code;

    /**
     * Creates the exception.
     *
     * @param code    the protocol error code, for example {@link ErrorCode#NOT_FOUND}
     * @param message a client-safe explanation
     */
    public CommandException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The protocol error code.
     *
     * @return the code
     */
    public ErrorCode code() {
        return code;
    }
}
