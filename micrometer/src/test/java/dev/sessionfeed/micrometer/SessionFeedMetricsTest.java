package dev.sessionfeed.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The binder on a real deployment (PostgreSQL with the trigger, the LISTEN source, the endpoint in Jetty): each
 * meter moves when the thing it counts happens.
 */
@SessionFeedPostgres
class SessionFeedMetricsTest {

    private final TestDatabase db;

    SessionFeedMetricsTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    static void schema(TestDatabase db) {
        db.installSchema();
        PgTriggerInstaller.defaults().install(db.dataSource());
    }

    @BeforeEach
    void emptyTable() {
        SessionFixtures.deleteAll(db);
    }

    @Test
    void aCommittedChangeMovesSignalsRebuildsDeltasAndFramesSent() throws Exception {
        try (Deployment d = Deployment.start(db)) {
            FeedWebSocketClient admin = d.connect("admin");
            admin.subscribe(true);
            admin.awaitType("status");
            await().atMost(Deployment.WAIT).until(() -> d.value("sessionfeed.websocket.connections", "state", "open") == 1);
            double signals = d.value("sessionfeed.feed.signals");
            double byId = d.value("sessionfeed.feed.rebuilds", "kind", "by_id");
            double deltas = d.value("sessionfeed.feed.deltas");
            double frames = d.value("sessionfeed.websocket.frames.sent");
            double sent = d.value("sessionfeed.websocket.sent");
            long rebuildTimer = (long) d.value("sessionfeed.feed.rebuild", "kind", "by_id");
            double lagged = d.value("sessionfeed.feed.lag", "from", "signal");

            SessionFixtures.insertSession(db, "m-1", "waiting");
            admin.await(m -> m.path("type").asText().equals("session_delta")
                    && m.path("data").path("upserted").toString().contains("m-1"), "the delta");

            await().atMost(Deployment.WAIT).untilAsserted(() -> {
                assertThat(d.value("sessionfeed.feed.signals")).isEqualTo(signals + 1);
                assertThat(d.value("sessionfeed.source.signals")).isGreaterThanOrEqualTo(1);
                assertThat(d.value("sessionfeed.feed.rebuilds", "kind", "by_id")).isEqualTo(byId + 1);
                assertThat(d.value("sessionfeed.feed.rebuild", "kind", "by_id")).isGreaterThan(rebuildTimer);
                assertThat(d.value("sessionfeed.feed.lag", "from", "signal")).isEqualTo(lagged + 1);
                assertThat(d.value("sessionfeed.feed.deltas")).isEqualTo(deltas + 1);
                assertThat(d.value("sessionfeed.feed.upserts")).isGreaterThanOrEqualTo(1);
                assertThat(d.value("sessionfeed.feed.sessions")).isEqualTo(1);
                assertThat(d.value("sessionfeed.feed.seq")).isEqualTo(d.feed.current().seq());
                assertThat(d.value("sessionfeed.websocket.frames.sent")).isGreaterThan(frames);
                assertThat(d.value("sessionfeed.websocket.sent")).isGreaterThan(sent);
                assertThat(d.value("sessionfeed.websocket.encodes")).isGreaterThanOrEqualTo(1);
                assertThat(d.value("sessionfeed.websocket.broadcast")).isGreaterThanOrEqualTo(1);
            });
            assertThat(MeterValues.totalNanos(d.registry, "sessionfeed.feed.rebuild", "kind", "by_id")).isPositive();
            assertThat(MeterValues.totalNanos(d.registry, "sessionfeed.feed.lag", "from", "signal")).isPositive();
            assertThat(d.value("sessionfeed.feed.lag", "from", "commit")).as("LISTEN/NOTIFY knows no commit time").isZero();
            assertThat(d.value("sessionfeed.feed.status", "status", "live")).isEqualTo(1);
            assertThat(d.value("sessionfeed.feed.status", "status", "recovering")).isZero();
            assertThat(d.value("sessionfeed.source.status", "status", "live")).isEqualTo(1);

            SessionFixtures.deleteSession(db, "m-1");
            await().atMost(Deployment.WAIT).untilAsserted(() -> {
                assertThat(d.value("sessionfeed.feed.removals")).isEqualTo(1);
                assertThat(d.value("sessionfeed.feed.sessions")).isZero();
            });
        }
    }

    @Test
    void commandsAreCountedByActionAndOutcome() throws Exception {
        SessionFixtures.insertSession(db, "c-1", "active");
        try (Deployment d = Deployment.start(db)) {
            FeedWebSocketClient admin = d.connect("admin");
            FeedWebSocketClient viewer = d.connect("viewer");
            admin.subscribe(true);
            viewer.subscribe(true);
            admin.awaitType("status");
            viewer.awaitType("status");
            assertThat(d.value("sessionfeed.commands", "action", "end_session", "outcome", "ok")).isZero();

            // Command ids are unique across the tests: the commands table keeps them.
            String run = java.util.UUID.randomUUID() + "-";
            String ended = admin.command(run + "end", "end_session", "c-1");
            admin.await(m -> m.path("type").asText().equals("ack") && m.path("id").asText().equals(ended), "the ack");
            admin.command(ended, "end_session", "c-1"); // a replay is acknowledged too
            String missing = admin.command(run + "missing", "end_session", "c-missing");
            admin.await(m -> m.path("id").asText().equals(missing) && m.path("code").asText().equals("not_found"), "not_found");
            String denied = viewer.command(run + "denied", "archive_session", "c-1");
            viewer.await(m -> m.path("id").asText().equals(denied) && m.path("code").asText().equals("forbidden"), "forbidden");
            String unknown = admin.command(run + "unknown", "reopen_session", "c-1");
            admin.await(m -> m.path("id").asText().equals(unknown) && m.path("code").asText().equals("bad_request"), "unknown");

            await().atMost(Deployment.WAIT).untilAsserted(() -> {
                assertThat(d.value("sessionfeed.commands", "action", "end_session", "outcome", "ok")).isEqualTo(2);
                assertThat(d.value("sessionfeed.commands", "action", "end_session", "outcome", "not_found")).isEqualTo(1);
                assertThat(d.value("sessionfeed.commands", "action", "archive_session", "outcome", "forbidden")).isEqualTo(1);
                assertThat(d.value("sessionfeed.commands", "action", "other", "outcome", "bad_request")).isEqualTo(1);
            });
            assertThat(d.value("sessionfeed.commands", "action", "archive_session", "outcome", "ok")).isZero();
            assertThat(d.value("sessionfeed.websocket.rate.limited")).isZero();
        }
    }

    @Test
    void commandsOverTheConnectionsBudgetAreCountedAsRateLimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            SessionFixtures.insertSession(db, "r-" + i, "active");
        }
        try (Deployment d = Deployment.start(db, b -> b.commandRate(0.01, 2))) {
            FeedWebSocketClient admin = d.connect("admin");
            admin.subscribe(true);
            admin.awaitType("status");
            // One session each: JdbcCommandHandler answers a second command on a session still being changed BUSY.
            String run = java.util.UUID.randomUUID() + "-";
            for (int i = 0; i < 5; i++) {
                admin.command(run + i, "end_session", "r-" + i);
            }
            await().atMost(Deployment.WAIT).untilAsserted(() -> {
                assertThat(d.value("sessionfeed.websocket.rate.limited")).isEqualTo(3);
                assertThat(d.value("sessionfeed.commands", "action", "end_session", "outcome", "rate_limited")).isEqualTo(3);
                assertThat(d.value("sessionfeed.commands", "action", "end_session", "outcome", "ok")).isEqualTo(2);
            });
            assertThat(d.value("sessionfeed.websocket.flood.closes")).isZero();
        }
    }

    @Test
    void killingTheListenerCountsAReconnectAndAFullRebuild() throws Exception {
        try (Deployment d = Deployment.start(db)) {
            await().atMost(Deployment.WAIT).until(() -> d.source.stats().backendPid() != 0);
            double full = d.value("sessionfeed.feed.rebuilds", "kind", "full");
            double feedResyncs = d.value("sessionfeed.feed.resyncs");
            double sourceResyncs = d.value("sessionfeed.source.resyncs");
            assertThat(d.value("sessionfeed.source.reconnects")).isZero();

            assertThat(db.queryForLong("SELECT pg_terminate_backend(?)::int", d.source.stats().backendPid())).isEqualTo(1);

            await().atMost(Deployment.WAIT).untilAsserted(() -> {
                assertThat(d.value("sessionfeed.source.reconnects")).isEqualTo(1);
                assertThat(d.value("sessionfeed.source.resyncs")).isGreaterThan(sourceResyncs);
                assertThat(d.value("sessionfeed.feed.resyncs")).isGreaterThan(feedResyncs);
                assertThat(d.value("sessionfeed.feed.rebuilds", "kind", "full")).isGreaterThan(full);
                assertThat(d.value("sessionfeed.feed.status", "status", "live")).isEqualTo(1);
            });
        }
    }

    @Test
    void aClientThatStopsReadingIsCountedAsASlowClose() throws Exception {
        String big = "z".repeat(10_000);
        for (int i = 0; i < 100; i++) {
            db.execute("INSERT INTO chat_sessions (session_id, status, subject) VALUES (?, 'waiting', ?)", "big-" + i, big);
        }
        try (Deployment d = Deployment.start(db, b -> b.slowClientGrace(Duration.ofSeconds(1)))) {
            FeedWebSocketClient stalled = d.connect("viewer");
            stalled.subscribe(false);
            stalled.awaitType("status");
            stalled.stopReading();
            int[] n = {0};
            await("the stalled client closed as too slow").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        int i = n[0]++;
                        db.execute("UPDATE chat_sessions SET subject = ?, updated_at = now() WHERE session_id = ?",
                                big + i, "big-" + (i % 100));
                        return d.value("sessionfeed.websocket.slow.closes") == 1;
                    });
            assertThat(d.value("sessionfeed.websocket.conflations")).isPositive();
        }
    }

    @Test
    void closingTheFeedRemovesItsMetersFromEveryRegistry() throws Exception {
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        Deployment d = Deployment.start(db);
        try {
            d.metrics.bindTo(other);
            assertThat(other.find("sessionfeed.feed.signals").meter()).isNotNull();
            assertThat(d.metrics.meters(other)).isNotEmpty();
        } finally {
            d.close();
        }
        assertThat(d.registry.getMeters()).isEmpty();
        assertThat(other.getMeters()).isEmpty();
        assertThatThrownBy(() -> d.metrics.bindTo(new SimpleMeterRegistry()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closingTheBinderRemovesOnlyItsOwnMetersAndLeavesTheFeedRunning() throws Exception {
        try (Deployment d = Deployment.start(db)) {
            d.registry.counter("host.own").increment();
            SessionFeedMetrics second = SessionFeedMetrics.builder(d.feed).prefix("chat.feed").tag("feed", "second").build();
            second.bindTo(d.registry);
            assertThat(d.registry.get("chat.feed.feed.signals").tag("feed", "second").meter()).isNotNull();

            second.close();
            second.close();

            assertThat(d.registry.find("chat.feed.feed.signals").meter()).isNull();
            assertThat(d.registry.find("sessionfeed.feed.signals").meter()).isNotNull();
            assertThat(d.registry.find("host.own").counter()).isNotNull();
            assertThat(d.feed.status()).isEqualTo(FeedStatus.LIVE);
        }
    }

    @Test
    void aSecondFeedWithTheSameNamesAndTagsIsRefusedNotSilentlyMerged() throws Exception {
        try (Deployment d = Deployment.start(db)) {
            d.metrics.bindTo(d.registry); // the same binder again: harmless
            try (SessionFeedMetrics same = SessionFeedMetrics.builder(d.feed).build();
                 SessionFeedMetrics tagged = SessionFeedMetrics.builder(d.feed).tag("feed", "other").build()) {
                int before = d.registry.getMeters().size();
                assertThatThrownBy(() -> same.bindTo(d.registry)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("sessionfeed.feed.signals").hasMessageContaining("tag");
                assertThat(d.registry.getMeters()).hasSize(before);
                tagged.bindTo(d.registry);
                assertThat(d.registry.get("sessionfeed.feed.signals").tag("feed", "other").meter()).isNotNull();
            }
            assertThat(d.registry.find("sessionfeed.feed.signals").tag("feed", "other").meter()).isNull();
            assertThat(d.registry.find("sessionfeed.feed.signals").meters()).hasSize(1);
        }
    }

    @Test
    void aTaggedFeedBoundFirstDoesNotBlockAnUntaggedOne() throws Exception {
        try (Deployment d = Deployment.start(db);
             SessionFeedMetrics tagged = SessionFeedMetrics.builder(d.feed).tag("feed", "other").build()) {
            SimpleMeterRegistry r = new SimpleMeterRegistry();
            tagged.bindTo(r);
            d.metrics.bindTo(r);
            assertThat(r.find("sessionfeed.feed.signals").meters()).hasSize(2);
        }
    }

    @Test
    void commonTagsAreOnEveryMeter() throws Exception {
        try (Deployment d = Deployment.start(db)) {
            SimpleMeterRegistry tagged = new SimpleMeterRegistry();
            try (SessionFeedMetrics m = SessionFeedMetrics.builder(d.feed).source(d.source).endpoint(d.endpoint)
                    .tags(List.of(Tag.of("app", "chat"))).tag("feed", "main").build()) {
                m.bindTo(tagged);
                List<Meter> meters = tagged.getMeters();
                assertThat(meters).isNotEmpty().allSatisfy(meter -> assertThat(meter.getId().getTags())
                        .contains(Tag.of("app", "chat"), Tag.of("feed", "main")));
                assertThat(meters).allSatisfy(meter -> assertThat(meter.getId().getName()).startsWith("sessionfeed."));
            }
            assertThat(tagged.getMeters()).isEmpty();
        }
    }
}
