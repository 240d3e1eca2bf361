package dev.sessionfeed.websocket;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Mapped to an endpoint's path so that the path maps to a servlet: Tomcat runs its upgrade filter ({@code WsFilter})
 * only for requests that map to one, and answered 404 to every handshake of an application without a default
 * servlet. A handshake the container upgraded never reaches this servlet; one it declined (Undertow lets a refused
 * Origin fall through) gets 403, and a plain HTTP request 426 Upgrade Required. Stateless and thread-safe.
 */
final class UpgradeOnlyServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (HandshakeFilter.asksForWebSocket(req)) {
            res.sendError(HttpServletResponse.SC_FORBIDDEN);
            return;
        }
        res.setHeader("Upgrade", "websocket");
        res.setHeader("Connection", "Upgrade");
        res.sendError(426, "this path is a WebSocket endpoint");
    }
}
