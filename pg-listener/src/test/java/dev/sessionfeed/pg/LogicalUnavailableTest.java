package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server that cannot do logical replication (wal_level = replica): the source says which
 * setting to change and the feed starts degraded on polling instead of not at all.
 */
class LogicalUnavailableTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static PostgresServer server;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.embedded(Map.of("wal_level", "replica"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static SessionFeed feed(TestDatabase db, PgLogicalChangeSource source) {
        SessionFeed feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source).build();
        feed.start();
        return feed;
    }

    @Test
    void walLevelReplicaStartsTheFeedDegradedOnPollingNamingTheSetting() {
        TestDatabase db = server.createDatabase("nowal").installSchema();
        PgLogicalChangeSource source = PgLogicalChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                .fallbackInterval(Duration.ofMillis(100)).build();
        try (SessionFeed feed = feed(db, source)) {
            FeedStateClient client = FeedStateClient.attach(feed);
            await().atMost(WAIT).until(() -> feed.status() == FeedStatus.DEGRADED);
            assertThat(source.statusReason())
                    .isEqualTo("logical replication unavailable: wal_level is not logical; polling fallback active");
            SessionFixtures.insertSession(db, "w-1", "waiting");
            await().atMost(WAIT).until(() -> client.sessions().containsKey("w-1"));
        }
    }
}
