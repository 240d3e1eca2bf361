package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server as a user runs it: {@code java -jar server/target/sessionfeed-server.jar} in its own process against a
 * real PostgreSQL, configured from the environment only; a Node client (the served client.js, an HS256 token minted
 * with Node's crypto as a Next.js route would) and the JDK's WebSocket with tokens minted by an issuer (nimbus) whose
 * JWKS this test serves on loopback.
 */
@SessionFeedPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerProcessIT {

    static final String SECRET = "an-hs256-secret-of-at-least-32-bytes!!";
    private static final String ORIGIN = "https://admin.example.test";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RSAKey keyA = Tokens.rsaKey("key-a");
    private final ECKey keyB = Tokens.ecKey("key-b");
    private TestDatabase db;
    private JwksServer jwks;
    private RunningProcess server;
    private int port;

    @BeforeAll
    void startTheServerJar(TestDatabase database) throws Exception {
        db = database;
        db.execute("DELETE FROM chat_sessions");
        SessionFixtures.insertSession(db, "it-1", "waiting");
        SessionFixtures.insertSession(db, "it-2", "active");
        jwks = new JwksServer();
        jwks.serve(new JWKSet(keyA));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = RunningProcess.start("server", java(environment(), List.of()));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().alias("readyz answers 200")
                .until(() -> !server.process().isAlive() || status("/readyz") == 200);
        assertThat(server.process().isAlive()).as("server output: %s", server.lines()).isTrue();
    }

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("SESSIONFEED_DB_USER", db.user());
        if (db.password() != null) {
            env.put("SESSIONFEED_DB_PASSWORD", db.password());
        }
        env.put("SESSIONFEED_PORT", Integer.toString(port));
        env.put("SESSIONFEED_HOST", "127.0.0.1");
        env.put("SESSIONFEED_ALLOWED_ORIGINS", ORIGIN);
        env.put("SESSIONFEED_ALLOW_MISSING_ORIGIN", "true"); // the Node client is a server-side client: no Origin
        env.put("SESSIONFEED_SOURCE", "notify");
        env.put("SESSIONFEED_JWT_HS256_SECRET", SECRET);
        env.put("SESSIONFEED_JWT_JWKS_URL", jwks.url());
        env.put("SESSIONFEED_JWT_JWKS_REFRESH_MIN_INTERVAL", "100ms");
        env.put("SESSIONFEED_JWT_ISSUER", Tokens.ISSUER);
        env.put("SESSIONFEED_JWT_AUDIENCE", Tokens.AUDIENCE);
        env.put("SESSIONFEED_JWT_CLOCK_SKEW", "1s");
        env.put("SESSIONFEED_LOG_FORMAT", "json");
        return env;
    }

    static ProcessBuilder java(Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-jar", System.getProperty("sessionfeed.server.jar", "target/sessionfeed-server.jar")));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SESSIONFEED_") || k.equals("DATABASE_URL"));
        pb.environment().putAll(env);
        return pb;
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (jwks != null) {
            jwks.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ the Node client

    private RunningProcess node(Map<String, String> extraEnv) throws IOException {
        String dir = System.getProperty("sessionfeed.node.dir", "src/test/node");
        List<String> command = new ArrayList<>(List.of("node"));
        if (NodeSupport.major() < 22) {
            command.add("--experimental-websocket");
        }
        command.add(Path.of(dir, "admin-client.mjs").toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SESSIONFEED_URL", "http://127.0.0.1:" + port);
        pb.environment().put("SESSIONFEED_JWT_HS256_SECRET", SECRET);
        pb.environment().put("SESSIONFEED_JWT_ISSUER", Tokens.ISSUER);
        pb.environment().put("SESSIONFEED_JWT_AUDIENCE", Tokens.AUDIENCE);
        pb.environment().putAll(extraEnv);
        return RunningProcess.start("node", pb);
    }

    private static Predicate<String> event(String name, Predicate<JsonNode> matching) {
        return line -> {
            try {
                JsonNode n = JSON.readTree(line);
                return n.path("event").asText().equals(name) && matching.test(n);
            } catch (IOException e) {
                return false;
            }
        };
    }

    private Map<String, String> table() {
        Map<String, String> out = new HashMap<>();
        for (String id : List.of("it-1", "it-2", "it-3")) {
            long n = db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = ?", id);
            if (n > 0) {
                out.put(id, statusOf(id));
            }
        }
        return out;
    }

    private String statusOf(String id) {
        for (String s : SessionFixtures.STATUSES) {
            if (db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = ? AND status = ?", id, s) > 0) {
                return s;
            }
        }
        return null;
    }

    private static Map<String, String> sessions(String line) throws IOException {
        Map<String, String> out = new HashMap<>();
        JSON.readTree(line).path("sessions").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    @Test
    @Order(1)
    void nodeClientWithAnHs256TokenSeesTheTableThenAChangeThenEndsASession() throws Exception {
        NodeSupport.assumeNode();
        try (RunningProcess client = node(Map.of("SESSIONFEED_SUB", "ada@example.test", "SESSIONFEED_ROLE", "chat-admin"))) {
            String hello = client.awaitLine(event("hello", n -> true), Duration.ofSeconds(30));
            assertThat(JSON.readTree(hello).path("admin").path("name").asText()).isEqualTo("ada@example.test");
            String first = client.awaitLine(event("sessions", n -> n.path("sessions").size() > 0), Duration.ofSeconds(30));
            assertThat(sessions(first)).isEqualTo(table());

            SessionFixtures.insertSession(db, "it-3", "waiting");
            client.awaitLine(event("sessions", n -> n.path("sessions").has("it-3")), Duration.ofSeconds(30));

            client.send("{\"action\":\"end_session\",\"sessionId\":\"it-1\"}");
            String ack = client.awaitLine(event("ack", n -> true), Duration.ofSeconds(30));
            assertThat(JSON.readTree(ack).path("id").asText()).isNotEmpty();
            client.awaitLine(event("sessions", n -> n.path("sessions").path("it-1").asText().equals("ended")), Duration.ofSeconds(30));
            assertThat(statusOf("it-1")).isEqualTo("ended");
        }
    }

    @Test
    @Order(2)
    void aViewerTokenReadsButCannotEndSessions() throws Exception {
        NodeSupport.assumeNode();
        try (RunningProcess client = node(Map.of("SESSIONFEED_SUB", "vic@example.test", "SESSIONFEED_ROLE", "chat-viewer"))) {
            client.awaitLine(event("sessions", n -> n.path("sessions").size() > 0), Duration.ofSeconds(30));
            client.send("{\"action\":\"end_session\",\"sessionId\":\"it-2\"}");
            String error = client.awaitLine(event("error", n -> true), Duration.ofSeconds(30));
            assertThat(JSON.readTree(error).path("code").asText()).isEqualTo("forbidden");
            assertThat(statusOf("it-2")).isEqualTo("active");
        }
    }

    // --------------------------------------------------------------------------------------------- refused tokens

    private String wsUrl(String token) {
        return "ws://127.0.0.1:" + port + "/ws/admin/chat" + (token == null ? "" : "?access_token=" + token);
    }

    /** Opens a socket; returns the frames and close codes it gets. */
    private Recorder connect(String token) {
        Recorder recorder = new Recorder();
        http.newWebSocketBuilder().header("Origin", ORIGIN).connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(wsUrl(token)), recorder).join();
        return recorder;
    }

    private void assertRefused(String token, int status) {
        Recorder recorder = new Recorder();
        CompletableFuture<WebSocket> f = http.newWebSocketBuilder().header("Origin", ORIGIN)
                .buildAsync(URI.create(wsUrl(token)), recorder);
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(status));
        assertThat(recorder.frames).as("no data before the refusal").isEmpty();
    }

    @Test
    @Order(3)
    void refusesBadTokensBeforeAnyData() {
        Duration hour = Duration.ofHours(1);
        assertRefused(null, 401);
        assertRefused(Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", Duration.ofMinutes(-5)).build()), 401); // expired
        assertRefused(Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", hour).audience("another-service").build()), 401);
        assertRefused(Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", hour).issuer("https://evil.example").build()), 401);
        assertRefused(Tokens.hs256(SECRET.replace('a', 'b'), Tokens.claims("a", "chat-admin", hour).build()), 401); // wrong signature
        assertRefused(Tokens.rs256(Tokens.rsaKey("key-a"), Tokens.claims("a", "chat-admin", hour).build()), 401); // same kid, other key
        assertRefused(Tokens.unsecured(Tokens.claims("a", "chat-admin", hour).build()), 401); // alg none
        assertRefused(Tokens.hs256WithPublicKey(keyA, Tokens.claims("a", "chat-admin", hour).build()), 401); // HS/RS confusion
        assertRefused(Tokens.hs256(SECRET, Tokens.claims("a", "support-agent", hour).build()), 401); // no SessionFeed role
        assertRefused(Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", hour).claim("tenant", "acme").build()), 401); // unenforceable scope
        assertRefused("not-a-token", 401);
    }

    @Test
    @Order(4)
    void refusesAForeignOrigin() {
        String token = Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", Duration.ofHours(1)).build());
        CompletableFuture<WebSocket> f = http.newWebSocketBuilder().header("Origin", "https://evil.example")
                .buildAsync(URI.create(wsUrl(token)), new Recorder());
        assertThatThrownBy(f::join).cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(403));
    }

    @Test
    @Order(5)
    void anRs256TokenFromTheJwksConnectsAndIsClosedWith1008WhenItExpires() {
        Recorder recorder = connect(Tokens.rs256(keyA, Tokens.claims("rita", "chat-admin", Duration.ofSeconds(3)).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.frames.stream().anyMatch(f -> f.contains("\"hello\"")));
        await().atMost(Duration.ofSeconds(30)).alias("closed at exp + skew").until(() -> !recorder.closes.isEmpty());
        assertThat(recorder.closes).containsExactly(1008);
    }

    @Test
    @Order(6)
    void jwksRotationKeepsNewConnectionsWorking() {
        Recorder before = connect(Tokens.rs256(keyA, Tokens.claims("rita", "chat-viewer", Duration.ofMinutes(5)).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> before.frames.stream().anyMatch(f -> f.contains("\"hello\"")));
        // The issuer rotates: the JWKS now holds only the new (EC) key; tokens name it by kid.
        jwks.serve(new JWKSet(keyB));
        Recorder after = connect(Tokens.es256(keyB, Tokens.claims("rita", "chat-viewer", Duration.ofMinutes(5)).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> after.frames.stream().anyMatch(f -> f.contains("\"hello\"")));
        assertThat(before.closes).as("a connection made before the rotation stays open").isEmpty();
        before.socket.sendClose(1000, "done");
        after.socket.sendClose(1000, "done");
    }

    // -------------------------------------------------------------------------------------------------- operations

    private int status(String path) throws IOException, InterruptedException {
        return get(path).statusCode();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(7)
    void servesHealthReadinessMetricsAndTheClientWithSecurityHeaders() throws Exception {
        assertThat(get("/healthz").body()).contains("\"up\"");
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).path("feed").asText()).isIn("live", "degraded");
        assertThat(JSON.readTree(ready.body()).path("database").asText()).isEqualTo("reachable");
        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.body()).contains("sessionfeed_").contains("jvm_memory_used_bytes");
        HttpResponse<String> client = get("/sessionfeed/client.js");
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.body()).contains("export class SessionFeedClient");
        assertThat(client.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(ready.headers().firstValue("Content-Security-Policy")).hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(server.lines()).as("JSON logs").anyMatch(l -> l.startsWith("{") && l.contains("SessionFeed server ready"));
    }

    @Test
    @Order(8)
    void printConfigShowsTheEffectiveConfigurationWithSecretsMasked() throws Exception {
        Map<String, String> env = environment();
        env.put("DATABASE_URL", "postgres://feed:db-secret-pw@db.example:5432/app");
        try (RunningProcess p = RunningProcess.start("print-config", java(env, List.of("--print-config")))) {
            assertThat(p.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process().exitValue()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> p.lines().stream().anyMatch(l -> l.startsWith("SESSIONFEED_CONFIG_FILE=")));
            assertThat(p.lines()).contains("SESSIONFEED_JWT_HS256_SECRET=****", "SESSIONFEED_PORT=" + port,
                    "DATABASE_URL=postgres://feed:***@db.example:5432/app", "SESSIONFEED_JWT_CLOCK_SKEW=1s");
            assertThat(String.join("\n", p.lines())).doesNotContain(SECRET).doesNotContain("db-secret-pw");
        }
    }

    @Test
    @Order(9)
    void anInvalidSettingStopsTheStartWithItsNameAndValue() throws Exception {
        Map<String, String> env = environment();
        env.put("SESSIONFEED_PORT", "eighty");
        try (RunningProcess p = RunningProcess.start("bad-config", java(env, List.of()))) {
            assertThat(p.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.process().exitValue()).isEqualTo(2);
            p.awaitLine(l -> l.contains("SESSIONFEED_PORT") && l.contains("'eighty'"), Duration.ofSeconds(5));
        }
    }

    @Test
    @Order(10)
    void sigtermClosesDashboardsWith1001AndExits() throws Exception {
        Recorder recorder = connect(Tokens.hs256(SECRET, Tokens.claims("sam", "chat-viewer", Duration.ofMinutes(5)).build()));
        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.frames.stream().anyMatch(f -> f.contains("\"hello\"")));
        int exit = server.terminate(Duration.ofSeconds(30));
        assertThat(recorder.closes).containsExactly(1001);
        assertThat(exit).isIn(0, 143);
        assertThat(server.lines()).as("exit %s", exit).anyMatch(l -> l.contains("\"Stopped\""));
    }

    /** A JDK WebSocket listener that records text frames and close codes. */
    static final class Recorder implements WebSocket.Listener {
        final List<String> frames = new CopyOnWriteArrayList<>();
        final List<Integer> closes = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        volatile WebSocket socket;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closes.add(statusCode);
            return null;
        }
    }
}
