package dev.sessionfeed.protocol;

import dev.sessionfeed.SessionFeedException;
import java.util.Objects;

/**
 * A client frame that could not be accepted. Carries the {@link ErrorCode} the server answers with and, when
 * the frame was a command whose {@code id} could be read, that id, so the {@code error} message can name it.
 *
 * <p>The {@linkplain #getMessage() message} is safe to send to the client: it names the offending field or
 * limit, never server internals.
 */
public final class ProtocolException extends SessionFeedException {

    private static final long serialVersionUID = 1L;

    /** The protocol error code. */
    private final ErrorCode code;
    /** The command id, or null. */
    private final String commandId;

    /**
     * Creates the exception.
     *
     * @param code      the error code, for example {@link ErrorCode#BAD_REQUEST}
     * @param message   a client-safe explanation
     * @param commandId the id of the command the frame carried, or null
     * @throws NullPointerException if {@code code} or {@code message} is null
     */
    public ProtocolException(ErrorCode code, String message, String commandId) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
        this.commandId = commandId;
    }

    /**
     * Creates the exception for a frame without a known command id.
     *
     * @param code    the error code
     * @param message a client-safe explanation
     * @throws NullPointerException if an argument is null
     */
    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    /**
     * The error code to answer with.
     *
     * @return the code, never null
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * The id of the command the frame carried, when it could be read.
     *
     * @return the id, or null
     */
    public String commandId() {
        return commandId;
    }
}
