package dev.sessionfeed.protocol;

import java.util.Locale;

/**
 * The closed set of error codes a server sends in {@code error} messages (protocol version 1). Clients can
 * switch on them; new codes come only with a new protocol version.
 */
public enum ErrorCode {
    /** The message was malformed: invalid JSON, wrong types, unknown type or action, missing fields. */
    BAD_REQUEST,
    /** The connection is not authenticated (or its identity was revoked). */
    UNAUTHORIZED,
    /** The admin may not do this (for example a read-only admin sending {@code end_session}). */
    FORBIDDEN,
    /** The command's session does not exist. */
    NOT_FOUND,
    /** Too many commands in too short a time on this connection. */
    RATE_LIMITED,
    /** The frame exceeded the size limit. */
    TOO_LARGE,
    /** Something failed on the server; the server log has details under the error's correlation id. */
    INTERNAL;

    /**
     * The name on the wire.
     *
     * @return the lower-case name, for example {@code bad_request}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
