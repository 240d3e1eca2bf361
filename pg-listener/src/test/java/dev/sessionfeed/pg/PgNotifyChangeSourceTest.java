package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.testkit.RecordingChangeListener;
import dev.sessionfeed.testkit.RecordingChangeListener.Event;
import dev.sessionfeed.testkit.RecordingChangeListener.Kind;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PgNotifyChangeSourceTest extends PgTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RecordingChangeListener listener = new RecordingChangeListener();
    private PgNotifyChangeSource source;

    PgNotifyChangeSourceTest(TestDatabase db) {
        super(db);
    }

    @AfterEach
    void closeSource() {
        if (source != null) {
            source.close();
        }
    }

    private PgNotifyChangeSource startLive(PgNotifyChangeSource.Builder b) {
        source = b.build();
        source.start(listener);
        // The recorded report, not the status field: the field is set just before the listener is told.
        await().atMost(WAIT).until(() -> listener.statuses().contains(FeedStatus.LIVE));
        return source;
    }

    @Test
    void insertUpdateAndDeleteEachReachTheListener() {
        startLive(sourceBuilder());
        assertThat(listener.resyncs()).containsExactly("listener connected");
        assertThat(listener.statuses()).containsExactly(FeedStatus.LIVE);
        long before = System.nanoTime();
        db.execute("INSERT INTO chat_sessions (session_id) VALUES ('c-1')");
        db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'c-1'");
        db.execute("DELETE FROM chat_sessions WHERE session_id = 'c-1'");
        await().atMost(WAIT).until(() -> listener.signals().size() >= 3);
        assertThat(listener.signals()).extracting(ChangeSignal::action, ChangeSignal::sessionId).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ChangeAction.INSERT, "c-1"),
                org.assertj.core.groups.Tuple.tuple(ChangeAction.UPDATE, "c-1"),
                org.assertj.core.groups.Tuple.tuple(ChangeAction.DELETE, "c-1"));
        assertThat(listener.signals()).allSatisfy(s -> assertThat(s.receivedNanos()).isGreaterThan(before));
        assertThat(source.stats().received()).isEqualTo(3);
        assertThat(source.stats().rejected()).isZero();
    }

    @Test
    void truncateAndStatementNoticesReachTheListener() {
        startLive(sourceBuilder());
        db.execute("TRUNCATE chat_sessions");
        await().atMost(WAIT).until(() -> listener.signals().stream().anyMatch(s -> s.action() == ChangeAction.TRUNCATE));
        db.executeScript("SELECT pg_notify('chat_session_change', '{\"action\":\"RESYNC\"}')");
        await().atMost(WAIT).until(() -> listener.resyncs().size() == 2);
        assertThat(source.stats().rejected()).isZero();
    }

    @Test
    void manyChangesInOneTransactionAllArrive() throws Exception {
        startLive(sourceBuilder());
        insertInOneTransaction("INSERT INTO chat_sessions (session_id) VALUES (?)", "tx-", 200);
        await().atMost(WAIT).until(() -> listener.signals().size() == 200);
        assertThat(listener.signals()).extracting(ChangeSignal::sessionId).doesNotHaveDuplicates();
    }

    @Test
    void reconnectsExactlyOnceWhenTheListenerIsTerminatedMidBurst() throws Exception {
        startLive(sourceBuilder());
        int pid = source.stats().backendPid();
        assertThat(pid).isPositive();
        db.execute("INSERT INTO chat_sessions (session_id) SELECT 'b-' || g FROM generate_series(1, 10) g");
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("UPDATE chat_sessions SET message_count = message_count + 1 WHERE session_id = ?")) {
            for (int i = 0; i < 400; i++) {
                ps.setString(1, "b-" + (i % 10 + 1));
                ps.executeUpdate();
                if (i == 150) {
                    assertThat(db.queryForLong("SELECT pg_terminate_backend(?)::int", pid)).isEqualTo(1);
                }
            }
        }
        await().atMost(WAIT).until(() -> source.status() == FeedStatus.LIVE && source.stats().reconnects() == 1);
        db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'b-1'");
        await().atMost(WAIT).until(() -> listener.signals().stream().anyMatch(s -> s.action() == ChangeAction.UPDATE
                && "b-1".equals(s.sessionId()) && listener.events().indexOf(new Event(Kind.CHANGE, s, null, null)) > lastResyncIndex()));
        assertThat(source.stats().reconnects()).isEqualTo(1);
        assertThat(source.stats().backendPid()).isNotEqualTo(pid);
        // Own resyncs: one per connect (the polling fallback adds its own while it runs).
            assertThat(listener.resyncs()).filteredOn(r -> r.startsWith("listener")).hasSize(2).last().asString().contains("reconnected");
        // Status went away from LIVE while disconnected and came back.
        assertThat(listener.statuses()).first().isEqualTo(FeedStatus.LIVE);
        assertThat(listener.statuses()).last().isEqualTo(FeedStatus.LIVE);
        assertThat(listener.statuses()).contains(FeedStatus.RECOVERING);
        assertThat(listenConnections()).isEqualTo(1);
    }

    private int lastResyncIndex() {
        List<Event> events = listener.events();
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).kind() == Kind.RESYNC) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void forgedNotificationsFromAnotherRoleCauseResyncsNotData() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("dev.sessionfeed.pg.PgNotifyChangeSource");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            startLive(sourceBuilder());
            db.execute("INSERT INTO chat_sessions (session_id, status) VALUES ('f-1', 'waiting')");
            await().atMost(WAIT).until(() -> listener.sawSignalFor("f-1"));
            String[] forged = {
                "garbage",
                "{\"action\":\"UPDATE\",\"session_id\":\"f-1\",\"status\":\"" + "x".repeat(7999 - 50) + "\"}",
                "{\"action\":\"DROP\",\"session_id\":\"f-1\"}",
                "{\"action\":\"UPDATE\",\"session_id\":\"f-1\",\"row\":{\"status\":\"ended\"}}",
            };
            try (ForgedNotify forger = ForgedNotify.open(db)) {
                int expectedRejected = 0;
                for (String payload : forged) {
                    assertThat(payload.length()).isLessThan(8000);
                    forger.send(payload);
                    int n = ++expectedRejected;
                    await().atMost(WAIT).until(() -> source.stats().rejected() == n);
                }
                // A well-formed payload whose status contradicts the row: only the id is passed on, to be re-read.
                forger.send("{\"action\":\"UPDATE\",\"session_id\":\"f-1\",\"status\":\"archived\"}");
            }
            await().atMost(WAIT).until(() -> listener.signals().size() == 2);
            assertThat(listener.signals().get(1)).satisfies(s -> {
                assertThat(s.action()).isEqualTo(ChangeAction.UPDATE);
                assertThat(s.sessionId()).isEqualTo("f-1");
            });
            assertThat(source.stats().rejected()).isEqualTo(4);
            assertThat(listener.resyncs()).hasSize(1 + 4).allSatisfy(r -> assertThat(r).isIn("listener connected", "rejected notification payload"));
            assertThat(source.status()).isEqualTo(FeedStatus.LIVE);
            List<ILoggingEvent> warnings = appender.list.stream()
                    .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("rejected")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getFormattedMessage()).contains("garbage".length() > 0 ? "not strict JSON" : "");
        } finally {
            log.detachAppender(appender);
        }
    }

    @Test
    void quotedMixedCaseChannelMatchesTheTrigger() {
        PgTriggerInstaller installer = PgTriggerInstaller.builder().channel("Mixed$Case").functionName("sf_mixed").build();
        installer.install(db.dataSource());
        try {
            startLive(sourceBuilder().channel("Mixed$Case").trigger(installer)); // custom function name: say which trigger to check
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('m-1')");
            await().atMost(WAIT).until(() -> listener.sawSignalFor("m-1"));
        } finally {
            installer.uninstall(db.dataSource());
            PgTriggerInstaller.defaults().install(db.dataSource());
        }
    }

    @Test
    void closeIsPromptIdempotentAndLeavesNoThreadOrConnection() {
        startLive(sourceBuilder());
        assertThat(threadsNamed(PgNotifyChangeSource.THREAD_NAME)).isEqualTo(1);
        assertThat(listenConnections()).isEqualTo(1);
        long t0 = System.nanoTime();
        source.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        source.close();
        LoggerFactory.getLogger(getClass()).info("close() took {} ms", closeMillis);
        assertThat(threadsNamed(PgNotifyChangeSource.THREAD_NAME)).isZero();
        assertThat(threadsNamed("sessionfeed-poller")).as("the fallback this source created").isZero();
        await().atMost(WAIT).until(() -> listenConnections() == 0);
        assertThat(source.status()).isEqualTo(FeedStatus.RECOVERING);
        assertThatThrownBy(() -> source.start(listener)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void startTwiceIsRejectedAndCloseBeforeStartIsFine() {
        PgNotifyChangeSource unstarted = sourceBuilder().build();
        unstarted.close();
        startLive(sourceBuilder());
        assertThatThrownBy(() -> source.start(listener)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
    }

    @Test
    void usesTheInjectedThreadFactoryAndDataSource() {
        AtomicInteger made = new AtomicInteger();
        startLive(PgNotifyChangeSource.builder(db.dataSource()).threadFactory(r -> {
            made.incrementAndGet();
            Thread t = new Thread(r, "host-listener");
            t.setDaemon(true);
            return t;
        }));
        // The listener thread, its watchdog and the default fallback's polling thread.
        assertThat(made).hasValue(3);
        assertThat(threadsNamed("host-listener")).isEqualTo(3);
        assertThat(listenConnections()).isEqualTo(1);
        db.execute("INSERT INTO chat_sessions (session_id) VALUES ('d-1')");
        await().atMost(WAIT).until(() -> listener.sawSignalFor("d-1"));
    }

    @Test
    void reportsProbeRoundTripAndQueueUsage() {
        startLive(sourceBuilder().probeInterval(Duration.ofMillis(100)).queueCheckInterval(Duration.ofMillis(100)));
        await().atMost(WAIT).until(() -> source.stats().lastProbeRoundTrip().isPresent() && source.stats().notificationQueueUsage().isPresent());
        assertThat(source.stats().notificationQueueUsage().getAsDouble()).isBetween(0.0, 1.0);
        LoggerFactory.getLogger(getClass()).info("probe round trip {} us", source.stats().lastProbeRoundTrip().get().toNanos() / 1000);
    }

    @Test
    void warnsWhenTheNotificationQueueFillsUp() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("dev.sessionfeed.pg.PgNotifyChangeSource");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        // A listener stuck in an open transaction keeps the queue from being trimmed, as in production.
        try (Connection stuck = db.connect(); Connection sender = db.connect()) {
            try (java.sql.Statement st = stuck.createStatement()) {
                st.execute("LISTEN queue_filler");
                stuck.setAutoCommit(false);
                st.execute("SELECT 1");
            }
            try (java.sql.Statement st = sender.createStatement()) {
                st.execute("SELECT pg_notify('queue_filler', repeat('x', 4000) || g) FROM generate_series(1, 200) g");
            }
            startLive(sourceBuilder().queueCheckInterval(Duration.ofMillis(100)).queueUsageWarnThreshold(1e-9));
            await().atMost(WAIT).until(() -> source.stats().notificationQueueUsage().orElse(0) > 0);
            await().atMost(WAIT).until(() -> appender.list.stream()
                    .anyMatch(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("notification queue")));
            stuck.rollback();
        } finally {
            log.detachAppender(appender);
        }
    }

    @Test
    void rejectsHostileAndInvalidConfigurationNamingPropertyAndValue() {
        assertThatThrownBy(() -> sourceBuilder().channel("x\"; DROP TABLE chat_sessions; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel").hasMessageContaining("DROP TABLE");
        assertThatThrownBy(() -> sourceBuilder().channel("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> sourceBuilder().pollTimeout(Duration.ZERO))
                .hasMessageStartingWith("pollTimeout must be between 10ms and").hasMessageEndingWith("was 0ms");
        assertThatThrownBy(() -> sourceBuilder().probeDeadline(Duration.ofMillis(5))).hasMessageContaining("probeDeadline").hasMessageContaining("5ms");
        assertThatThrownBy(() -> sourceBuilder().reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("reconnectBackoff.max").hasMessageContaining("was 1000ms");
        assertThatThrownBy(() -> sourceBuilder().queueUsageWarnThreshold(1.5)).hasMessageContaining("queueUsageWarnThreshold").hasMessageContaining("1.5");
        assertThatThrownBy(() -> sourceBuilder().maxPayloadLength(9000)).hasMessage("maxPayloadLength must be between 64 and 7999, was 9000");
        assertThatThrownBy(() -> sourceBuilder().applicationName("a\nb")).hasMessageContaining("applicationName");
        assertThatThrownBy(() -> PgNotifyChangeSource.builder("jdbc:mysql://h/db?password=secret", "u", "p"))
                .hasMessageContaining("jdbcUrl").hasMessageContaining("jdbc:mysql://h/db").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> sourceBuilder().threadFactory(null)).isInstanceOf(NullPointerException.class).hasMessage("threadFactory");
    }

    static long threadsNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).count();
    }
}
