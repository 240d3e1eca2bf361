package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.FakeSessionFeed;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's hostile clients against every container (subclasses start Jetty, Tomcat, Tyrus, Undertow): what
 * depends on how the container writes and closes.
 */
abstract class HostileClientsKit {

    static final String ORIGIN = ContainerCompatibilityKit.ORIGIN;

    /** Starts the container with the given endpoints. */
    protected abstract ContainerCompatibilityKit.RunningServer start(List<ContainerCompatibilityKit.Mount> mounts)
            throws Exception;

    /** Whether the container runs servlet filters (the handshake filter) in front of the upgrade. */
    protected boolean servletFilters() {
        return true;
    }

    /**
     * The close codes a binary frame of a huge declared size gets: 1003 from the adapter at the first fragment,
     * or 1009 where the container reads a whole frame before it hands any of it over (Tyrus: past its incoming
     * buffer).
     */
    protected java.util.Set<Integer> refusedBinaryCodes() {
        return java.util.Set.of(1003);
    }

    private final List<SessionFeedEndpoint> endpoints = new ArrayList<>();
    private final List<FeedWebSocketClient> clients = new ArrayList<>();
    private ContainerCompatibilityKit.RunningServer server;

    SessionFeedEndpoint serve(FakeSessionFeed feed, UnaryOperator<WebSocketOptions.Builder> custom) throws Exception {
        return serve(feed, custom, false);
    }

    SessionFeedEndpoint serve(FakeSessionFeed feed, UnaryOperator<WebSocketOptions.Builder> custom, boolean filter)
            throws Exception {
        SessionFeedEndpoint e = SessionFeedEndpoint.create(feed, custom.apply(
                WebSocketOptions.builder(ContainerCompatibilityKit::authenticate).allowedOrigins(ORIGIN)).build());
        endpoints.add(e);
        server = start(List.of(new ContainerCompatibilityKit.Mount("/ws", e, filter)));
        return e;
    }

    FeedWebSocketClient connect(String token) throws Exception {
        FeedWebSocketClient c = FeedWebSocketClient.open(URI.create("ws://127.0.0.1:" + server.port() + "/ws"),
                Map.of("Origin", ORIGIN, "Authorization", "Bearer " + token));
        synchronized (clients) {
            clients.add(c);
        }
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(FeedWebSocketClient::close);
        endpoints.forEach(SessionFeedEndpoint::close);
        if (server != null) {
            server.close();
        }
    }

    /** Issue 12 #2: the close frame of a 1013 waits behind the unread frame; the transport is aborted instead. */
    @Test
    void slowClientClosedWith1013IsGoneWithinSeconds() throws Exception {
        FakeSessionFeed feed = new FakeSessionFeed();
        String big = "z".repeat(10_000);
        for (int i = 0; i < 200; i++) {
            feed.upsert(HostileTestSupport.session("big-" + i, "waiting", big)); // a 2 MB full state
        }
        SessionFeedEndpoint endpoint = serve(feed, b -> b.slowClientGrace(Duration.ofSeconds(1)));
        FeedWebSocketClient stalled = connect("admin");
        stalled.subscribe(false);
        stalled.awaitType("status");
        stalled.stopReading();
        AtomicInteger n = new AtomicInteger();
        Awaitility.await("the stalled client closed as too slow").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    int i = n.incrementAndGet();
                    feed.upsert(HostileTestSupport.session("big-" + (i % 200), i % 2 == 0 ? "active" : "waiting", big + i));
                    return endpoint.stats().slowClientsClosed() == 1;
                });
        long closedAt = System.nanoTime();

        Awaitility.await("the container reports the connection gone").atMost(Duration.ofSeconds(10))
                .until(() -> endpoint.hub().trackedConnections() == 0);
        System.out.printf("%s: 1013 connection gone %d ms after the close%n", getClass().getSimpleName(),
                (System.nanoTime() - closedAt) / 1_000_000);
    }

    /** Issue 12 #10: binary frames are refused with 1003 at once, whatever their declared size. */
    @Test
    void binaryFramesCloseWith1003() throws Exception {
        // A container that refuses the huge frame itself (Undertow: 1009) may never report that connection closed;
        // the adapter's own liveness then ends it after idleTimeout, the library's bound for a peer that vanished.
        SessionFeedEndpoint endpoint = serve(new FakeSessionFeed(),
                b -> b.heartbeatInterval(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(2)));
        try (RawWebSocket huge = RawWebSocket.open(server.port(), "/ws", 0, "Upgrade: websocket", "Origin: " + ORIGIN,
                "Authorization: Bearer admin")) {
            assertThat(huge.status()).isEqualTo(101);
            java.util.concurrent.CompletableFuture<Integer> code = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return huge.awaitClose();
                } catch (java.io.IOException e) {
                    return -1;
                }
            });
            // Declares 64 MiB, then streams the payload until the server closes (at most 16 MiB).
            huge.send(0x2, true, new byte[0], 64L * 1024 * 1024);
            try {
                for (int sent = 0; sent < 16 << 20 && !code.isDone(); sent += 64 * 1024) {
                    huge.writeRaw(new byte[64 * 1024]);
                }
            } catch (java.io.IOException e) {
                // the server closed the connection while we wrote: expected
            }
            assertThat(code.get(15, java.util.concurrent.TimeUnit.SECONDS)).isIn(refusedBinaryCodes());
        }
        try (RawWebSocket small = RawWebSocket.open(server.port(), "/ws", 0, "Upgrade: websocket", "Origin: " + ORIGIN,
                "Authorization: Bearer admin")) {
            small.send(0x2, true, new byte[] {1, 2, 3}, 3);
            assertThat(small.awaitClose()).isEqualTo(1003);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hub().trackedConnections() == 0);
    }

    /** Issue 12 #10: a second {@code Upgrade} header (h2c, then websocket) does not get past the 401 filter. */
    @Test
    void twoUpgradeHeadersGetThe401() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(servletFilters(), "the container runs no servlet filters");
        serve(new FakeSessionFeed(), b -> b, true);
        try (RawWebSocket two = RawWebSocket.open(server.port(), "/ws", 0, "Upgrade: h2c", "Upgrade: websocket",
                "Origin: " + ORIGIN)) {
            assertThat(two.status()).as(two.statusLine).isEqualTo(401);
        }
        try (RawWebSocket list = RawWebSocket.open(server.port(), "/ws", 0, "Upgrade: h2c, websocket",
                "Origin: " + ORIGIN)) {
            assertThat(list.status()).as(list.statusLine).isIn(401, 400);
        }
    }

    /** Issue 12 #1: a client that opts in gets the full {@code session_update} as one shared binary UTF-8 frame. */
    @Test
    void binaryFullStateForClientsThatOptIn() throws Exception {
        FakeSessionFeed feed = new FakeSessionFeed();
        feed.upsert(HostileTestSupport.session("s-1", "waiting", "caf\u00e9 \ud83d\ude00"));
        serve(feed, b -> b);
        try (RawWebSocket c = RawWebSocket.open(server.port(), "/ws", 0, "Upgrade: websocket", "Origin: " + ORIGIN,
                "Authorization: Bearer admin")) {
            RawWebSocket.Frame hello = c.read();
            assertThat(hello.opcode()).isEqualTo(0x1);
            assertThat(HostileTestSupport.parse(new String(hello.payload(), java.nio.charset.StandardCharsets.UTF_8))
                    .path("limits").path("binaryFullState").asInt()).isEqualTo(1);
            c.sendText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"binary\":true}");
            RawWebSocket.Frame full = c.read();
            assertThat(full.opcode()).as("binary").isEqualTo(0x2);
            com.fasterxml.jackson.databind.JsonNode update = HostileTestSupport.parse(
                    new String(full.payload(), java.nio.charset.StandardCharsets.UTF_8));
            assertThat(update.path("type").asText()).isEqualTo("session_update");
            assertThat(update.path("data").path("sessions").get(0).path("subject").asText()).isEqualTo("caf\u00e9 \ud83d\ude00");
            RawWebSocket.Frame metrics = c.read();
            assertThat(metrics.opcode()).as("text: %s", new String(metrics.payload(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(0x1);
        }
    }
}
