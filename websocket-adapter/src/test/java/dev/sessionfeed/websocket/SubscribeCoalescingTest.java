package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.FakeSessionFeed;
import java.time.Duration;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 12 #7: {@code resync} and {@code subscribe} repeated within the subscribe interval coalesce. */
class SubscribeCoalescingTest {

    private final FakeSessionFeed feed = new FakeSessionFeed();
    private final Hub hub = new Hub(feed, WebSocketOptions.builder(info -> Optional.empty())
            .subscribeInterval(Duration.ofMillis(500)).build());

    @AfterEach
    void close() {
        hub.close();
    }

    private static long fullStates(HostileTestSupport.RecordingTransport t) {
        return t.frames().stream().filter(f -> "session_update".equals(f.path("type").asText())).count();
    }

    @Test
    void repeatedResyncsAndSubscribesCostOneFullStatePerInterval() {
        feed.upsert(HostileTestSupport.session("s-1", "waiting", "x".repeat(1000)));
        HostileTestSupport.RecordingTransport t = new HostileTestSupport.RecordingTransport("c-1");
        Connection c = hub.open(t, AdminIdentity.readOnly("viewer"));
        c.start();
        c.onText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\"}");
        for (int i = 0; i < 100; i++) {
            c.onText(i % 2 == 0 ? "{\"type\":\"resync\"}" : "{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\"}");
        }
        assertThat(fullStates(t)).as("at once: only the first").isEqualTo(1);
        assertThat(hub.stats().fullStatesCoalesced()).isEqualTo(100);

        Awaitility.await("the coalesced full state").atMost(Duration.ofSeconds(5)).until(() -> fullStates(t) == 2);
        long seq = feed.upsert(HostileTestSupport.session("s-1", "active", "y")).seq();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> t.frames().stream()
                .anyMatch(f -> "session_update".equals(f.path("type").asText()) && f.path("seq").asLong() == seq));
        assertThat(fullStates(t)).as("one per change after that, as before").isEqualTo(3);
    }
}
