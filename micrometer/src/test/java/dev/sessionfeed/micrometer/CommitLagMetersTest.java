package dev.sessionfeed.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.MapSnapshotBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The commit-to-publish lag timer, for a source that knows the commit time (as a logical replication source does),
 * on the real feed engine with a map-backed snapshot builder and a fixed clock.
 */
class CommitLagMetersTest {

    @Test
    void theCommitLagTimerCountsSignalsWithACommitTimeAndSumsTheirLag() throws Exception {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        MapSnapshotBuilder db = new MapSnapshotBuilder();
        db.put(session("a", "waiting"));
        ManualChangeSource source = new ManualChangeSource();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (SessionFeed feed = SessionFeed.builder(db, source).clock(Clock.fixed(now, ZoneOffset.UTC))
                .reconcileInterval(Duration.ZERO).build();
             SessionFeedMetrics metrics = SessionFeedMetrics.builder(feed).source(source).build()) {
            metrics.bindTo(registry);
            feed.start();

            db.put(session("a", "active"));
            source.fire(ChangeSignal.committed(ChangeAction.UPDATE, "a", now.minusMillis(250)));
            source.fire(ChangeSignal.committed(ChangeAction.UPDATE, "a", now.minusMillis(750)));
            feed.refresh(List.of()).get(10, TimeUnit.SECONDS);

            await().atMost(Duration.ofSeconds(10)).until(() -> MeterValues.value(registry, "sessionfeed.feed.lag", "from", "commit") == 2);
            assertThat(MeterValues.totalNanos(registry, "sessionfeed.feed.lag", "from", "commit"))
                    .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1_000));
            assertThat(MeterValues.value(registry, "sessionfeed.feed.lag", "from", "signal")).isEqualTo(2);
            assertThat(registry.get("sessionfeed.feed.lag").tag("from", "commit").functionTimer().mean(TimeUnit.MILLISECONDS))
                    .isEqualTo(500);
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    private static ChatSession session(String id, String status) {
        Instant t = Instant.parse("2026-12-04T11:00:00Z");
        return new ChatSession(id, status, "v-" + id, "Vera", null, null, "subject", t, t, null, null, 1, t, Map.of());
    }
}
