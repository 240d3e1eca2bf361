package dev.sessionfeed.websocket;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses unauthenticated or foreign-Origin WebSocket upgrade requests with HTTP 401/403 before the upgrade,
 * on servlet containers. Other requests pass through untouched.
 */
final class HandshakeFilter implements Filter {

    private final Hub hub;
    private final FeedConfigurator configurator;

    HandshakeFilter(Hub hub, FeedConfigurator configurator) {
        this.hub = hub;
        this.configurator = configurator;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest && response instanceof HttpServletResponse
                && asksForWebSocket((HttpServletRequest) request)) {
            HttpServletRequest req = (HttpServletRequest) request;
            HttpServletResponse res = (HttpServletResponse) response;
            if (!configurator.checkOrigin(req.getHeader("Origin"))) {
                res.sendError(HttpServletResponse.SC_FORBIDDEN);
                return;
            }
            if (FeedConfigurator.authenticate(hub, info(req)).isEmpty()) {
                Audit.rejectedUnauthenticatedBeforeUpgrade();
                res.sendError(HttpServletResponse.SC_UNAUTHORIZED);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /**
     * Whether any {@code Upgrade} header (there may be several, each a comma-separated list such as
     * {@code h2c, websocket}) names {@code websocket}: the container upgrades such a request, so the filter must
     * check it — looking at the first header only let {@code Upgrade: h2c} + {@code Upgrade: websocket} through.
     */
    static boolean asksForWebSocket(HttpServletRequest req) {
        for (String header : Collections.list(req.getHeaders("Upgrade"))) {
            for (String token : header.split(",")) {
                String protocol = token.trim();
                int slash = protocol.indexOf('/');
                if ((slash < 0 ? protocol : protocol.substring(0, slash)).equalsIgnoreCase("websocket")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static HandshakeInfo info(HttpServletRequest req) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            headers.put(name, new ArrayList<>(Collections.list(req.getHeaders(name))));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        req.getParameterMap().forEach((k, v) -> query.put(k, List.of(v)));
        URI uri = null;
        try {
            uri = URI.create(req.getRequestURL() + (req.getQueryString() == null ? "" : "?" + req.getQueryString()));
        } catch (IllegalArgumentException e) {
            // A malformed URL only costs the authenticator the URI.
        }
        return new HandshakeInfo(req.getUserPrincipal(), headers, query, uri, req::isUserInRole);
    }
}
