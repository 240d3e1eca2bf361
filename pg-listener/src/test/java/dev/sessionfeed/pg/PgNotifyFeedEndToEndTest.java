package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedObserver;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.jdbc.FallbackPollers;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The LISTEN source driving the real engine and JDBC snapshot builder; a state-tracking client checks the result. */
class PgNotifyFeedEndToEndTest extends PgTestSupport {

    private static final Logger LOG = LoggerFactory.getLogger(PgNotifyFeedEndToEndTest.class);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<int[]> rebuilds = new CopyOnWriteArrayList<>();
    private SessionFeed feed;
    private FeedStateClient client;

    PgNotifyFeedEndToEndTest(TestDatabase db) {
        super(db);
    }

    @AfterEach
    void closeFeed() {
        if (feed != null) {
            feed.close();
        }
    }

    private PgNotifyChangeSource startFeed(PgNotifyChangeSource.Builder sourceBuilder) {
        PgNotifyChangeSource source = sourceBuilder.build();
        feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source)
                .reconcileInterval(Duration.ZERO)
                .observer(new FeedObserver() {
                    @Override
                    public void onRebuild(boolean full, int ids, int signals, long durationNanos, SessionDelta published) {
                        rebuilds.add(new int[] {full ? 1 : 0, ids, signals});
                    }
                })
                .build();
        feed.start();
        client = FeedStateClient.attach(feed);
        await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && feed.status() == FeedStatus.LIVE);
        return source;
    }

    private void awaitClientEqualsTable() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty());
        assertThat(client.gaps()).isEmpty();
    }

    /** Issue 13: a normal start logged "status live -> recovering" although the feed never was live. */
    @Test
    void aNormalStartLogsThatTheFeedStartsRecoveringAndGoesLiveNeverThatItLeftLive() {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.sessionfeed.RebuildLoop");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            startFeed(sourceBuilder());
            await().atMost(WAIT).until(() -> statusLines(logs).stream().anyMatch(m -> m.contains("-> live")));
            List<String> lines = statusLines(logs);
            assertThat(lines.get(0)).contains("Feed " + feed.epoch() + " starts recovering: change source starting");
            assertThat(lines).noneMatch(m -> m.contains("live -> recovering"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    private static List<String> statusLines(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs) {
        return List.copyOf(logs.list).stream().map(e -> e.getFormattedMessage())
                .filter(m -> m.contains(" starts ") || m.contains(" status ")).collect(java.util.stream.Collectors.toList());
    }

    @Test
    void insertUpdateAndDeleteEachReachAFeedClient() {
        startFeed(sourceBuilder());
        SessionFixtures.insertSession(db, "e-1", "waiting");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("e-1"));
        SessionFixtures.updateStatus(db, "e-1", "active");
        await().atMost(WAIT).until(() -> "active".equals(client.sessions().get("e-1").status()));
        SessionFixtures.deleteSession(db, "e-1");
        await().atMost(WAIT).until(() -> !client.sessions().containsKey("e-1"));
        awaitClientEqualsTable();
    }

    @Test
    void manyChangesInOneTransactionCoalesce() throws Exception {
        startFeed(sourceBuilder());
        // Let the connect resync's rebuild finish first, so only the transaction's rebuilds are counted.
        feed.refresh(List.of("none")).get(30, java.util.concurrent.TimeUnit.SECONDS);
        rebuilds.clear();
        insertInOneTransaction("INSERT INTO chat_sessions (session_id, status) VALUES (?, 'waiting')", "co-", 200);
        await().atMost(WAIT).until(() -> client.sessions().size() == 200);
        awaitClientEqualsTable();
        int signals = rebuilds.stream().mapToInt(r -> r[2]).sum();
        LOG.info("200 inserts in one transaction: {} rebuild(s) covering {} signals", rebuilds.size(), signals);
        assertThat(signals).isEqualTo(200);
        // The first signal may start a rebuild at once (a quiet feed adds no delay); the rest merge into the next
        // (or the next two, when PostgreSQL delivers the 200 notifications in more than one read): never one each.
        assertThat(rebuilds).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void feedEqualsTableAfterTheListenerIsKilledMidBurst() throws Exception {
        PgNotifyChangeSource source = startFeed(sourceBuilder());
        List<String> ids = SessionFixtures.seed(db, "k", 20, new Random(7));
        awaitClientEqualsTable();
        int pid = source.stats().backendPid();
        Random random = new Random(11);
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("UPDATE chat_sessions SET status = ?, message_count = message_count + 1,"
                     + " updated_at = now() WHERE session_id = ?")) {
            for (int i = 0; i < 500; i++) {
                ps.setString(1, SessionFixtures.randomStatus(random));
                ps.setString(2, ids.get(random.nextInt(ids.size())));
                ps.executeUpdate();
                if (i == 200) {
                    assertThat(db.queryForLong("SELECT pg_terminate_backend(?)::int", pid)).isEqualTo(1);
                }
            }
        }
        await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && source.stats().reconnects() == 1);
        awaitClientEqualsTable();
        assertThat(source.stats().reconnects()).isEqualTo(1);
    }

    @Test
    void forgedNotificationsNeverPutWrongDataOnADashboard() throws Exception {
        PgNotifyChangeSource source = startFeed(sourceBuilder());
        SessionFixtures.insertSession(db, "real-1", "active");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("real-1"));
        String[] forged = {
            "garbage",
            "{\"action\":\"UPDATE\",\"session_id\":\"real-1\",\"status\":\"" + "x".repeat(7999 - 55) + "\"}",
            "{\"action\":\"ARCHIVE\",\"session_id\":\"real-1\"}",
            "{\"action\":\"UPDATE\",\"session_id\":\"real-1\",\"status\":\"archived\"}",
            "{\"action\":\"DELETE\",\"session_id\":\"real-1\",\"status\":\"ended\"}",
            "{\"action\":\"INSERT\",\"session_id\":\"ghost\",\"status\":\"active\"}",
            "{\"action\":\"TRUNCATE\"}",
        };
        long seqBefore = client.seq();
        try (ForgedNotify forger = ForgedNotify.open(db)) {
            for (String payload : forged) {
                forger.send(payload);
            }
        }
        await().atMost(WAIT).until(() -> source.stats().rejected() == 3 && source.stats().received() >= 5);
        // Let the feed act on every hint: a marker change committed after the forgeries must be visible.
        SessionFixtures.insertSession(db, "marker", "waiting");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("marker"));
        awaitClientEqualsTable();
        assertThat(client.sessions()).containsKey("real-1").doesNotContainKey("ghost");
        assertThat(client.sessions().get("real-1").status()).isEqualTo("active");
        assertThat(client.seq()).isGreaterThan(seqBefore);
    }

    @Test
    void staysCorrectThroughPollingWhileTheListenerIsCutOff() throws Exception {
        TcpProxy proxy = TcpProxy.to(db.server().host(), db.server().port());
        PollingChangeSource polling = PollingChangeSource.builder(db.dataSource()).interval(Duration.ofMillis(200)).build();
        try {
            PgNotifyChangeSource source = startFeed(PgNotifyChangeSource.builder(proxy.jdbcUrl(db.databaseName()), db.user(), db.password())
                    .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(300))
                    .fallback(polling));
            proxy.crusher().close();
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.DEGRADED);
            assertThat(source.statusReason()).contains("listener disconnected").contains("polling fallback active");
            await().atMost(WAIT).until(() -> client.status() == FeedStatus.DEGRADED);
            SessionFixtures.insertSession(db, "while-cut", "waiting");
            SessionFixtures.updateStatus(db, "while-cut", "active");
            await().atMost(WAIT).until(() -> client.sessions().containsKey("while-cut")
                    && "active".equals(client.sessions().get("while-cut").status()));
            assertThat(source.status()).isEqualTo(FeedStatus.DEGRADED);
            proxy.crusher().open();
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && feed.status() == FeedStatus.LIVE);
            assertThat(source.stats().reconnects()).isEqualTo(1);
            assertThat(FallbackPollers.of(polling).isSuspended()).isTrue();
            SessionFixtures.deleteSession(db, "while-cut");
            await().atMost(WAIT).until(() -> !client.sessions().containsKey("while-cut"));
            awaitClientEqualsTable();
        } finally {
            feed.close();
            feed = null;
            polling.close();
            proxy.close();
        }
    }
}
