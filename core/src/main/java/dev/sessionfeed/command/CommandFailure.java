package dev.sessionfeed.command;

/**
 * Why a {@link CommandHandler} could not carry out a command, in the handler's terms. The transport that received
 * the command decides how to tell the client (the WebSocket adapter maps these to protocol error codes: see
 * {@code docs/websocket-adapter.md}); the command SPI knows nothing of the wire protocol.
 */
public enum CommandFailure {

    /** The command's session does not exist (or, with scoped views, is outside the admin's scope). */
    NOT_FOUND,

    /**
     * The command cannot be accepted as sent: an unknown action, bad arguments, or a command id already used for
     * another command.
     */
    INVALID,

    /** The admin may not do this to this session, although the action itself is permitted to them. */
    NOT_PERMITTED,

    /**
     * The command could not run now, and nothing was changed or recorded: its session is busy (another command on it
     * is still running, or its row is locked by another transaction for longer than the handler waits) or the
     * database did not answer in time. Retrying later with the same command id is safe. The WebSocket adapter answers
     * {@code rate_limited} ("retry later with the same id").
     */
    BUSY
}
