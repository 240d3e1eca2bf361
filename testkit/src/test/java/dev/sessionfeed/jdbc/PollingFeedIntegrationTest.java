package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine with the JDBC builder and the polling source over a real PostgreSQL, seen by a state client. */
@SessionFeedPostgres
class PollingFeedIntegrationTest {

    private static final Duration CONVERGENCE = Duration.ofSeconds(15);
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static SessionFeed feed(TestDatabase db, PollingChangeSource source) {
        return SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source).build();
    }

    @Test
    void clientConvergesToTheDatabaseAfterRandomChanges(TestDatabase db) {
        SessionFixtures.deleteAll(db);
        Random random = new Random(20261125);
        List<String> ids = new ArrayList<>(SessionFixtures.seed(db, "f", 25, random));
        PollingChangeSource source = PollingChangeSource.builder(db.dataSource()).interval(Duration.ofMillis(100)).build();
        try (SessionFeed feed = feed(db, source)) {
            feed.start();
            FeedStateClient client = FeedStateClient.attach(feed);
            assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty();

            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 10; i++) {
                    SessionFixtures.randomChange(db, ids, random, "f");
                }
                await().atMost(CONVERGENCE).untilAsserted(() ->
                        assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty());
            }

            JdbcCommandHandler commands = JdbcCommandHandler.builder(db.dataSource()).build();
            String target = client.sessions().keySet().iterator().next();
            // Only an ended chat can be archived.
            commands.handle(new SessionCommand("cmd-0", "end_session", target, Map.of()), "admin");
            commands.handle(new SessionCommand("cmd-1", "archive_session", target, Map.of()), "admin");
            await().atMost(CONVERGENCE).until(() -> !client.sessions().containsKey(target));

            assertThat(client.gaps()).isEmpty();
            assertThat(client.epoch()).isEqualTo(feed.epoch());
            assertThat(client.seq()).isEqualTo(feed.current().seq()).isPositive();
            client.detach();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("sessionfeed-poller"));
    }

    /** The setup: the default polling source every second, over one waiting session and nothing else. */
    private static PollingChangeSource everySecondWithOneSession(TestDatabase db, String id) {
        SessionFixtures.deleteAll(db);
        SessionFixtures.insertSession(db, id, "waiting");
        return PollingChangeSource.builder(db.dataSource()).interval(INTERVAL).build();
    }

    @Test
    void aStatusOnlyUpdateReachesTheClientWithinFivePollIntervalsLongBeforeTheReconcile(TestDatabase db) {
        PollingChangeSource source = everySecondWithOneSession(db, "psql-1");
        // The default reconcile (60 s) would also fix the state; the deadline is far below it.
        try (SessionFeed feed = feed(db, source)) {
            feed.start();
            FeedStateClient client = FeedStateClient.attach(feed);
            assertThat(client.sessions().get("psql-1").status()).isEqualTo("waiting");

            for (String status : List.of("active", "waiting", "active", "ended", "active")) {
                // What an ORM, a batch job or psql does: no updated_at, no trigger that sets it.
                db.execute("UPDATE chat_sessions SET status = ? WHERE session_id = 'psql-1'", status);
                await().atMost(INTERVAL.multipliedBy(5)).until(() -> status.equals(client.sessions().get("psql-1").status()));
            }
            assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty();
            client.detach();
        }
    }

    @Test
    void aChangeTheFeedReadAndThatWasUndoneBeforeTheNextPollIsNotLeftOnTheDashboard(TestDatabase db) throws Exception {
        PollingChangeSource source = everySecondWithOneSession(db, "aba");
        try (SessionFeed feed = feed(db, source)) {
            feed.start();
            FeedStateClient client = FeedStateClient.attach(feed);
            await().atMost(CONVERGENCE).until(() -> source.stats().probes() > 0);
            // B, read by the feed between two polls (here by a refresh, as after a command; a resync or the reconcile
            // does the same) ...
            db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'aba'");
            feed.refresh(List.of("aba")).get(10, TimeUnit.SECONDS);
            assertThat(client.sessions().get("aba").status()).isEqualTo("active");
            // ... and A again before the next poll: the content is what the last poll saw, yet the dashboard shows B.
            db.execute("UPDATE chat_sessions SET status = 'waiting' WHERE session_id = 'aba'");

            await().atMost(INTERVAL.multipliedBy(5)).until(() -> "waiting".equals(client.sessions().get("aba").status()));
            client.detach();
        }
    }

    @Test
    void feedReportsRecoveringWhileTheDatabaseIsDownAndCatchesUpAfterwards() {
        try (PostgresServer server = PostgresServer.embedded(Map.of())) {
            TestDatabase db = server.createDatabase("polling_feed_restart").installSchema();
            SessionFixtures.insertSession(db, "before", "waiting");
            PollingChangeSource source = PollingChangeSource.builder(db.dataSource()).interval(Duration.ofMillis(100)).build();
            try (SessionFeed feed = feed(db, source)) {
                feed.start();
                FeedStateClient client = FeedStateClient.attach(feed);
                assertThat(client.sessions()).containsOnlyKeys("before");

                server.stop();
                await().atMost(CONVERGENCE).until(() -> client.status() == FeedStatus.RECOVERING);
                server.start();
                SessionFixtures.insertSession(db, "after", "active");

                await().atMost(CONVERGENCE).untilAsserted(() -> {
                    assertThat(client.status()).isEqualTo(FeedStatus.LIVE);
                    assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty();
                });
                assertThat(client.sessions()).containsOnlyKeys("before", "after");
                assertThat(feed.status()).isEqualTo(FeedStatus.LIVE);
            }
        }
    }
}
