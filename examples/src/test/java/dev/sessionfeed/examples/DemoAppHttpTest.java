package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app over plain HTTP and the JDK's WebSocket client: files, login API, and who may open the socket. */
@SessionFeedPostgres
class DemoAppHttpTest {

    private static DemoApp app;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start(TestDatabase db) throws Exception {
        app = DemoApp.start(DemoOptions.parse(List.of("--port", "0", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
                "--db-password", db.password() == null ? "" : db.password(), "--admin-token", "http-admin-token",
                "--viewer-token", "http-viewer-token", "--simulate", "off", "--seed-sessions", "3",
                "--allowed-origin", "https://admin.example.test"), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheDashboardAndTheBrowserClientFromTheAdapterJar() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>SessionFeed", "dashboard.js");
        HttpResponse<String> client = get("/sessionfeed/client.js");
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.headers().firstValue("Content-Type")).get().asString().contains("javascript");
        assertThat(client.body()).contains("export class SessionFeedClient");
    }

    @Test
    void readsThroughAPoolThatKeepsItsConnectionsAcrossChanges(TestDatabase db) throws Exception {
        FeedWebSocketClient c = FeedWebSocketClient.open(URI.create("ws://localhost:" + app.port() + DemoApp.ENDPOINT_PATH),
                Map.of("Origin", app.baseUrl(), "Authorization", "Bearer http-admin-token"));
        try {
            c.subscribe(true);
            for (int i = 0; i < 5; i++) {
                String id = "pool-" + i;
                db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('" + id + "', 'waiting', 'Pool')");
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.state().sessions().containsKey(id));
            }
        } finally {
            c.close();
        }
        // An unpooled data source closes each connection after its read: none would be left between changes.
        long kept = db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sessionfeed-demo'"
                + " AND datname = current_database()");
        assertThat(kept).isBetween(1L, (long) DemoDatabase.POOL_SIZE);
    }

    @Test
    void whoamiTellsWhoTheTokenBelongsTo() throws Exception {
        assertThat(get("/api/whoami").statusCode()).isEqualTo(401);
        assertThat(get("/api/whoami", "Authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);
        assertThat(get("/api/whoami", "Authorization", "Bearer http-admin-token").body())
                .isEqualTo("{\"name\":\"admin\",\"permissions\":[\"sessions:archive\",\"sessions:end\"],\"readOnly\":false}");
        assertThat(get("/api/whoami?access_token=http-viewer-token").body())
                .isEqualTo("{\"name\":\"viewer\",\"permissions\":[],\"readOnly\":true}");
        // The login cookie holds a login id, never a token.
        assertThat(get("/api/whoami", "Cookie", DemoAuth.COOKIE + "=http-viewer-token").statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in as the page does (same-origin JSON) and returns the login cookie's value. */
    private static String login(String token) throws Exception {
        HttpResponse<String> res = post("/api/login", "application/json", "{\"token\":\"" + token + "\"}",
                "Origin", app.baseUrl(), "Sec-Fetch-Site", "same-origin");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        String cookie = res.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(DemoAuth.COOKIE + "=");
        return cookie.substring(DemoAuth.COOKIE.length() + 1, cookie.indexOf(';'));
    }

    @Test
    void loginSetsARandomLoginIdInAnHttpOnlyStrictCookieOnlyForAValidToken() throws Exception {
        HttpResponse<String> res = post("/api/login", "application/json", "{\"token\":\"http-admin-token\"}",
                "Origin", app.baseUrl());
        assertThat(res.statusCode()).isEqualTo(200);
        String cookie = res.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(DemoAuth.COOKIE + "=").doesNotContain("http-admin-token")
                .containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
        String id = cookie.substring(DemoAuth.COOKIE.length() + 1, cookie.indexOf(';'));
        assertThat(id).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(login("http-admin-token"));
        assertThat(get("/api/whoami", "Cookie", DemoAuth.COOKIE + "=" + id).body())
                .isEqualTo("{\"name\":\"admin\",\"permissions\":[\"sessions:archive\",\"sessions:end\"],\"readOnly\":false}");

        HttpResponse<String> refused = post("/api/login", "application/json", "{\"token\":\"nope-nope\"}", "Origin", app.baseUrl());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    void loginRefusesFormsTextPlainAndOtherSites() throws Exception {
        // What a page on another site can send without a CORS preflight: a form POST or text/plain.
        HttpResponse<String> form = post("/api/login", "application/x-www-form-urlencoded", "token=http-admin-token");
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(form.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> text = post("/api/login", "text/plain", "{\"token\":\"http-admin-token\"}",
                "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertThat(text.statusCode()).isIn(403, 415);
        assertThat(text.headers().firstValue("Set-Cookie")).isEmpty();
        // JSON too, when the browser says it comes from another site.
        for (String[] headers : List.of(new String[] {"Origin", "https://evil.example"},
                new String[] {"Sec-Fetch-Site", "cross-site"}, new String[] {"Sec-Fetch-Site", "same-site"},
                new String[] {"Origin", "null"})) {
            HttpResponse<String> r = post("/api/login", "application/json", "{\"token\":\"http-admin-token\"}", headers);
            assertThat(r.statusCode()).as(String.join(": ", headers)).isEqualTo(403);
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        }
        // An allowed other origin (--allowed-origin) may.
        assertThat(post("/api/login", "application/json", "{\"token\":\"http-viewer-token\"}",
                "Origin", "https://admin.example.test").statusCode()).isEqualTo(200);
    }

    @Test
    void logoutEndsTheLoginAndClosesItsConnectionsButNotOthers() throws Exception {
        String mine = login("http-admin-token");
        String other = login("http-admin-token");
        FeedWebSocketClient ws = openWithCookie(mine);
        FeedWebSocketClient ws2 = openWithCookie(other);
        CompletableFuture<Integer> myClose = ws.closeCode();
        CompletableFuture<Integer> otherClose = ws2.closeCode();
        try {
            // Another site cannot log the admin out.
            assertThat(post("/api/logout", "application/json", "{}", "Cookie", DemoAuth.COOKIE + "=" + mine,
                    "Origin", "https://evil.example").statusCode()).isEqualTo(403);
            assertThat(post("/api/logout", "text/plain", "", "Cookie", DemoAuth.COOKIE + "=" + mine).statusCode()).isEqualTo(415);
            assertThat(get("/api/whoami", "Cookie", DemoAuth.COOKIE + "=" + mine).statusCode()).isEqualTo(200);

            HttpResponse<String> out = post("/api/logout", "application/json", "{}", "Cookie", DemoAuth.COOKIE + "=" + mine,
                    "Origin", app.baseUrl(), "Sec-Fetch-Site", "same-origin");
            assertThat(out.statusCode()).isEqualTo(200);
            assertThat(out.headers().firstValue("Set-Cookie")).get().asString().startsWith(DemoAuth.COOKIE + "=;");

            assertThat(myClose.get(10, TimeUnit.SECONDS)).as("close code of the logged-out login's socket").isEqualTo(1008);
            assertThat(get("/api/whoami", "Cookie", DemoAuth.COOKIE + "=" + mine).statusCode()).isEqualTo(401);
            assertThat(handshakeStatus(null, app.baseUrl(), DemoAuth.COOKIE + "=" + mine)).isEqualTo(401);
            // The other login of the same admin is untouched.
            assertThat(otherClose).isNotDone();
            assertThat(get("/api/whoami", "Cookie", DemoAuth.COOKIE + "=" + other).statusCode()).isEqualTo(200);
        } finally {
            ws.close();
            ws2.close();
        }
    }

    private static FeedWebSocketClient openWithCookie(String loginId) {
        FeedWebSocketClient ws = FeedWebSocketClient.open(endpoint(),
                Map.of("Cookie", DemoAuth.COOKIE + "=" + loginId, "Origin", app.baseUrl()));
        assertThat(ws.awaitType("hello").path("type").asText()).isEqualTo("hello");
        return ws;
    }

    @Test
    void everyResponseCarriesSecurityHeaders() throws Exception {
        for (String path : List.of("/", "/dashboard.js", "/api/whoami", "/api/nothing")) {
            HttpResponse<String> r = get(path);
            assertThat(r.headers().firstValue("Content-Security-Policy")).as(path).get().asString()
                    .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
        }
    }

    @Test
    void theEndpointAcceptsABearerTokenAndSaysHello() throws Exception {
        try (FeedWebSocketClient ws = FeedWebSocketClient.open(endpoint(),
                Map.of("Authorization", "Bearer http-admin-token", "Origin", app.baseUrl()))) {
            String first = ws.await(frame -> true, "the first frame").toString();
            assertThat(first).contains("\"type\":\"hello\"", "\"protocol\":1");
        }
    }

    @Test
    void theEndpointRefusesMissingTokensAndForeignOriginsBeforeTheUpgrade() {
        assertThat(handshakeStatus(null, app.baseUrl())).isEqualTo(401);
        assertThat(handshakeStatus("Bearer http-admin-token", "https://evil.example")).isEqualTo(403);
        assertThat(handshakeStatus("Bearer http-admin-token", "https://admin.example.test")).isEqualTo(101);
    }

    private static URI endpoint() {
        return URI.create("ws://localhost:" + app.port() + DemoApp.ENDPOINT_PATH);
    }

    private static int handshakeStatus(String authorization, String origin) {
        return handshakeStatus(authorization, origin, null);
    }

    private static int handshakeStatus(String authorization, String origin, String cookie) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Origin", origin);
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        if (cookie != null) {
            headers.put("Cookie", cookie);
        }
        try {
            FeedWebSocketClient.open(endpoint(), headers).close();
            return 101;
        } catch (IllegalStateException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void unknownApiPathsAreNotFound() throws Exception {
        assertThat(get("/api/nothing").statusCode()).isEqualTo(404);
        assertThatThrownBy(() -> DemoOptions.parse(List.of("--nope"), Map.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
