package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.RecordingChangeListener;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Outages that need their own server: a PostgreSQL restart and a frozen TCP connection. */
class PgNotifyOutageTest {

    private static final Logger LOG = LoggerFactory.getLogger(PgNotifyOutageTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static PostgresServer server;
    private static TestDatabase db;

    @BeforeAll
    static void startServer() {
        server = PostgresServer.embedded(Map.of());
        db = server.createDatabase("pg_outage");
        db.installSchema();
        PgTriggerInstaller.defaults().install(db.dataSource());
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void keepsRetryingWhilePostgresIsDownAndConvergesAfterRestart() {
        RecordingChangeListener statuses = new RecordingChangeListener();
        PgNotifyChangeSource source = PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .fallbackInterval(Duration.ofMillis(200))
                .build();
        SessionFixtures.insertSession(db, "before-outage", "waiting");
        try (SessionFeed feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), statuses.tap(source))
                .reconcileInterval(Duration.ZERO).retryBackoff(Duration.ofMillis(50), Duration.ofMillis(500)).build()) {
            feed.start();
            FeedStateClient client = FeedStateClient.attach(feed);
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && client.sessions().containsKey("before-outage"));
            server.stop();
            long stoppedAt = System.nanoTime();
            await().atMost(WAIT).until(() -> source.status() != FeedStatus.LIVE);
            LOG.info("outage noticed after {} ms", (System.nanoTime() - stoppedAt) / 1_000_000);
            // Down for several seconds: the source must keep trying (no "give up") and never claim to be live.
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> source.status() != FeedStatus.LIVE);
            assertThat(source.statusReason()).startsWith("listener disconnected");
            // The fallback's polls fail too while the server is down: nothing can keep the state current, and the
            // status says so instead of claiming "degraded but correct".
            assertThat(source.status()).isEqualTo(FeedStatus.RECOVERING);
            assertThat(feed.status()).isNotEqualTo(FeedStatus.LIVE);
            server.start();
            long startedAt = System.nanoTime();
            // A change right after the restart, possibly before the listener is back: the resync must pick it up.
            SessionFixtures.updateStatus(db, "before-outage", "active");
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE);
            LOG.info("live again {} ms after the restart", (System.nanoTime() - startedAt) / 1_000_000);
            assertThat(source.stats().reconnects()).isEqualTo(1);
            assertThat(statuses.resyncs()).filteredOn(r -> r.startsWith("listener")).hasSize(2).last().asString().contains("reconnected");
            await().atMost(WAIT).until(() -> PgTestSupport.listenConnections(db) == 1);
            SessionFixtures.insertSession(db, "after-restart", "waiting");
            await().atMost(WAIT).untilAsserted(() -> assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty());
            assertThat(client.sessions().get("before-outage").status()).isEqualTo("active");
            assertThat(client.sessions()).containsKey("after-restart");
            await().atMost(WAIT).until(() -> feed.status() == FeedStatus.LIVE);
        }
        await().atMost(WAIT).until(() -> PgTestSupport.listenConnections(db) == 0);
    }

    @Test
    void replacesAFrozenConnectionFoundByTheProbe() throws Exception {
        TcpProxy proxy = TcpProxy.to(server.host(), server.port());
        RecordingChangeListener listener = new RecordingChangeListener();
        String url = proxy.jdbcUrl(db.databaseName());
        try (PgNotifyChangeSource source = PgNotifyChangeSource.builder(url, db.user(), db.password()).build()) {
            source.start(listener);
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE);
            int pid = source.stats().backendPid();
            // Stops forwarding in both directions without closing anything: a half-open connection.
            proxy.crusher().freezeAllPairs();
            long frozenAt = System.nanoTime();
            // The non-live spell can be shorter than a poll interval (the replacement connects at once), so wait for
            // the reported transition rather than for a status value that may already be gone.
            int before = listener.statuses().size();
            await().atMost(WAIT).until(() -> listener.statuses().stream().skip(before).anyMatch(s -> s != FeedStatus.LIVE));
            long detectedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && source.stats().reconnects() == 1);
            long replacedMillis = (System.nanoTime() - frozenAt) / 1_000_000;
            LOG.info("frozen connection detected after {} ms, replaced after {} ms (defaults: probe every 2 s, deadline 3 s)",
                    detectedMillis, replacedMillis);
            assertThat(source.stats().backendPid()).isNotEqualTo(pid);
            assertThat(source.statusReason()).contains("listening");
            assertThat(listener.resyncs()).filteredOn(r -> r.startsWith("listener")).hasSize(2).last().asString().contains("reconnected");
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('after-freeze')");
            await().atMost(WAIT).until(() -> listener.sawSignalFor("after-freeze"));
        } finally {
            proxy.close();
        }
    }
}
