package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.FakeSessionFeed;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 #4: refused commands pay the token bucket before they are audited, a connection that ignores
 * {@code rate_limited} is closed, and refusals are logged in aggregate with short samples.
 */
class LogFloodingTest {

    private final FakeSessionFeed feed = new FakeSessionFeed();
    private final Hub hub = new Hub(feed, WebSocketOptions.builder(info -> Optional.empty())
            .allowedOrigins("https://admin.example.test")
            .commandHandler(new HostileTestSupport.OkHandler()).commandRate(1, 10).build());
    private final HostileTestSupport.AuditLines audit = new HostileTestSupport.AuditLines();

    @AfterEach
    void close() {
        audit.close();
        hub.close();
    }

    @Test
    void deniedAndUnknownCommandsPayTheBucketAndAFloodCloses1008() {
        HostileTestSupport.RecordingTransport t = new HostileTestSupport.RecordingTransport("c-1");
        Connection viewer = hub.open(t, AdminIdentity.readOnly("viewer"));
        viewer.start();

        for (int i = 0; i < 20_000 && t.closedWith == null; i++) {
            viewer.onText(HostileTestSupport.command("v-" + i, i % 2 == 0 ? "archive_session" : "drop_tables", "s-1"));
        }

        assertThat(t.closedWith).as("closed after ignoring rate_limited").isEqualTo(1008);
        assertThat(hub.stats().commandFloodsClosed()).isEqualTo(1);
        assertThat(t.errors()).hasSize(10 + CommandBudget.MAX_STRIKES);
        assertThat(t.errors().subList(0, 10)).allSatisfy(e -> assertThat(e.path("code").asText()).isIn("forbidden", "bad_request"));
        assertThat(t.errors().subList(10, t.errors().size())).allSatisfy(e -> assertThat(e.path("code").asText()).isEqualTo("rate_limited"));
        assertThat(audit.lines().stream().filter(l -> l.contains("reason=command")))
                .as("one line per kind of refusal at the start of the interval").hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void refusedOriginsAreAggregatedAndTruncated() {
        FeedConfigurator configurator = new FeedConfigurator(hub);
        String origin = "https://evil.example/" + "x".repeat(7 * 1024);
        for (int i = 0; i < 5_000; i++) {
            assertThat(configurator.checkOrigin(origin)).isFalse();
        }
        long start = System.nanoTime();
        Audit.flush(start + RefusalLog.INTERVAL_NANOS + 1);

        assertThat(audit.lines()).filteredOn(l -> l.contains("reason=origin")).hasSizeBetween(1, 2)
                .allSatisfy(l -> assertThat(l.length()).isLessThan(600));
    }

    @Test
    void aggregatesCountsPerIntervalWithOneSample() {
        java.util.List<String> out = new java.util.ArrayList<>();
        RefusalLog log = new RefusalLog(out::add);
        long t0 = 1_000;
        for (int i = 0; i < 1_000; i++) {
            log.record("reason=origin", "origin=\"o" + i + "\"", t0 + i);
        }
        log.flush(t0 + RefusalLog.INTERVAL_NANOS - 1);
        assertThat(out).containsExactly("event=rejected reason=origin origin=\"o0\"");
        log.flush(t0 + RefusalLog.INTERVAL_NANOS);
        assertThat(out).containsExactly("event=rejected reason=origin origin=\"o0\"",
                "event=rejected reason=origin aggregated=true count=999 intervalSeconds=10 sample: origin=\"o1\"");
        log.flush(t0 + 5 * RefusalLog.INTERVAL_NANOS);
        assertThat(out).hasSize(2);
    }
}
