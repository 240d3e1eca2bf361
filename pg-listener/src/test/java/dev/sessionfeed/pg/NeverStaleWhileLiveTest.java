package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.testkit.RecordingChangeListener;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, items 8 and 10: a listener whose trigger is gone must not say {@code live} (LISTEN and the probes still
 * work, yet no change arrives), and the status reason dashboards see never carries the driver's text.
 */
@SessionFeedPostgres
class NeverStaleWhileLiveTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final TestDatabase db;
    private Logger log;
    private ListAppender<ILoggingEvent> appender;

    NeverStaleWhileLiveTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        PgTriggerInstaller.defaults().install(db.dataSource());
        SessionFixtures.deleteAll(db);
        log = (Logger) LoggerFactory.getLogger("dev.sessionfeed.pg.PgNotifyChangeSource");
        appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
    }

    @AfterEach
    void tearDown() {
        log.detachAppender(appender);
    }

    @Test
    void aDroppedTriggerTurnsTheStatusDegradedOnPollingWithOneErrorAndLiveAgainWhenReinstalled() {
        RecordingChangeListener seen = new RecordingChangeListener();
        PgNotifyChangeSource source = PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                .queueCheckInterval(Duration.ofMillis(200))
                .fallbackInterval(Duration.ofMillis(100))
                .build();
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(db.dataSource()).build();
        try (SessionFeed feed = SessionFeed.builder(snapshots, seen.tap(source)).build()) {
            feed.start();
            await().atMost(WAIT).until(() -> feed.status() == FeedStatus.LIVE);

            PgTriggerInstaller.defaults().uninstall(db.dataSource());
            await().atMost(WAIT).until(() -> feed.status() == FeedStatus.DEGRADED);
            assertThat(feed.statusReason()).isEqualTo("change trigger missing on the sessions table; polling fallback active");
            SessionFixtures.insertSession(db, "seen-by-polling", "waiting");
            await().atMost(WAIT).until(() -> shows(feed, "seen-by-polling"));
            assertThat(feed.status()).isEqualTo(FeedStatus.DEGRADED);

            PgTriggerInstaller.defaults().install(db.dataSource());
            await().atMost(WAIT).until(() -> feed.status() == FeedStatus.LIVE);
            assertThat(feed.statusReason()).isEqualTo("listening for changes");
            assertThat(seen.resyncs()).contains("change trigger restored");
            SessionFixtures.insertSession(db, "seen-by-notify", "waiting");
            await().atMost(WAIT).until(() -> shows(feed, "seen-by-notify"));

            assertThat(errors()).hasSize(1).allSatisfy(m -> assertThat(m).contains("trigger").contains("missing"));
        }
    }

    @Test
    void anOutdatedTriggerIsNotLiveEither() {
        db.execute("DROP TRIGGER sessionfeed_notify_row ON chat_sessions"); // the TRUNCATE trigger is left
        try (PgNotifyChangeSource source = PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                .queueCheckInterval(Duration.ofMillis(200)).fallbackInterval(Duration.ofMillis(100)).build()) {
            RecordingChangeListener seen = new RecordingChangeListener();
            source.start(seen);
            await().atMost(WAIT).until(() -> source.status() == FeedStatus.DEGRADED);
            assertThat(source.statusReason()).startsWith("change trigger outdated");
            assertThat(seen.statuses()).doesNotContain(FeedStatus.LIVE);
        }
    }

    @Test
    void theStatusReasonNeverCarriesDriverTextHostOrPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed when the source connects: "Connection to 127.0.0.1:<port> refused"
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + db.databaseName();
        RecordingChangeListener seen = new RecordingChangeListener();
        try (PgNotifyChangeSource source = PgNotifyChangeSource.builder(url, db.user(), db.password())
                .reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .fallbackInterval(Duration.ofMillis(100)).build()) {
            source.start(seen);
            await().atMost(WAIT).until(() -> source.statusReason().contains("failing"));
            List<String> reasons = seen.events().stream().map(RecordingChangeListener.Event::reason).filter(r -> r != null).toList();
            reasons = new java.util.ArrayList<>(reasons);
            reasons.add(source.statusReason());
            assertThat(reasons).isNotEmpty().allSatisfy(r -> assertThat(r)
                    .doesNotContain("127.0.0.1").doesNotContain(String.valueOf(port)).doesNotContain("Exception")
                    .doesNotContain("refused").doesNotContain(db.databaseName()));
            assertThat(source.statusReason()).isEqualTo("listener disconnected; polling fallback failing");
        }
        // The details are in the server log.
        assertThat(appender.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(String.valueOf(port)));
    }

    private List<String> errors() {
        return appender.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static boolean shows(SessionFeed feed, String id) {
        Predicate<ChatSession> match = s -> s.id().equals(id);
        return feed.current().sessions().stream().anyMatch(match);
    }
}
