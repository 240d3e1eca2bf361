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
    void whoamiTellsWhoTheTokenBelongsTo() throws Exception {
        assertThat(get("/api/whoami").statusCode()).isEqualTo(401);
        assertThat(get("/api/whoami", "Authorization", "Bearer wrong-token").statusCode()).isEqualTo(401);
        assertThat(get("/api/whoami", "Authorization", "Bearer http-admin-token").body())
                .isEqualTo("{\"name\":\"admin\",\"permissions\":[\"sessions:archive\",\"sessions:end\"],\"readOnly\":false}");
        assertThat(get("/api/whoami?access_token=http-viewer-token").body())
                .isEqualTo("{\"name\":\"viewer\",\"permissions\":[],\"readOnly\":true}");
        assertThat(get("/api/whoami", "Cookie", DemoAuth.COOKIE + "=http-viewer-token").statusCode()).isEqualTo(200);
    }

    @Test
    void loginSetsAnHttpOnlyStrictCookieOnlyForAValidToken() throws Exception {
        HttpRequest ok = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"http-admin-token\"}")).build();
        HttpResponse<String> res = http.send(ok, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        String cookie = res.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(DemoAuth.COOKIE + "=http-admin-token").containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/");

        HttpRequest bad = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"nope-nope\"}")).build();
        HttpResponse<String> refused = http.send(bad, HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Set-Cookie")).isEmpty();
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
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Origin", origin);
        if (authorization != null) {
            headers.put("Authorization", authorization);
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
