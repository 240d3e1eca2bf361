package dev.sessionfeed.websocket;

import java.util.Optional;

/**
 * Decides who is an admin, from the WebSocket handshake. Supplied by the host application (check a session
 * cookie, verify a bearer token, look at the container's authenticated principal, ...).
 *
 * <p>Called once per handshake, on a container thread, before the connection receives anything; it may block
 * briefly (for example to look up a token). Returning {@link Optional#empty()} rejects the connection: it is
 * closed with 1008 (policy violation) before a single data frame, or refused with HTTP 401 before the upgrade
 * when {@linkplain SessionFeedServlets#handshakeFilter the handshake filter} is installed. An exception thrown
 * here is logged and treated as a rejection. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AdminAuthenticator {

    /**
     * Authenticates a handshake.
     *
     * @param handshake the handshake's principal, headers, cookies and query parameters
     * @return the admin, or empty to reject
     */
    Optional<AdminIdentity> authenticate(HandshakeInfo handshake);
}
