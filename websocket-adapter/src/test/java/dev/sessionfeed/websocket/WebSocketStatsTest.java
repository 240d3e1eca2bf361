package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.testkit.FakeSessionFeed;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SessionFeedEndpoint#stats()} against a real container (embedded Jetty) and the JDK WebSocket client. */
class WebSocketStatsTest {

    private FakeSessionFeed feed;
    private SessionFeedEndpoint endpoint;
    private ContainerCompatibilityKit.RunningServer server;
    private final List<FeedWebSocketClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        feed = new FakeSessionFeed("stats", 16);
        endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(ContainerCompatibilityKit::authenticate)
                .allowedOrigins(ContainerCompatibilityKit.ORIGIN)
                .build());
        server = JettyCompatibilityTest.startServer(List.of(new ContainerCompatibilityKit.Mount("/ws", endpoint, false)));
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(FeedWebSocketClient::close);
        endpoint.close();
        server.close();
    }

    private void connectSubscribed(int n) {
        for (int i = 0; i < n; i++) {
            FeedWebSocketClient c = FeedWebSocketClient.open(URI.create("ws://127.0.0.1:" + server.port() + "/ws"),
                    Map.of("Origin", ContainerCompatibilityKit.ORIGIN, "Authorization", "Bearer admin"));
            clients.add(c);
            c.awaitType("hello");
            c.subscribe(true);
            c.awaitType("status");
        }
    }

    /**
     * Waits until the server has counted every frame the clients received: a frame is counted when the container
     * reports it sent, which may be just after the client read it.
     */
    private void awaitCountsSettled() {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                endpoint.stats().framesSent() == clients.stream().mapToLong(FeedWebSocketClient::frameCount).sum());
    }

    /** Publishes one change and waits until every client has it; returns the counters' growth. */
    private WebSocketStats broadcastOnce(String id) {
        awaitCountsSettled();
        WebSocketStats before = endpoint.stats();
        SessionDelta d = feed.upsert(ContainerCompatibilityKit.session(id, "waiting", "subject"));
        for (FeedWebSocketClient c : clients) {
            c.await(m -> ContainerCompatibilityKit.isType(m, "session_delta") && m.path("seq").asLong() == d.seq(), "delta");
        }
        awaitCountsSettled();
        WebSocketStats after = endpoint.stats();
        return WebSocketStats.builder().openConnections(after.openConnections())
                .broadcasts(after.broadcasts() - before.broadcasts())
                .sharedEncodes(after.sharedEncodes() - before.sharedEncodes())
                .framesSent(after.framesSent() - before.framesSent())
                .charsSent(after.charsSent() - before.charsSent())
                .mergedChanges(after.mergedChanges() - before.mergedChanges())
                .fullStateConflations(after.fullStateConflations() - before.fullStateConflations())
                .slowClientsClosed(after.slowClientsClosed() - before.slowClientsClosed())
                .commandsRejectedBusy(after.commandsRejectedBusy() - before.commandsRejectedBusy())
                .broadcasterNanos(after.broadcasterNanos() - before.broadcasterNanos())
                .fanOutWaits(after.fanOutWaits() - before.fanOutWaits())
                .fanOutWaitNanos(after.fanOutWaitNanos() - before.fanOutWaitNanos())
                .fanOutWaitsTimedOut(after.fanOutWaitsTimedOut() - before.fanOutWaitsTimedOut())
                .build();
    }

    @Test
    void encodesEachBroadcastOnceWhetherOneOrTwentyConnectionsListen() {
        connectSubscribed(1);
        WebSocketStats one = broadcastOnce("one");
        assertThat(one.openConnections()).isEqualTo(1);
        assertThat(one.broadcasts()).isEqualTo(1);
        assertThat(one.sharedEncodes()).isEqualTo(1);
        assertThat(one.framesSent()).isEqualTo(1);
        assertThat(one.broadcasterNanos()).isPositive();

        connectSubscribed(19);
        WebSocketStats twenty = broadcastOnce("twenty");
        assertThat(twenty.openConnections()).isEqualTo(20);
        assertThat(twenty.broadcasts()).isEqualTo(1);
        assertThat(twenty.sharedEncodes()).isEqualTo(1);
        assertThat(twenty.framesSent()).isEqualTo(20);
        assertThat(twenty.charsSent()).isGreaterThanOrEqualTo(20L * "{\"type\":\"session_delta\"}".length());
        assertThat(twenty.fullStateConflations()).isZero();
        assertThat(twenty.slowClientsClosed()).isZero();
        assertThat(twenty.commandsRejectedBusy()).isZero();
        assertThat(twenty.broadcasterNanos()).isPositive();
    }

    @Test
    void countsStatusBroadcastsAndKeepsCountingAfterClose() {
        connectSubscribed(2);
        WebSocketStats before = endpoint.stats();
        feed.publishStatus(dev.sessionfeed.FeedStatus.DEGRADED, "listener down");
        for (FeedWebSocketClient c : clients) {
            c.await(m -> ContainerCompatibilityKit.isType(m, "status") && m.path("source").asText().equals("degraded"),
                    "degraded status");
        }
        WebSocketStats after = endpoint.stats();
        assertThat(after.broadcasts() - before.broadcasts()).isEqualTo(1);
        assertThat(after.sharedEncodes() - before.sharedEncodes()).isEqualTo(1);

        endpoint.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.stats().openConnections() == 0);
        assertThat(endpoint.stats().broadcasts()).isEqualTo(after.broadcasts());
    }
}
