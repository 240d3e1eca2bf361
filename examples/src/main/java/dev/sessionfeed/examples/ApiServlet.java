package dev.sessionfeed.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The dashboard's small HTTP API: {@code GET /api/whoami} (who the caller is and what they may do),
 * {@code POST /api/login} (trades a token for an HttpOnly cookie) and {@code POST /api/logout}.
 * Stateless and thread-safe.
 */
final class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 4096;

    private final transient DemoAuth auth;
    private final transient ObjectMapper json = new ObjectMapper();

    ApiServlet(DemoAuth auth) {
        this.auth = Objects.requireNonNull(auth, "auth");
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"/whoami".equals(req.getPathInfo())) {
            send(resp, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "not_found"));
            return;
        }
        Optional<DemoAuth.Identity> id = identify(req);
        if (id.isEmpty()) {
            send(resp, HttpServletResponse.SC_UNAUTHORIZED, Map.of("error", "unauthorized"));
            return;
        }
        send(resp, HttpServletResponse.SC_OK, describe(id.get()));
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = Objects.requireNonNullElse(req.getPathInfo(), "");
        switch (path) {
            case "/login" -> login(req, resp);
            case "/logout" -> {
                resp.addCookie(cookie(req, "", 0));
                send(resp, HttpServletResponse.SC_OK, Map.of("ok", true));
            }
            default -> send(resp, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "not_found"));
        }
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = null;
        String type = Objects.requireNonNullElse(req.getContentType(), "");
        if (type.startsWith("application/json")) {
            byte[] body;
            try (InputStream in = req.getInputStream()) {
                body = in.readNBytes(MAX_BODY + 1);
            }
            if (body.length > MAX_BODY) {
                send(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, Map.of("error", "too_large"));
                return;
            }
            try {
                JsonNode node = json.readTree(new String(body, StandardCharsets.UTF_8));
                if (node != null && node.path("token").isTextual()) {
                    token = node.path("token").textValue();
                }
            } catch (JsonProcessingException e) {
                send(resp, HttpServletResponse.SC_BAD_REQUEST, Map.of("error", "bad_request"));
                return;
            }
        } else {
            token = req.getParameter("token");
        }
        Optional<DemoAuth.Identity> id = auth.identify(token);
        if (id.isEmpty()) {
            send(resp, HttpServletResponse.SC_UNAUTHORIZED, Map.of("error", "unauthorized"));
            return;
        }
        resp.addCookie(cookie(req, token, -1));
        send(resp, HttpServletResponse.SC_OK, describe(id.get()));
    }

    private Optional<DemoAuth.Identity> identify(HttpServletRequest req) {
        Map<String, String> cookies = new LinkedHashMap<>();
        if (req.getCookies() != null) {
            for (Cookie c : req.getCookies()) {
                cookies.putIfAbsent(c.getName(), c.getValue());
            }
        }
        return auth.identify(req.getHeader("Authorization"), req.getParameter("access_token"), cookies);
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
