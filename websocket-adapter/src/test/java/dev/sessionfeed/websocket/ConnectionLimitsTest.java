package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.FakeSessionFeed;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 12 #1: limits on connections, in total and per admin; connections being closed still count. */
class ConnectionLimitsTest {

    private final Hub hub = new Hub(new FakeSessionFeed(), WebSocketOptions.builder(info -> Optional.empty())
            .maxConnections(3).maxConnectionsPerAdmin(2).build());

    @AfterEach
    void close() {
        hub.close();
    }

    private Connection open(String name, String id) {
        return hub.open(new HostileTestSupport.RecordingTransport(id), AdminIdentity.readOnly(name));
    }

    @Test
    void refusesConnectionsBeyondTheLimitsUntilOneIsGone() {
        Connection a1 = open("a", "1");
        assertThat(a1).isNotNull();
        assertThat(open("a", "2")).isNotNull();
        assertThat(open("a", "3")).as("a third connection of one admin").isNull();
        assertThat(open("b", "4")).isNotNull();
        assertThat(open("c", "5")).as("a fourth connection in all").isNull();
        assertThat(hub.stats().connectionsRefused()).isEqualTo(2);

        a1.close(1013, "test");
        assertThat(open("c", "6")).as("closed but not yet gone: it still holds a socket").isNull();
        a1.onClosed();
        assertThat(open("c", "7")).isNotNull();
        assertThat(hub.connectionCount()).isEqualTo(3);
    }

    @Test
    void defaultsAreDocumented() {
        WebSocketOptions o = WebSocketOptions.builder(info -> Optional.empty()).build();
        assertThat(o.maxConnections()).isEqualTo(1_000);
        assertThat(o.maxConnectionsPerAdmin()).isEqualTo(100);
        assertThat(o.maxBufferedBytes()).isEqualTo(64L << 20);
        assertThat(o.subscribeInterval()).hasSeconds(1);
    }
}
