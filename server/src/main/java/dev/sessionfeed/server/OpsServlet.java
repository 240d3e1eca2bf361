package dev.sessionfeed.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /healthz} (200 while the process serves), {@code /readyz} (200 when the feed is live or degraded and the
 * database answers, else 503; a JSON body says which) and {@code /metrics} (Prometheus text). GET only, no caching.
 * Thread-safe.
 */
final class OpsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final transient SessionFeed feed;
    private final transient Database database;
    private final transient Supplier<String> metrics;

    OpsServlet(SessionFeed feed, Database database, Supplier<String> metrics) {
        this.feed = feed;
        this.database = database;
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        switch (req.getServletPath()) {
            case "/healthz":
                write(resp, 200, "application/json", "{\"status\":\"up\"}");
                break;
            case "/readyz":
                ready(resp);
                break;
            case "/metrics":
                write(resp, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                break;
            default:
                resp.sendError(404);
        }
    }

    private void ready(HttpServletResponse resp) throws IOException {
        FeedStatus status = feed.status();
        boolean db = database.reachable();
        boolean ready = db && (status == FeedStatus.LIVE || status == FeedStatus.DEGRADED);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not_ready");
        body.put("feed", status.name().toLowerCase(java.util.Locale.ROOT));
        body.put("reason", feed.statusReason());
        body.put("database", db ? "reachable" : "unreachable");
        write(resp, ready ? 200 : 503, "application/json", JSON.writeValueAsString(body));
    }

    private static void write(HttpServletResponse resp, int status, String type, String body) throws IOException {
        resp.setStatus(status);
        resp.setContentType(type);
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(body);
    }
}
