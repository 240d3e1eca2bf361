package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.testkit.FakeSessionFeed;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.RawHandshake;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The behaviour every supported Jakarta WebSocket container must show, run against a real embedded server by
 * each subclass (Tomcat, Jetty, Tyrus, Undertow) with the JDK's WebSocket client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ContainerCompatibilityKit {

    static final String ORIGIN = "http://admin.test";

    /** One endpoint mounted at a path; {@code filter} asks for the handshake filter in front of it. */
    record Mount(String path, SessionFeedEndpoint endpoint, boolean filter) {
    }

    /** A running server. */
    interface RunningServer extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;

        /**
         * A running server on a port, stopped by {@code stop}.
         *
         * @param port the port it listens on
         * @param stop stops it and frees what it holds
         * @return the server
         */
        static RunningServer of(int port, AutoCloseable stop) {
            return new RunningServer() {
                @Override
                public int port() {
                    return port;
                }

                @Override
                public void close() throws Exception {
                    stop.close();
                }
            };
        }
    }

    /**
     * The initializer that mounts an endpoint on a servlet container: the documented one
     * ({@link SessionFeedServlets#initializer}) for a filtered mount, the same without the handshake filter otherwise.
     */
    static jakarta.servlet.ServletContainerInitializer initializer(Mount m) {
        if (m.filter()) {
            return SessionFeedServlets.initializer(m.endpoint(), m.path());
        }
        return (classes, context) -> {
            try {
                ServletMounts.mount(context, m.endpoint(), m.path(), false);
            } catch (jakarta.websocket.DeploymentException e) {
                throw new jakarta.servlet.ServletException(e);
            }
        };
    }

    /** Starts the container with the given endpoints. */
    protected abstract RunningServer start(List<Mount> mounts) throws Exception;

    /** Whether the container runs servlet filters in front of the WebSocket upgrade. */
    protected abstract boolean servletFilters();

    protected FakeSessionFeed feed;
    protected FakeSessionFeed slowFeed;
    protected TestCommands commands;
    protected SessionFeedEndpoint main;
    protected SessionFeedEndpoint fast;
    protected SessionFeedEndpoint slow;
    private final List<SessionFeedEndpoint> endpoints = new ArrayList<>();
    private final List<FeedWebSocketClient> clients = new ArrayList<>();
    private RunningServer server;
    private final AtomicInteger ids = new AtomicInteger();

    static Optional<AdminIdentity> authenticate(HandshakeInfo h) {
        Optional<String> token = h.bearerToken().or(() -> h.queryParameter("token")).or(() -> h.cookie("sf_token"));
        if (token.isEmpty()) {
            return Optional.empty();
        }
        String t = token.get();
        if (t.equals("admin")) {
            return Optional.of(new AdminIdentity("alice", Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS)));
        }
        if (t.equals("viewer")) {
            return Optional.of(AdminIdentity.readOnly("victor"));
        }
        if (t.startsWith("user-")) {
            return Optional.of(new AdminIdentity(t.substring(5), Set.of(AdminIdentity.END_SESSIONS)));
        }
        return Optional.empty();
    }

    private SessionFeedEndpoint endpoint(FakeSessionFeed f, java.util.function.UnaryOperator<WebSocketOptions.Builder> custom) {
        WebSocketOptions.Builder b = WebSocketOptions.builder(ContainerCompatibilityKit::authenticate)
                .allowedOrigins(ORIGIN)
                .commandHandler(commands)
                .commandRate(1000, 1000);
        SessionFeedEndpoint e = SessionFeedEndpoint.create(f, custom.apply(b).build());
        endpoints.add(e);
        return e;
    }

    @BeforeAll
    void startServer() throws Exception {
        feed = new FakeSessionFeed("ep" + UUID.randomUUID().toString().substring(0, 8), 16);
        slowFeed = new FakeSessionFeed("slow" + UUID.randomUUID().toString().substring(0, 8), 16);
        commands = new TestCommands(feed);
        feed.upsert(session("seed", "waiting", "first"));
        main = endpoint(feed, b -> b);
        // Timeouts with room for a GC pause or a starved thread on a loaded 2-core machine.
        fast = endpoint(feed, b -> b.heartbeatInterval(Duration.ofMillis(100)).idleTimeout(Duration.ofMillis(2000)));
        slow = endpoint(slowFeed, b -> b.slowClientGrace(Duration.ofSeconds(2)).maxQueuedFrames(4));
        List<Mount> mounts = new ArrayList<>(List.of(
                new Mount("/ws/admin/chat", main, false),
                new Mount("/ws/fast", fast, false),
                new Mount("/ws/slow", slow, false),
                new Mount("/ws/rate", endpoint(feed, b -> b.commandRate(0.01, 2)), false),
                new Mount("/ws/big", endpoint(feed, b -> b.maxFrameBytes(1024 * 1024)), false),
                new Mount("/ws/no-origin", endpoint(feed, b -> b.allowMissingOrigin(true)), false)));
        if (servletFilters()) {
            mounts.add(new Mount("/ws/filtered", endpoint(feed, b -> b), true));
        }
        server = start(mounts);
    }

    @AfterEach
    void closeClients() {
        clients.forEach(FeedWebSocketClient::close);
        clients.clear();
    }

    @AfterAll
    void stopServer() throws Exception {
        endpoints.forEach(SessionFeedEndpoint::close);
        if (server != null) {
            server.close();
        }
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.port() + path);
    }

    FeedWebSocketClient connect(String path, Map<String, String> headers) {
        FeedWebSocketClient c = FeedWebSocketClient.open(uri(path), headers);
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    FeedWebSocketClient connect(String path, String token) {
        return connect(path, Map.of("Origin", ORIGIN, "Authorization", "Bearer " + token));
    }

    FeedWebSocketClient admin() {
        return connect("/ws/admin/chat", "admin");
    }

    String nextId() {
        return "c-" + ids.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** A session of the test feeds, created and updated now. */
    static ChatSession session(String id, String status, String subject) {
        Instant now = Instant.now();
        return new ChatSession(id, status, "v-" + id, "Visitor " + id, null, null, subject, now, now, null, null, 0,
                null, Map.of());
    }

    static boolean isType(JsonNode m, String type) {
        return type.equals(m.path("type").asText());
    }

    static boolean containsSession(JsonNode sessionUpdate, String id, String status) {
        for (JsonNode s : sessionUpdate.path("data").path("sessions")) {
            if (s.path("id").asText().equals(id) && s.path("status").asText().equals(status)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------ subscribing

    @Test
    void sendsHelloThenFullStateAndStatusOnSubscribe() {
        FeedWebSocketClient c = admin();
        JsonNode hello = c.awaitType("hello");
        assertThat(c.frames().get(0)).isSameAs(hello);
        assertThat(hello.path("protocol").asInt()).isEqualTo(1);
        assertThat(hello.path("epoch").asText()).isEqualTo(feed.epoch());
        assertThat(hello.path("limits").path("maxFrameBytes").asInt()).isEqualTo(64 * 1024);
        c.subscribe(false);
        JsonNode update = c.awaitType("session_update");
        assertThat(containsSession(update, "seed", "waiting")).isTrue();
        assertThat(update.path("seq").asLong()).isEqualTo(feed.current().seq());
        assertThat(c.awaitType("metrics_update").path("data").path("metrics").has("total")).isTrue();
        assertThat(c.awaitType("status").path("source").asText()).isEqualTo("live");
    }

    @Test
    void helloCarriesTheIdentitysNameAndPermissionsButNotTheToken() {
        JsonNode admin = admin().awaitType("hello").path("admin");
        assertThat(admin.path("name").asText()).isEqualTo("alice");
        List<String> permissions = new ArrayList<>();
        admin.path("permissions").forEach(p -> permissions.add(p.asText()));
        assertThat(permissions).containsExactly(AdminIdentity.ARCHIVE_SESSIONS, AdminIdentity.END_SESSIONS);

        JsonNode user = connect("/ws/admin/chat", "user-hal").awaitType("hello");
        assertThat(user.path("admin").path("name").asText()).isEqualTo("hal");
        assertThat(user.path("admin").path("permissions")).hasSize(1);
        assertThat(user.toString()).doesNotContain("user-hal");

        JsonNode viewer = connect("/ws/admin/chat", "viewer").awaitType("hello").path("admin");
        assertThat(viewer.path("name").asText()).isEqualTo("victor");
        assertThat(viewer.path("permissions").isArray()).isTrue();
        assertThat(viewer.path("permissions")).isEmpty();
    }

    @Test
    void deliversLiveChangesAsDeltasOrFullUpdates() {
        FeedWebSocketClient deltas = admin();
        FeedWebSocketClient full = admin();
        deltas.subscribe(true);
        full.subscribe(false);
        deltas.awaitType("status");
        full.awaitType("status");
        int d0 = deltas.frameCount();
        int f0 = full.frameCount();
        String id = "live-" + nextId();
        SessionDelta d = feed.upsert(session(id, "waiting", "new one"));

        JsonNode delta = deltas.awaitType(d0, "session_delta");
        assertThat(delta.path("seq").asLong()).isEqualTo(d.seq());
        assertThat(delta.path("prevSeq").asLong()).isEqualTo(d.seq() - 1);
        assertThat(delta.path("data").path("upserted").get(0).path("id").asText()).isEqualTo(id);
        assertThat(full.await(f0, m -> isType(m, "session_update") && containsSession(m, id, "waiting"), "full update"))
                .isNotNull();
        List<JsonNode> fullSeen = full.frames(); // a copy: frames may still arrive
        assertThat(fullSeen.subList(f0, fullSeen.size())).noneMatch(m -> isType(m, "session_delta"));
    }

    @Test
    void resumesWithWhatItMissedAsOneMergedDelta() {
        FeedWebSocketClient first = admin();
        first.subscribe(true);
        long lastSeq = first.awaitType("session_update").path("seq").asLong();
        first.awaitType("status"); // the client holds the state it resumes from (metrics_update came too)
        first.abort();
        SessionDelta a = feed.upsert(session("resume-a-" + nextId(), "waiting", "a"));
        SessionDelta b = feed.upsert(session("resume-b-" + nextId(), "active", "b"));
        assertThat(a.seq()).isEqualTo(lastSeq + 1);

        // The same client reconnects: it applies the missed delta to the state it kept (a client without that
        // state would take the delta for a gap and ask for a resync).
        int from = first.frameCount();
        first.connect().join();
        first.send(Map.of("type", "subscribe", "channel", "admin-chat-updates", "deltas", true,
                "epoch", feed.epoch(), "lastSeq", lastSeq));
        first.awaitType(from, "status");
        List<JsonNode> again = first.frames();
        List<JsonNode> deltas = new ArrayList<>();
        for (JsonNode m : again.subList(from, again.size())) {
            assertThat(m.path("type").asText()).isNotEqualTo("session_update");
            if (isType(m, "session_delta")) {
                deltas.add(m);
            }
        }
        assertThat(deltas).hasSize(1);
        JsonNode missed = deltas.get(0);
        assertThat(missed.path("prevSeq").asLong()).isEqualTo(lastSeq);
        assertThat(missed.path("seq").asLong()).isEqualTo(b.seq());
        assertThat(missed.path("data").path("upserted").findValuesAsText("id"))
                .containsExactly(a.upserted().get(0).id(), b.upserted().get(0).id());
    }

    @Test
    void sendsFullStateWhenResumeIsTooOldOrFromAnotherEpoch() {
        FeedWebSocketClient first = admin();
        first.subscribe(true);
        long lastSeq = first.awaitType("session_update").path("seq").asLong();
        for (int i = 0; i < 20; i++) { // more than the replay window of 16
            feed.upsert(session("old-" + i + "-" + nextId(), "waiting", "x"));
        }
        FeedWebSocketClient tooOld = admin();
        tooOld.send(Map.of("type", "subscribe", "channel", "admin-chat-updates", "deltas", true,
                "epoch", feed.epoch(), "lastSeq", lastSeq));
        assertThat(tooOld.awaitType("session_update").path("seq").asLong()).isEqualTo(feed.current().seq());

        FeedWebSocketClient otherEpoch = admin();
        otherEpoch.send(Map.of("type", "subscribe", "channel", "admin-chat-updates", "deltas", true,
                "epoch", "somethingelse", "lastSeq", 1));
        assertThat(otherEpoch.awaitType("session_update").path("seq").asLong()).isEqualTo(feed.current().seq());
    }

    @Test
    void resyncSendsTheFullStateAgain() {
        FeedWebSocketClient c = admin();
        c.subscribe(true);
        c.awaitType("status");
        int from = c.frameCount();
        c.send(Map.of("type", "resync"));
        assertThat(c.awaitType(from, "session_update").path("seq").asLong()).isEqualTo(feed.current().seq());
        c.awaitType(from, "metrics_update");
    }

    @Test
    void publishesStatusChanges() {
        FeedWebSocketClient c = admin();
        c.subscribe(true);
        c.awaitType("status");
        int from = c.frameCount();
        try {
            feed.publishStatus(FeedStatus.DEGRADED, "listener down; polling");
            JsonNode st = c.awaitType(from, "status");
            assertThat(st.path("source").asText()).isEqualTo("degraded");
            assertThat(st.path("reason").asText()).isEqualTo("listener down; polling");
        } finally {
            feed.publishStatus(FeedStatus.LIVE, "test feed");
        }
    }

    @Test
    void answersApplicationPingWithPong() {
        FeedWebSocketClient c = admin();
        c.awaitType("hello");
        c.send(Map.of("type", "ping"));
        assertThat(c.awaitType("pong").path("epoch").asText()).isEqualTo(feed.epoch());
    }

    // ------------------------------------------------------------------------------------------------ commands

    @Test
    void acknowledgesCommandAndEveryAdminSeesTheChange() {
        String sid = "cmd-" + nextId();
        feed.upsert(session(sid, "active", "to end"));
        FeedWebSocketClient watcher = connect("/ws/admin/chat", "viewer");
        watcher.subscribe(false);
        watcher.awaitType("status");
        FeedWebSocketClient actor = admin();
        String id = nextId();
        actor.send(Map.of("type", "command", "id", id, "action", "end_session", "sessionId", sid));
        JsonNode ack = actor.awaitType("ack");
        assertThat(ack.path("id").asText()).isEqualTo(id);
        assertThat(ack.path("result").path("outcome").asText()).isEqualTo("ended");
        assertThat(ack.path("result").path("replayed").asBoolean()).isFalse();
        assertThat(ack.path("seq").asLong()).isGreaterThanOrEqualTo(1);
        watcher.await(m -> isType(m, "session_update") && containsSession(m, sid, "ended"), "the ended session");
    }

    @Test
    void repeatedCommandIdIsAppliedOnce() {
        String sid = "idem-" + nextId();
        feed.upsert(session(sid, "active", "x"));
        FeedWebSocketClient c = admin();
        String id = nextId();
        int before = commands.applied.get();
        c.send(Map.of("type", "command", "id", id, "action", "archive_session", "sessionId", sid));
        JsonNode first = c.awaitType("ack");
        int from = c.frameCount();
        c.send(Map.of("type", "command", "id", id, "action", "archive_session", "sessionId", sid));
        JsonNode second = c.awaitType(from, "ack");
        assertThat(first.path("result").path("replayed").asBoolean()).isFalse();
        assertThat(second.path("result").path("replayed").asBoolean()).isTrue();
        assertThat(second.path("result").path("outcome").asText()).isEqualTo("archived");
        assertThat(commands.applied.get()).isEqualTo(before + 1);
    }

    @Test
    void answersCommandFailuresWithStableCodes() {
        FeedWebSocketClient viewer = connect("/ws/admin/chat", "viewer");
        viewer.send(Map.of("type", "command", "id", "v-1", "action", "end_session", "sessionId", "seed"));
        JsonNode forbidden = viewer.awaitType("error");
        assertThat(forbidden.path("code").asText()).isEqualTo("forbidden");
        assertThat(forbidden.path("id").asText()).isEqualTo("v-1");
        assertThat(feed.get("seed").status()).isEqualTo("waiting");

        FeedWebSocketClient c = admin();
        c.send(Map.of("type", "command", "id", "nf-1", "action", "end_session", "sessionId", "no-such-session"));
        assertThat(c.await(m -> isType(m, "error") && m.path("id").asText().equals("nf-1"), "not_found")
                .path("code").asText()).isEqualTo("not_found");
        c.send(Map.of("type", "command", "id", "x-1", "action", "fly_away", "sessionId", "seed"));
        assertThat(c.await(m -> isType(m, "error") && m.path("id").asText().equals("x-1"), "unknown action")
                .path("code").asText()).isEqualTo("bad_request");
        c.send(Map.of("type", "command", "id", "boom-1", "action", "end_session", "sessionId", "boom"));
        JsonNode internal = c.await(m -> isType(m, "error") && m.path("id").asText().equals("boom-1"), "internal");
        assertThat(internal.path("code").asText()).isEqualTo("internal");
        assertThat(internal.path("correlationId").asText()).isNotBlank();
        assertThat(internal.path("message").asText()).contains(internal.path("correlationId").asText())
                .doesNotContain("hunter2").doesNotContain("db.internal");
    }

    @Test
    void rateLimitsCommandsPerConnection() {
        FeedWebSocketClient c = connect("/ws/rate", "admin");
        for (int i = 0; i < 3; i++) {
            c.send(Map.of("type", "command", "id", "r-" + i, "action", "end_session", "sessionId", "no-such"));
        }
        JsonNode limited = c.await(m -> isType(m, "error") && m.path("code").asText().equals("rate_limited"), "rate_limited");
        assertThat(limited.path("id").asText()).isEqualTo("r-2");
        c.await(m -> isType(m, "error") && m.path("id").asText().equals("r-1"), "second answered");
        assertThat(c.frames()).filteredOn(m -> m.path("code").asText().equals("rate_limited")).hasSize(1);
    }

    // ------------------------------------------------------------------------------------------------ security

    @Test
    void closesUnauthenticatedConnectionWith1008BeforeAnyDataFrame() {
        FeedWebSocketClient c = connect("/ws/admin/chat", Map.of("Origin", ORIGIN));
        assertThat(c.awaitClose()).isEqualTo(1008);
        assertThat(c.frames()).isEmpty();
        FeedWebSocketClient bad = connect("/ws/admin/chat", Map.of("Origin", ORIGIN, "Authorization", "Bearer wrong"));
        assertThat(bad.awaitClose()).isEqualTo(1008);
        assertThat(bad.frames()).isEmpty();
    }

    @Test
    void authenticatesByQueryParameterAndCookie() {
        FeedWebSocketClient byQuery = FeedWebSocketClient.open(URI.create(uri("/ws/admin/chat") + "?token="
                + URLEncoder.encode("viewer", StandardCharsets.UTF_8)), Map.of("Origin", ORIGIN));
        clients.add(byQuery);
        byQuery.awaitType("hello");
        FeedWebSocketClient byCookie = connect("/ws/admin/chat", Map.of("Origin", ORIGIN, "Cookie", "a=b; sf_token=admin"));
        byCookie.awaitType("hello");
    }

    @Test
    void refusesUnauthenticatedHandshakeBeforeUpgradeWhenFilterIsInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(servletFilters(), "container runs no servlet filters");
        assertThat(RawHandshake.status(server.port(), "/ws/filtered", Map.of("Origin", ORIGIN))).isEqualTo(401);
        assertThat(RawHandshake.status(server.port(), "/ws/filtered", Map.of("Origin", "http://evil.test",
                "Authorization", "Bearer admin"))).isEqualTo(403);
        connect("/ws/filtered", "admin").awaitType("hello");
    }

    @Test
    void servesTheBrowserClientAtItsPath() throws Exception {
        java.net.http.HttpResponse<byte[]> res = httpGet(ClientScript.PATH);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).containsPattern("^(text|application)/javascript");
        assertThat(res.body()).isEqualTo(ClientScript.bytes());
    }

    @Test
    void answersAPlainHttpRequestOnTheEndpointPathWith426() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(servletFilters(), "container runs no servlets");
        java.net.http.HttpResponse<byte[]> res = httpGet("/ws/filtered");
        assertThat(res.statusCode()).isEqualTo(426);
        assertThat(res.headers().firstValue("Upgrade")).contains("websocket");
    }

    java.net.http.HttpResponse<byte[]> httpGet(String path) throws Exception {
        // HTTP/1.1: the client's default h2c upgrade attempt is not what a browser sends.
        return java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(
                java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The HTTP status the container answers a handshake with when {@code checkOrigin} returns false. */
    protected int originRejectionStatus() {
        return 403;
    }

    @Test
    void refusesForeignOrMissingOriginBeforeUpgrade() {
        int refused = originRejectionStatus();
        assertThat(RawHandshake.status(server.port(), "/ws/admin/chat",
                Map.of("Origin", "http://evil.test", "Authorization", "Bearer admin"))).isEqualTo(refused);
        assertThat(RawHandshake.status(server.port(), "/ws/admin/chat",
                Map.of("Origin", "http://admin.test.evil.test", "Authorization", "Bearer admin"))).isEqualTo(refused);
        assertThat(RawHandshake.status(server.port(), "/ws/admin/chat", Map.of("Authorization", "Bearer admin")))
                .isEqualTo(refused);
        assertThat(RawHandshake.status(server.port(), "/ws/admin/chat",
                Map.of("Origin", ORIGIN, "Authorization", "Bearer admin"))).isEqualTo(101);
    }

    @Test
    void doesNotNegotiatePermessageDeflateByDefault() {
        List<String> response = RawHandshake.response(server.port(), "/ws/admin/chat", Map.of("Origin", ORIGIN,
                "Authorization", "Bearer admin", "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
        assertThat(response.get(0)).contains(" 101 ");
        assertThat(response).noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-extensions"));
    }

    @Test
    void acceptsMissingOriginOnlyWhenConfiguredAndStillAuthenticates() {
        connect("/ws/no-origin", Map.of("Authorization", "Bearer admin")).awaitType("hello");
        FeedWebSocketClient anonymous = connect("/ws/no-origin", Map.of());
        assertThat(anonymous.awaitClose()).isEqualTo(1008);
        assertThat(anonymous.frames()).isEmpty();
    }

    @Test
    void revokedAdminIsClosedWith1008AndOthersStay() {
        FeedWebSocketClient revoked = connect("/ws/admin/chat", "user-mallory");
        FeedWebSocketClient other = admin();
        revoked.subscribe(false);
        revoked.awaitType("status");
        other.awaitType("hello");
        assertThat(main.revoke("mallory")).isEqualTo(1);
        assertThat(revoked.awaitClose()).isEqualTo(1008);
        other.send(Map.of("type", "ping"));
        other.awaitType("pong");
    }

    @Test
    void concurrentHandshakesKeepTheirOwnIdentities() {
        int n = 12;
        List<java.util.concurrent.CompletableFuture<FeedWebSocketClient>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String token = "user-conc" + i;
            pending.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> connect("/ws/admin/chat", token)));
        }
        List<FeedWebSocketClient> cs = new ArrayList<>();
        pending.forEach(f -> cs.add(f.join()));
        cs.forEach(c -> c.awaitType("hello"));
        for (int i = 0; i < n; i++) {
            assertThat(main.revoke("conc" + i)).as("connections of conc%d", i).isEqualTo(1);
            FeedWebSocketClient c = cs.get(i);
            assertThat(c.awaitClose()).as("client that authenticated as conc%d", i).isEqualTo(1008);
        }
    }

    // ----------------------------------------------------------------------------------------- hostile input

    @Test
    void closesOversizeFrameWith1009() {
        FeedWebSocketClient c = admin();
        c.awaitType("hello");
        try {
            c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(70 * 1024) + "\"}");
        } catch (IllegalStateException e) {
            // Some containers close before the client has finished sending the frame.
        }
        assertThat(c.awaitClose()).isEqualTo(1009);
    }

    static List<String> hostileCorpus() {
        return List.of(
                "not json",
                "{\"type\":\"ping\"",
                "{\"type\":\"ping\"} trailing",
                "{\"type\":\"ping\"}{\"type\":\"ping\"}",
                "[".repeat(10_000) + "]".repeat(10_000),
                "{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"epoch\":\"e\",\"lastSeq\":" + "1".repeat(1000) + "}",
                "{\"type\":\"ping\",\"type\":\"ping\"}",
                "{\"@class\":\"java.net.URL\",\"type\":\"ping\"}",
                "{\"type\":\"command\",\"@class\":\"x\",\"id\":[],\"action\":\"end_session\",\"sessionId\":\"seed\"}",
                "{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":\"true\"}",
                "{\"type\":\"command\",\"id\":\"w-1\",\"action\":\"end_session\",\"sessionId\":42}",
                "{\"type\":\"launch_missiles\"}",
                "{\"type\":null}",
                "\"just a string\"",
                "",
                "{\"type\":\"resync\",\"extra\":1}");
    }

    @Test
    void answersHostileFramesWithBadRequestAndStaysUsable() {
        FeedWebSocketClient c = admin();
        c.awaitType("hello");
        for (String frame : hostileCorpus()) {
            int from = c.frameCount();
            c.send(frame);
            JsonNode err = c.awaitType(from, "error");
            assertThat(err.path("code").asText()).as("answer to %s", frame.length() > 60 ? frame.substring(0, 60) : frame)
                    .isEqualTo("bad_request");
            assertThat(err.path("correlationId").asText()).isNotBlank();
        }
        int from = c.frameCount();
        c.send(Map.of("type", "ping"));
        c.awaitType(from, "pong");
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void rejectsOneMegabyteStringByParserLimitWhenFrameLimitAllowsIt() {
        FeedWebSocketClient c = connect("/ws/big", "admin");
        c.awaitType("hello");
        c.send("{\"type\":\"ping\",\"pad\":\"" + "y".repeat(1_000_000) + "\"}");
        JsonNode err = c.awaitType("error");
        assertThat(err.path("code").asText()).isEqualTo("bad_request");
        assertThat(err.path("message").asText()).contains("String value length");
        c.send(Map.of("type", "ping"));
        c.awaitType("pong");
    }

    // ----------------------------------------------------------------------------------- liveness and slowness

    @Test
    void pingsOnHeartbeatAndKeepsAnsweringClientOpen() {
        FeedWebSocketClient c = connect("/ws/fast", "admin");
        c.awaitType("hello");
        // 25 heartbeats of 100 ms outlast the 2 s idle timeout: the client's pongs keep it open.
        Awaitility.await("heartbeat pings").atMost(Duration.ofSeconds(15)).until(() -> c.pings() >= 25);
        assertThat(c.isOpen()).isTrue();
    }

    @Test
    void closesSilentClientAfterIdleTimeout() {
        Awaitility.await("no leftover connections").atMost(Duration.ofSeconds(10)).until(() -> fast.connectionCount() == 0);
        FeedWebSocketClient c = connect("/ws/fast", "admin");
        c.awaitType("hello");
        c.stopReading(); // no reads: no pongs
        Awaitility.await("idle connection closed by the server").atMost(Duration.ofSeconds(10))
                .until(() -> fast.connectionCount() == 0);
        c.resumeReading();
        // 1001, or 1006 where the container gave up on the close handshake with a client that did not read.
        assertThat(c.awaitClose()).isIn(1001, 1006);
    }

    @Test
    void closesSlowClientAfterGracePeriodWhileOthersKeepReceiving() {
        Awaitility.await("no leftover connections").atMost(Duration.ofSeconds(10)).until(() -> slow.connectionCount() == 0);
        String big = "z".repeat(10_000);
        for (int i = 0; i < 100; i++) {
            slowFeed.upsert(session("big-" + i, "waiting", big));
        }
        FeedWebSocketClient stalled = connect("/ws/slow", "admin");
        FeedWebSocketClient healthy = connect("/ws/slow", "admin");
        stalled.subscribe(false);
        healthy.subscribe(false);
        stalled.awaitType("status");
        healthy.awaitType("status");
        stalled.stopReading();
        // Keep changing the state (1 MB per full update) until the stalled client's socket is full and its
        // send has been pending longer than the grace period.
        AtomicInteger n = new AtomicInteger();
        Awaitility.await("stalled client closed while updates flow").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    int i = n.incrementAndGet();
                    slowFeed.upsert(session("big-" + (i % 100), i % 2 == 0 ? "active" : "waiting", big + i));
                    return slow.connectionCount() == 1;
                });
        long lastSeq = slowFeed.upsert(session("big-0", "ended", big)).seq();
        healthy.await(m -> isType(m, "session_update") && m.path("seq").asLong() == lastSeq, "the healthy client's latest state");
        assertThat(healthy.isOpen()).isTrue();
        stalled.resumeReading();
        assertThat(stalled.awaitClose()).isIn(1013, 1006);
        // It can resume: a fresh subscribe gets the latest state.
        FeedWebSocketClient back = connect("/ws/slow", "admin");
        back.send(Map.of("type", "subscribe", "channel", "admin-chat-updates", "deltas", true,
                "epoch", slowFeed.epoch(), "lastSeq", 0));
        assertThat(back.awaitType("session_update").path("seq").asLong()).isEqualTo(lastSeq);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
