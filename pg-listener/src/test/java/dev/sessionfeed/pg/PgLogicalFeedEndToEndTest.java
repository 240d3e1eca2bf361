package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.source.RowChange;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The logical source driving the real engine and JDBC snapshot builder on the shared embedded server (wal_level =
 * logical): changes arrive with their rows and are applied without a read, and the feed still equals the table.
 */
@SessionFeedPostgres
class PgLogicalFeedEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final TestDatabase db;
    private final AtomicInteger rowReads = new AtomicInteger();
    private SessionFeed feed;
    private FeedStateClient client;

    PgLogicalFeedEndToEndTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    static void installPublication(TestDatabase db) {
        PgPublicationInstaller.defaults().install(db.dataSource());
    }

    @BeforeEach
    void emptyTable() {
        SessionFixtures.deleteAll(db);
    }

    @AfterEach
    void closeFeed() {
        if (feed != null) {
            feed.close();
        }
    }

    /** Counts the by-id reads of sessions (a metrics-only refresh reads no session). */
    private SnapshotBuilder counting(JdbcSnapshotBuilder b) {
        return new SnapshotBuilder() {
            @Override
            public SnapshotRead buildFull() {
                return b.buildFull();
            }

            @Override
            public SnapshotRead refresh(Set<String> ids) {
                if (!ids.isEmpty()) {
                    rowReads.incrementAndGet();
                }
                return b.refresh(ids);
            }

            @Override
            public int maxSessions() {
                return b.maxSessions();
            }

            @Override
            public boolean decodesRows() {
                return b.decodesRows();
            }

            @Override
            public Optional<ChatSession> decodeRow(RowChange change, Instant now) {
                return b.decodeRow(change, now);
            }
        };
    }

    private PgLogicalChangeSource.Builder sourceBuilder() {
        return PgLogicalChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                .probeInterval(Duration.ofMillis(200)).checkInterval(Duration.ofMillis(200))
                .unavailableRetryInterval(Duration.ofMillis(200)).fallbackInterval(Duration.ofMillis(100));
    }

    private PgLogicalChangeSource startFeed(PgLogicalChangeSource.Builder b) {
        PgLogicalChangeSource source = b.build();
        feed = SessionFeed.builder(counting(JdbcSnapshotBuilder.builder(db.dataSource()).build()), source)
                .reconcileInterval(Duration.ZERO)
                .rowMetricsInterval(Duration.ofMillis(100))
                .build();
        feed.start();
        client = FeedStateClient.attach(feed);
        return source;
    }

    private void awaitLive(PgLogicalChangeSource source) {
        await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && feed.status() == FeedStatus.LIVE);
    }

    private void awaitClientEqualsTable() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.differencesFrom(FeedStateClient.readDatabase(db))).isEmpty());
        assertThat(client.gaps()).isEmpty();
    }

    @Test
    void insertUpdateDeleteAndTruncateReachTheFeedWithoutReadingARow() {
        PgLogicalChangeSource source = startFeed(sourceBuilder());
        awaitLive(source);
        assertThat(source.statusReason()).isEqualTo("streaming changes from the WAL");
        SessionFixtures.insertSession(db, "l-1", "waiting");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("l-1"));
        SessionFixtures.updateStatus(db, "l-1", "active");
        SessionFixtures.addMessage(db, "l-1");
        await().atMost(WAIT).until(() -> "active".equals(client.sessions().get("l-1").status())
                && client.sessions().get("l-1").messageCount() == 1);
        SessionFixtures.insertSession(db, "l-2", "waiting");
        SessionFixtures.deleteSession(db, "l-1");
        await().atMost(WAIT).until(() -> !client.sessions().containsKey("l-1") && client.sessions().containsKey("l-2"));
        awaitClientEqualsTable();
        assertThat(rowReads.get()).as("sessions re-read by id").isZero();
        // Changes of one session that arrive while a batch is applied are merged (the latest row wins).
        assertThat(feed.stats().rowsApplied()).isGreaterThanOrEqualTo(4);
        assertThat(source.stats().received()).isGreaterThanOrEqualTo(5);

        db.execute("TRUNCATE chat_sessions");
        await().atMost(WAIT).until(() -> client.sessions().isEmpty());
        awaitClientEqualsTable();
    }

    @Test
    void aDecodedRowEqualsWhatAFullReadShows() {
        PgLogicalChangeSource source = startFeed(sourceBuilder());
        awaitLive(source);
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name, agent_id, agent_name, subject, created_at,"
                + " updated_at, ended_at, first_response_at, message_count, last_message_at) VALUES ('d-1', 'ended', 'v\u00e9', 'Zo\u00eb \"Q\"',"
                + " 'a-1', NULL, repeat('\u00fc', 600), '2026-12-04 10:00:00.123456+00', now(), now() - interval '1 hour',"
                + " '2026-12-04 10:00:01.5+05:30', 7, now())");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("d-1"));
        awaitClientEqualsTable(); // the metrics read that follows the row (rowMetricsInterval) is in too
        long fullReads = feed.stats().rebuildsFull();
        long seq = feed.current().seq();
        ChatSession decoded = client.sessions().get("d-1");
        assertThat(decoded.subject()).hasSize(500).endsWith("\u2026");
        // A full read of the same row publishes nothing: the decoded session equals the read one, field by field.
        feed.requestResync("test");
        await().atMost(WAIT).until(() -> feed.stats().rebuildsFull() > fullReads);
        assertThat(feed.current().seq()).isEqualTo(seq);
        assertThat(rowReads.get()).isZero();
        awaitClientEqualsTable();
    }

    @Test
    void anUnchangedOutOfLineValueMakesTheFeedReReadTheRow() {
        PgLogicalChangeSource source = startFeed(sourceBuilder());
        awaitLive(source);
        // 20 kB of random-looking text is stored out of line (TOAST); an UPDATE that does not touch it does not send it.
        db.execute("INSERT INTO chat_sessions (session_id, status, subject) VALUES ('t-1', 'waiting',"
                + " (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 640) g))");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("t-1"));
        SessionFixtures.updateStatus(db, "t-1", "active");
        await().atMost(WAIT).until(() -> "active".equals(client.sessions().get("t-1").status()));
        assertThat(feed.stats().rowsReread()).isGreaterThanOrEqualTo(1);
        awaitClientEqualsTable();
    }

    @Test
    void aKilledWalsenderIsReplacedAndTheFeedResyncs() {
        PgLogicalChangeSource source = startFeed(sourceBuilder());
        awaitLive(source);
        SessionFixtures.insertSession(db, "k-1", "waiting");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("k-1"));
        int pid = source.stats().backendPid();
        assertThat(pid).isPositive();
        db.queryForLong("SELECT count(*) FROM (SELECT pg_terminate_backend(?)) AS t", pid);
        SessionFixtures.insertSession(db, "k-2", "active");
        await().atMost(WAIT).until(() -> source.stats().reconnects() == 1 && source.status() == FeedStatus.LIVE);
        assertThat(source.stats().backendPid()).isNotEqualTo(pid);
        SessionFixtures.updateStatus(db, "k-1", "ended");
        awaitClientEqualsTable();
        // The temporary slot of the killed connection is gone: nothing retains WAL for it.
        await().atMost(WAIT).until(() -> db.queryForLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE 'sessionfeed_%'"
                + " AND database = current_database()") == 1);
    }

    @Test
    void aDroppedPublicationTurnsTheFeedDegradedOnPollingUntilItIsBack() {
        PgLogicalChangeSource source = startFeed(sourceBuilder());
        awaitLive(source);
        PgPublicationInstaller.defaults().uninstall(db.dataSource());
        try {
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.DEGRADED);
            assertThat(source.statusReason()).isEqualTo("publication missing or incomplete; polling fallback active");
            SessionFixtures.insertSession(db, "p-1", "waiting");
            await().atMost(WAIT).until(() -> client.sessions().containsKey("p-1"));
        } finally {
            PgPublicationInstaller.defaults().install(db.dataSource());
        }
        await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE);
        SessionFixtures.insertSession(db, "p-2", "waiting");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("p-2"));
        awaitClientEqualsTable();
    }

    @Test
    void aRoleWithoutReplicationPrivilegeStartsDegradedNamingTheFix() {
        db.execute("DO $$ BEGIN CREATE ROLE sf_norepl LOGIN PASSWORD 'sf_norepl'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        db.execute("GRANT CONNECT ON DATABASE " + db.databaseName() + " TO sf_norepl");
        db.execute("GRANT SELECT ON chat_sessions TO sf_norepl");
        PgLogicalChangeSource source = PgLogicalChangeSource.builder(db.jdbcUrl(), "sf_norepl", "sf_norepl")
                .fallbackInterval(Duration.ofMillis(100)).build();
        feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source).build();
        feed.start();
        client = FeedStateClient.attach(feed);
        await().atMost(WAIT).until(() -> source.status() == FeedStatus.DEGRADED);
        assertThat(source.statusReason())
                .isEqualTo("logical replication unavailable: the role lacks the REPLICATION privilege; polling fallback active");
        SessionFixtures.insertSession(db, "r-1", "waiting");
        await().atMost(WAIT).until(() -> client.sessions().containsKey("r-1"));
    }

    @Test
    void aPermanentSlotSurvivesTheSourceReportsItsLagAndIsReused() {
        try {
            PgLogicalChangeSource first = startFeed(sourceBuilder().permanentSlot("sf_e2e_slot"));
            awaitLive(first);
            SessionFixtures.insertSession(db, "s-1", "waiting");
            await().atMost(WAIT).until(() -> client.sessions().containsKey("s-1"));
            await().atMost(WAIT).until(() -> first.stats().slotLagBytes().isPresent());
            feed.close();
            assertThat(db.queryForLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sf_e2e_slot' AND NOT temporary"))
                    .isEqualTo(1);
            SessionFixtures.insertSession(db, "s-2", "waiting"); // while nobody streams: the resync reads it
            PgLogicalChangeSource second = startFeed(sourceBuilder().permanentSlot("sf_e2e_slot"));
            awaitLive(second);
            SessionFixtures.updateStatus(db, "s-1", "active");
            awaitClientEqualsTable();
            assertThat(rowReads.get()).isZero();
        } finally {
            if (feed != null) {
                feed.close();
                feed = null;
            }
            await().atMost(WAIT).until(() -> db.queryForLong("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sf_e2e_slot'"
                    + " AND active") == 0);
            db.queryForLong("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = 'sf_e2e_slot'");
        }
    }
}
