package dev.sessionfeed.websocket;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the Origin (exact allow-list; the container answers 403 on false), authenticates the handshake,
 * refuses permessage-deflate unless enabled, and makes one {@link FeedEndpoint} per connection.
 */
final class FeedConfigurator extends ServerEndpointConfig.Configurator {

    static final String IDENTITY = "dev.sessionfeed.websocket.identity";
    private static final Object REJECTED = new Object();
    private static final Logger log = LoggerFactory.getLogger(FeedConfigurator.class);

    private final Hub hub;

    FeedConfigurator(Hub hub) {
        this.hub = hub;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        boolean ok = originAllowed(originHeaderValue);
        if (!ok) {
            Audit.rejectedOrigin(originHeaderValue);
        }
        return ok;
    }

    boolean originAllowed(String origin) {
        if (origin == null || origin.isEmpty()) {
            return hub.options().allowMissingOrigin();
        }
        return hub.options().allowedOrigins().contains(origin);
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig sec, HandshakeRequest request, HandshakeResponse response) {
        HandshakeInfo info = new HandshakeInfo(request.getUserPrincipal(), request.getHeaders(),
                request.getParameterMap(), request.getRequestURI(), request::isUserInRole);
        sec.getUserProperties().put(IDENTITY, authenticate(hub, info).map(Object.class::cast).orElse(REJECTED));
    }

    static Optional<AdminIdentity> authenticate(Hub hub, HandshakeInfo info) {
        try {
            Optional<AdminIdentity> id = hub.options().authenticator().authenticate(info);
            return id == null ? Optional.empty() : id;
        } catch (RuntimeException e) {
            log.error("the AdminAuthenticator threw; rejecting the handshake ({})", info, e);
            return Optional.empty();
        }
    }

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return hub.options().permessageDeflate() ? super.getNegotiatedExtensions(installed, requested) : List.of();
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(new FeedEndpoint(hub));
    }
}
