package dev.sessionfeed.websocket;

import jakarta.servlet.Filter;
import java.util.Objects;

/**
 * Servlet support for a {@link SessionFeedEndpoint}, kept apart so that the endpoint itself needs only the
 * Jakarta WebSocket API. Using this class needs the Servlet API at run time ({@code jakarta.servlet}, an optional
 * dependency of this module). {@link SessionFeedServletListener} uses it to install the filter for you.
 */
public final class SessionFeedServlets {

    private SessionFeedServlets() {
    }

    /**
     * A servlet filter that refuses WebSocket upgrade requests with HTTP 403 (Origin not allowed) or 401 (the
     * {@link AdminAuthenticator} returned nothing) <em>before</em> the upgrade. Optional: without it the endpoint
     * still refuses them (403 from the container's Origin check; 1008 close before any data for authentication).
     * Map it to the endpoint's path. The authenticator runs once in the filter and once in the handshake. Other
     * requests pass through untouched. Thread-safe.
     *
     * @param endpoint the endpoint whose options (Origin allow-list, authenticator) the filter applies
     * @return a new filter bound to this endpoint
     * @throws NullPointerException if {@code endpoint} is null
     */
    public static Filter handshakeFilter(SessionFeedEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return new HandshakeFilter(endpoint.hub(), endpoint.configurator());
    }
}
