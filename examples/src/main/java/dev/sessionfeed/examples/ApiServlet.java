package dev.sessionfeed.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's small HTTP API:
 * <ul>
 *   <li>{@code GET /api/whoami}: who the caller is and what they may do;</li>
 *   <li>{@code POST /api/login} with a JSON body {@code {"token": "..."}}: starts a login and sets its random id in an
 *       HttpOnly, SameSite=Strict cookie (the token itself never goes into the browser's cookie jar);</li>
 *   <li>{@code POST /api/logout} (JSON, any body): ends the login and closes its WebSocket connections at once
 *       ({@link SessionFeedEndpoint#revoke(String)}).</li>
 * </ul>
 * Both POSTs refuse what another site can make a browser send: a body that is not {@code application/json} (a form,
 * {@code text/plain}) gets 415, a cross-site {@code Origin} or {@code Sec-Fetch-Site} gets 403 ({@link SameOriginCheck}).
 * Failed logins are throttled by {@link FailedAuthThrottle} in front of this servlet. Thread-safe; its state is the
 * database's.
 */
final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 4096;
    private static final Logger log = LoggerFactory.getLogger(ApiServlet.class);

    private final transient DemoAuth auth;
    private final transient SameOriginCheck sameOrigin;
    private final transient SessionFeedEndpoint endpoint;
    private final transient ObjectMapper json = new ObjectMapper();

    ApiServlet(DemoAuth auth, SameOriginCheck sameOrigin, SessionFeedEndpoint endpoint) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.sameOrigin = Objects.requireNonNull(sameOrigin, "sameOrigin");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/whoami".equals(req.getPathInfo())) {
            send(resp, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "not_found"));
            return;
        }
        Optional<DemoAuth.Caller> caller = auth.identify(req.getHeader("Authorization"), queryToken(req), cookies(req));
        if (caller.isEmpty()) {
            send(resp, HttpServletResponse.SC_UNAUTHORIZED, Map.of("error", "unauthorized"));
            return;
        }
        send(resp, HttpServletResponse.SC_OK, describe(caller.get().identity()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = Objects.requireNonNullElse(req.getPathInfo(), "");
        if (!path.equals("/login") && !path.equals("/logout")) {
            send(resp, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "not_found"));
            return;
        }
        Optional<String> refusal = sameOrigin.refusal(req);
        if (refusal.isPresent()) {
            log.debug("POST /api{} refused: {}", path, refusal.get());
            send(resp, HttpServletResponse.SC_FORBIDDEN, Map.of("error", "forbidden"));
            return;
        }
        if (!SameOriginCheck.isJson(req)) {
            send(resp, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE, Map.of("error", "unsupported_media_type"));
            return;
        }
        try {
            if (path.equals("/login")) {
                login(req, resp);
            } else {
                logout(req, resp);
            }
        } catch (SQLException e) {
            log.error("POST /api{} failed: {}", path, e.toString());
            send(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, Map.of("error", "internal"));
        }
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException, SQLException {
        byte[] body;
        try (InputStream in = req.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            send(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, Map.of("error", "too_large"));
            return;
        }
        String token = null;
        try {
            JsonNode node = json.readTree(new String(body, StandardCharsets.UTF_8));
            if (node != null && node.path("token").isTextual()) {
                token = node.path("token").textValue();
            }
        } catch (JsonProcessingException e) {
            send(resp, HttpServletResponse.SC_BAD_REQUEST, Map.of("error", "bad_request"));
            return;
        }
        Optional<DemoAuth.Identity> id = auth.identify(token);
        if (id.isEmpty()) {
            send(resp, HttpServletResponse.SC_UNAUTHORIZED, Map.of("error", "unauthorized"));
            return;
        }
        LoginStore.Login login = auth.login(id.get());
        resp.addCookie(cookie(req, login.sessionId(), (int) LoginStore.LIFETIME.toSeconds()));
        log.info("Login {} started", login.connectionName());
        send(resp, HttpServletResponse.SC_OK, describe(id.get()));
    }

    private void logout(HttpServletRequest req, HttpServletResponse resp) throws IOException, SQLException {
        Optional<LoginStore.Login> ended = auth.logout(cookies(req).get(DemoAuth.COOKIE));
        if (ended.isPresent()) {
            int closed = endpoint.revoke(ended.get().connectionName());
            log.info("Login {} ended; {} WebSocket connection(s) closed", ended.get().connectionName(), closed);
        }
        resp.addCookie(cookie(req, "", 0));
        send(resp, HttpServletResponse.SC_OK, Map.of("ok", true));
    }

    private static String queryToken(HttpServletRequest req) {
        // Only from the query string: getParameter would also read a form body.
        return req.getQueryString() == null ? null : req.getParameter("access_token");
    }

    private static Map<String, String> cookies(HttpServletRequest req) {
        Map<String, String> cookies = new LinkedHashMap<>();
        if (req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                cookies.putIfAbsent(c.getName(), c.getValue());
            }
        }
        return cookies;
    }

    private static Cookie cookie(HttpServletRequest req, String value, int maxAge) {
        Cookie c = new Cookie(DemoAuth.COOKIE, value);
        c.setHttpOnly(true);
        c.setSecure(req.isSecure());
        c.setPath("/");
        c.setMaxAge(maxAge);
        c.setAttribute("SameSite", "Strict");
        return c;
    }

    private static Map<String, Object> describe(DemoAuth.Identity id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", id.name());
        m.put("permissions", new TreeSet<>(id.permissions()));
        m.put("readOnly", id.readOnly());
        return m;
    }

    private void send(HttpServletResponse resp, int status, Map<String, ?> body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
