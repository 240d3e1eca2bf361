package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.jdbc.FallbackPoller;
import dev.sessionfeed.internal.jdbc.FallbackPollers;
import dev.sessionfeed.jdbc.PollingChangeSource.Detection;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.RecordingChangeListener;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

@SessionFeedPostgres
class PollingChangeSourceTest {

    private static final Duration INTERVAL = Duration.ofMillis(200);
    /** "Within one interval", with room for a loaded CI machine: the poll after the commit must see it. */
    private static final Duration DETECTION_DEADLINE = INTERVAL.multipliedBy(2).plusSeconds(3);
    private static final Duration QUIET = INTERVAL.multipliedBy(5);

    private final TestDatabase db;
    private final RecordingChangeListener listener = new RecordingChangeListener();
    private PollingChangeSource source;

    PollingChangeSourceTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void emptyTable() {
        SessionFixtures.deleteAll(db);
    }

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private void startPolling(Consumer<PollingChangeSource.Builder> config) {
        PollingChangeSource.Builder b = PollingChangeSource.builder(db.dataSource()).interval(INTERVAL);
        config.accept(b);
        source = b.build();
        source.start(listener);
        await().atMost(DETECTION_DEADLINE).until(() -> listener.lines().contains("resync:polling started"));
    }

    private void assertDetected(Runnable change) {
        int before = listener.resyncs().size();
        change.run();
        await().atMost(DETECTION_DEADLINE).until(() -> listener.resyncs().size() > before);
        assertThat(listener.lines()).last().isEqualTo("resync:polling detected a change");
    }

    private void assertQuiet() {
        int before = listener.resyncs().size();
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> listener.resyncs().size() == before);
    }

    @Test
    void reportsOneResyncAtStartAndNothingMoreWhileNothingChanges() {
        SessionFixtures.insertSession(db, "q1", "waiting");
        startPolling(b -> { });

        assertQuiet();

        assertThat(listener.lines()).containsExactly("resync:polling started");
        // The poller is still alive and polling: a change after the quiet period is seen.
        assertDetected(() -> SessionFixtures.insertSession(db, "q2", "waiting"));
    }

    @Test
    void detectsAnInsert() {
        startPolling(b -> { });
        assertDetected(() -> SessionFixtures.insertSession(db, "i1", "waiting"));
    }

    @Test
    void detectsAnUpdate() {
        SessionFixtures.insertSession(db, "u1", "waiting");
        startPolling(b -> { });
        assertDetected(() -> SessionFixtures.addMessage(db, "u1"));
        assertDetected(() -> SessionFixtures.updateStatus(db, "u1", "active"));
    }

    @Test
    void detectsAnUpdateThatCommitsWithAnOlderUpdatedAtThanTheNewestRow() {
        SessionFixtures.insertSession(db, "old", "active");
        db.execute("UPDATE chat_sessions SET updated_at = now() - interval '1 hour' WHERE session_id = 'old'");
        SessionFixtures.insertSession(db, "new", "active");
        startPolling(b -> { });
        // As if a transaction that started 10 minutes ago committed now: max(updated_at) does not move.
        assertDetected(() -> db.execute(
                "UPDATE chat_sessions SET status = 'ended', updated_at = now() - interval '10 minutes' WHERE session_id = 'old'"));
    }

    @Test
    void detectsADelete() {
        SessionFixtures.insertSession(db, "d1", "waiting");
        SessionFixtures.insertSession(db, "d2", "waiting");
        startPolling(b -> { });
        assertDetected(() -> SessionFixtures.deleteSession(db, "d1"));
    }

    @Test
    void detectsAMoveOutOfScopeByArchiving() {
        SessionFixtures.insertSession(db, "a1", "ended");
        startPolling(b -> { });
        assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'archived' WHERE session_id = 'a1'"));
    }

    @Test
    void detectsASessionAgingOutOfScopeWithoutAnyWrite() {
        db.execute("INSERT INTO chat_sessions (session_id, status, ended_at) VALUES ('e1', 'ended', now())");
        // Long enough that the first poll still sees e1 in scope on a loaded machine.
        Duration retention = Duration.ofSeconds(3);
        startPolling(b -> b.table(SessionTable.builder().endedRetention(retention).build()));
        int before = listener.resyncs().size();

        await().atMost(retention.plus(DETECTION_DEADLINE)).until(() -> listener.resyncs().size() > before);
        assertThat(listener.lines()).last().isEqualTo("resync:polling detected a change");
    }

    @ParameterizedTest
    @EnumSource(value = Detection.class, names = {"CONTENT", "XMIN"})
    void detectsAStatusOnlyUpdateThatLeavesUpdatedAtAlone(Detection detection) {
        SessionFixtures.insertSession(db, "p1", "waiting");
        startPolling(b -> b.detection(detection));
        // The psql write: no updated_at, no trigger that sets it.
        assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'p1'"));
    }

    @ParameterizedTest
    @EnumSource(value = Detection.class, names = {"CONTENT", "XMIN"})
    void detectsAnUpdateOfEveryMappedColumnAndAttributeWithoutUpdatedAt(Detection detection) {
        db.executeScript("ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS priority integer NOT NULL DEFAULT 0");
        SessionFixtures.insertSession(db, "m1", "active");
        startPolling(b -> b.detection(detection).table(SessionTable.builder().attributeColumn("priority").build()));
        List<String> assignments = List.of("status = 'waiting'", "visitor_id = 'v-new'", "visitor_name = 'Ada L.'",
                "agent_id = 'a-new'", "agent_name = 'Grace H.'", "subject = 'a new subject'",
                "created_at = created_at - interval '1 second'", "ended_at = now()", "first_response_at = now()",
                "message_count = message_count + 1", "last_message_at = now() - interval '1 second'",
                "updated_at = now() - interval '1 day'", "priority = priority + 1");
        for (String assignment : assignments) {
            assertDetected(() -> db.execute("UPDATE chat_sessions SET " + assignment + " WHERE session_id = 'm1'"));
        }
    }

    @Test
    void contentDetectionStaysQuietWhenOnlyAnUnmappedColumnChanges() {
        SessionFixtures.insertSession(db, "n1", "ended");
        startPolling(b -> b.detection(Detection.CONTENT));
        // archived_at is not mapped: no dashboard shows it, so no full read is spent on it.
        db.execute("UPDATE chat_sessions SET archived_at = now() WHERE session_id = 'n1'");
        assertQuiet();
    }

    @ParameterizedTest
    @EnumSource(value = Detection.class, names = {"CONTENT", "XMIN"})
    void detectsAChangeCommittedAfterAPollByATransactionThatBeganBeforeIt(Detection detection) throws SQLException {
        assertCommittedLaterIsCaught(detection, "");
    }

    @Test
    void updatedAtDetectionAlsoCatchesAChangeCommittedAfterAPollWithAnOlderUpdatedAt() throws SQLException {
        assertCommittedLaterIsCaught(Detection.UPDATED_AT, ", updated_at = now()");
    }

    /**
     * A transaction writes a row, a later one writes another and commits, polls see the later one (so any watermark,
     * by time or by transaction id, now lies beyond the open transaction's), and only then the first one commits.
     */
    private void assertCommittedLaterIsCaught(Detection detection, String alsoSet) throws SQLException {
        SessionFixtures.insertSession(db, "early", "waiting");
        SessionFixtures.insertSession(db, "late", "waiting");
        startPolling(b -> b.detection(detection));
        try (Connection early = db.connect()) {
            early.setAutoCommit(false);
            try (Statement st = early.createStatement()) {
                // Takes a transaction id and, with alsoSet, an updated_at older than the later write's.
                st.execute("UPDATE chat_sessions SET status = 'active'" + alsoSet + " WHERE session_id = 'early'");
            }
            assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'active'" + alsoSet + " WHERE session_id = 'late'"));
            // Polls run while the first transaction is open: nothing new is committed, nothing is reported.
            assertQuiet();
            assertDetected(() -> commit(early));
        }
    }

    private static void commit(Connection c) {
        try {
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Detection.class, names = {"CONTENT", "XMIN"})
    void detectsAChangeMadeInACommittedSubtransactionAndIgnoresARolledBackOne(Detection detection) throws SQLException {
        SessionFixtures.insertSession(db, "sub", "waiting");
        startPolling(b -> b.detection(detection));
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                Savepoint sp = c.setSavepoint();
                st.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'sub'");
                c.rollback(sp);
                c.commit();
                assertQuiet();

                sp = c.setSavepoint();
                st.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'sub'");
                c.releaseSavepoint(sp);
            }
            assertDetected(() -> commit(c));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Detection.class, names = {"CONTENT", "XMIN"})
    void staysQuietThroughVacuumFreezeAndCatchesTheNextChange(Detection detection) {
        SessionFixtures.insertSession(db, "fz", "waiting");
        db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'fz'");
        startPolling(b -> b.detection(detection));

        // Freezing marks the row versions' xmin as frozen (PostgreSQL 9.4+ keeps the raw xmin): content and the
        // xmin the XMIN mode reads stay, so there is nothing to report.
        db.executeScript("VACUUM (FREEZE) chat_sessions");
        assertQuiet();

        assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'ended', ended_at = now() WHERE session_id = 'fz'"));
    }

    @ParameterizedTest
    @EnumSource(value = Detection.class, names = {"CONTENT", "XMIN"})
    void detectsChangesBeyondTheNewestMaxSessionsSinceTheMetricsCountThem(Detection detection) {
        SessionFixtures.insertSession(db, "oldest", "waiting", Duration.ofHours(3));
        SessionFixtures.insertSession(db, "older", "waiting", Duration.ofHours(2));
        SessionFixtures.insertSession(db, "newer", "waiting", Duration.ofHours(1));
        startPolling(b -> b.detection(detection).table(SessionTable.builder().maxSessions(2).build()));

        // Not among the two shown, but the metrics (waitingNow, countsByStatus) change.
        assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'oldest'"));
        // A new session pushes "older" out of the newest two.
        assertDetected(() -> SessionFixtures.insertSession(db, "newest", "waiting", Duration.ofMinutes(1)));
    }

    @Test
    void updatedAtDetectionSeesOnlyUpdatesThatMoveUpdatedAt() {
        SessionFixtures.insertSession(db, "ua", "waiting");
        startPolling(b -> b.detection(Detection.UPDATED_AT));

        // The documented trade-off of the explicit cheap mode: a write that leaves updated_at alone is not seen.
        db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'ua'");
        assertQuiet();

        assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'ended', updated_at = now() WHERE session_id = 'ua'"));
        assertDetected(() -> SessionFixtures.insertSession(db, "ub", "waiting"));
        assertDetected(() -> SessionFixtures.deleteSession(db, "ua"));
    }

    @Test
    void xminDetectionAlsoReportsAWriteOfAnUnmappedColumn() {
        SessionFixtures.insertSession(db, "xu", "ended");
        startPolling(b -> b.detection(Detection.XMIN));
        // The documented price of not reading the columns: any new row version is a change.
        assertDetected(() -> db.execute("UPDATE chat_sessions SET archived_at = now() WHERE session_id = 'xu'"));
    }

    @Test
    void xminDetectionReportsAChangeUndoneBeforeTheNextPoll() {
        SessionFixtures.insertSession(db, "un", "waiting");
        startPolling(b -> { });
        // Both writes usually fall between two polls: the content is back where it was, the row versions are new.
        assertDetected(() -> {
            db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'un'");
            db.execute("UPDATE chat_sessions SET status = 'waiting' WHERE session_id = 'un'");
        });
    }

    @Test
    void theDefaultDetectionOnAViewDetectsByContentIncludingDataJoinedFromAnotherTable() {
        db.executeScript("CREATE TABLE IF NOT EXISTS visitors (visitor_id text PRIMARY KEY, name text NOT NULL);"
                + " DELETE FROM visitors; INSERT INTO visitors VALUES ('v-1', 'Ada');"
                + " CREATE OR REPLACE VIEW sessions_with_visitors AS SELECT s.session_id, s.status, s.visitor_id,"
                + " v.name AS visitor_name, s.agent_id, s.agent_name, s.subject, s.created_at, s.updated_at, s.ended_at,"
                + " s.first_response_at, s.message_count, s.last_message_at FROM chat_sessions s"
                + " LEFT JOIN visitors v ON v.visitor_id = s.visitor_id");
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_id) VALUES ('vw', 'waiting', 'v-1')");
        Logger logger = (Logger) LoggerFactory.getLogger(PollingChangeSource.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            startPolling(b -> b.table(SessionTable.builder().table("sessions_with_visitors").build()));
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).contains("sessions_with_visitors", "no xmin", "content"));
        } finally {
            logger.detachAppender(logs);
        }
        // A view has no xmin; its content shows the visitor's new name, which no write to chat_sessions made.
        assertDetected(() -> db.execute("UPDATE visitors SET name = 'Ada L.' WHERE visitor_id = 'v-1'"));
        assertDetected(() -> db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'vw'"));
        assertThat(listener.statuses()).isEmpty();
    }

    @Test
    void contentDetectionFallsBackToTheTextFormForAColumnTypeWithoutAHashFunction() {
        // money has no hash function, so hash_record_extended cannot hash the row (nor can it before PostgreSQL 14).
        db.executeScript("CREATE TABLE IF NOT EXISTS money_sessions (LIKE chat_sessions);"
                + " ALTER TABLE money_sessions ALTER COLUMN message_count TYPE money USING CAST(CAST(message_count AS numeric) AS money);"
                + " DELETE FROM money_sessions;"
                + " INSERT INTO money_sessions (session_id, status, created_at, updated_at, message_count) VALUES ('mo', 'waiting', now(), now(), 0)");
        startPolling(b -> b.detection(Detection.CONTENT).table(SessionTable.builder().table("money_sessions").build()));
        assertDetected(() -> db.execute("UPDATE money_sessions SET status = 'active' WHERE session_id = 'mo'"));
        assertThat(listener.statuses()).isEmpty();
    }

    @Test
    void countsEveryPollAndItsTimeAsProbes() {
        startPolling(b -> { });
        long first = source.stats().probes();
        assertThat(first).isPositive();
        await().atMost(DETECTION_DEADLINE).until(() -> source.stats().probes() >= first + 3);
        assertThat(source.stats().probeRoundTripNanos()).isPositive();
        assertThat(source.stats().lastProbeRoundTrip()).isPresent();
    }

    @Test
    void builtInQueriesAreTheDocumentedOnes() {
        SessionTable t = SessionTable.defaults();
        assertThat(PollingChangeSource.defaultDetectionQuery(t))
                .isEqualTo(PollingChangeSource.detectionQuery(t, Detection.XMIN))
                .contains("xmin");
        assertThat(PollingChangeSource.detectionQuery(t, Detection.CONTENT)).contains("hash_record_extended");
        assertThat(PollingChangeSource.detectionQuery(t, Detection.UPDATED_AT))
                .contains("max(\"updated_at\")");
    }

    @Test
    void ignoresChangesOutsideTheScope() {
        SessionFixtures.insertSession(db, "x1", "archived");
        startPolling(b -> { });

        SessionFixtures.addMessage(db, "x1");
        SessionFixtures.insertSession(db, "x2", "archived");
        SessionFixtures.deleteSession(db, "x1");

        assertQuiet();
    }

    @Test
    void customDetectionQueryDecidesWhatIsAChange() {
        SessionFixtures.insertSession(db, "c1", "waiting");
        startPolling(b -> b.detectionQuery("SELECT session_id, message_count FROM chat_sessions ORDER BY session_id"));

        SessionFixtures.updateStatus(db, "c1", "waiting"); // touches updated_at only: not part of this fingerprint
        assertQuiet();
        assertDetected(() -> SessionFixtures.addMessage(db, "c1"));
    }

    @Test
    void failingQueryLogsOnceReportsRecoveringKeepsPollingAndRecoversWithAResync() {
        Logger logger = (Logger) LoggerFactory.getLogger(PollingChangeSource.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try (PostgresServer server = PostgresServer.embedded(Map.of())) {
            TestDatabase own = server.createDatabase("polling_failure").installSchema();
            source = PollingChangeSource.builder(own.dataSource()).interval(INTERVAL).build();
            source.start(listener);
            await().atMost(DETECTION_DEADLINE).until(() -> listener.lines().contains("resync:polling started"));

            server.stop();

            // The recorded report, not the status field: the field is set just before the listener is told.
            await().atMost(DETECTION_DEADLINE).until(() -> String.valueOf(listener.last()).startsWith("status:RECOVERING"));
            assertThat(source.status()).isEqualTo(FeedStatus.RECOVERING);
            assertThat(listener.lines()).last().asString().startsWith("status:RECOVERING:polling query failed");
            // Several more failing polls: still one WARN, still one status report.
            await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> listener.statuses().size() == 1);
            assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1)
                    .first().satisfies(e -> assertThat(e.getFormattedMessage()).contains("\"chat_sessions\""));

            server.start();
            SessionFixtures.insertSession(own, "after-restart", "waiting");

            await().atMost(DETECTION_DEADLINE.plusSeconds(5)).until(() -> listener.lines().contains("resync:polling recovered"));
            assertThat(listener.lines()).containsSubsequence(
                    "resync:polling started", "status:LIVE:polling recovered", "resync:polling recovered");
            assertThat(source.status()).isEqualTo(FeedStatus.LIVE);
            assertThat(source.stats().reconnects()).isEqualTo(1);
            source.close();
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void suspendedFallbackReportsNothingUntilResumedThenItsActiveStatusAndAResync() {
        source = PollingChangeSource.builder(db.dataSource()).interval(INTERVAL).build();
        FallbackPoller fallback = FallbackPollers.of(source);
        fallback.startSuspended(listener, FeedStatus.DEGRADED);
        assertThat(fallback.isSuspended()).isTrue();
        SessionFixtures.insertSession(db, "s1", "waiting");
        assertQuiet();
        assertThat(listener.lines()).isEmpty();

        fallback.resume();

        await().atMost(DETECTION_DEADLINE).until(() -> listener.size() == 2);
        assertThat(listener.lines()).containsExactly("status:DEGRADED:polling resumed", "resync:polling resumed");
        assertDetected(() -> SessionFixtures.insertSession(db, "s2", "waiting"));

        fallback.suspend();
        int seen = listener.size();
        SessionFixtures.insertSession(db, "s3", "waiting");
        await().during(QUIET).atMost(QUIET.plusSeconds(2)).until(() -> listener.size() == seen);

        fallback.resume();
        await().atMost(DETECTION_DEADLINE).until(() -> listener.size() == seen + 2);
        assertThat(listener.lines().subList(seen, seen + 2))
                .containsExactly("status:DEGRADED:polling resumed", "resync:polling resumed");
    }

    @Test
    void keepsPollingWhenTheListenerThrows() {
        // The recorder counts the resyncs, then passes each on to a host listener with a bug.
        RecordingChangeListener resyncs = RecordingChangeListener.forwardingTo(new ChangeListener() {
            @Override
            public void onChange(ChangeSignal signal) {
            }

            @Override
            public void onResync(String reason) {
                throw new IllegalStateException("listener bug");
            }
        });
        source = PollingChangeSource.builder(db.dataSource()).interval(INTERVAL).build();
        source.start(resyncs);
        await().atMost(DETECTION_DEADLINE).until(() -> resyncs.resyncs().size() == 1);

        SessionFixtures.insertSession(db, "t1", "waiting");

        await().atMost(DETECTION_DEADLINE).until(() -> resyncs.resyncs().size() == 2);
    }

    @Test
    void runsOnANamedDaemonThreadAndCloseIsIdempotentAndJoinsIt() {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        startPolling(b -> { });
        Thread poller = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("sessionfeed-poller")).findFirst().orElseThrow();
        assertThat(poller.isDaemon()).isTrue();
        source.close();
        assertThat(poller.isAlive()).isFalse();
        source.close();

        PollingChangeSource custom = PollingChangeSource.builder(db.dataSource()).interval(INTERVAL)
                .threadFactory(r -> {
                    Thread t = new Thread(r, "host-poller");
                    t.setDaemon(true);
                    threads.add(t);
                    return t;
                }).build();
        custom.start(new RecordingChangeListener());
        assertThatThrownBy(() -> custom.start(new RecordingChangeListener()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        custom.close();
        assertThat(threads).hasSize(1).allSatisfy(t -> assertThat(t.isAlive()).isFalse());
        assertThatThrownBy(() -> custom.start(new RecordingChangeListener()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void rejectsBadConfigurationNamingPropertyAndValue() {
        PollingChangeSource.Builder b = PollingChangeSource.builder(db.dataSource());
        assertThatThrownBy(() -> b.interval(Duration.ofMillis(49)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval").hasMessageContaining("49ms");
        assertThatThrownBy(() -> b.interval(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval").hasMessageContaining("PT2H");
        assertThatThrownBy(() -> b.interval(null)).isInstanceOf(NullPointerException.class).hasMessage("interval");
        assertThatThrownBy(() -> b.queryTimeout(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queryTimeout").hasMessageContaining("10ms");
        assertThatThrownBy(() -> b.detectionQuery(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detectionQuery");
        assertThatThrownBy(() -> b.detectionQuery("SELECT 1;"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("detectionQuery").hasMessageContaining("SELECT 1;");
        // The fallback personality's active status (internal: pg-listener passes DEGRADED).
        assertThatThrownBy(() -> FallbackPollers.of(b.build()).startSuspended(new RecordingChangeListener(), FeedStatus.RECOVERING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("activeStatus").hasMessageContaining("RECOVERING");
        assertThatThrownBy(() -> FallbackPollers.of(b.build()).startSuspended(new RecordingChangeListener(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("activeStatus");
        assertThatThrownBy(() -> b.threadFactory(null)).isInstanceOf(NullPointerException.class).hasMessage("threadFactory");
        assertThatThrownBy(() -> b.table(null)).isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> b.detection(null)).isInstanceOf(NullPointerException.class).hasMessage("detection");
        assertThatThrownBy(() -> PollingChangeSource.detectionQuery(null, Detection.CONTENT))
                .isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> PollingChangeSource.detectionQuery(SessionTable.defaults(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("detection");
        assertThatThrownBy(() -> PollingChangeSource.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("dataSource");
        assertThatThrownBy(() -> b.build().start(null)).isInstanceOf(NullPointerException.class).hasMessage("listener");
    }
}
