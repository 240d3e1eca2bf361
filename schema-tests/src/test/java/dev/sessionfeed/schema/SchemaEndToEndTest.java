package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The feed's end-to-end checks against each {@link Schema}, on real PostgreSQL: a live change through the NOTIFY
 * trigger, commands, resume from a replay window, the NOTIFY source after its listener connection is killed, and
 * polling that sees a status-only UPDATE. Each check gets a fresh database.
 */
class SchemaEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> open = new ArrayList<>();
    private TestDatabase db;
    private SessionFeed feed;
    private FeedStateClient client;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private JdbcSnapshotBuilder setUp(Schema schema) {
        db = PostgresServer.shared().createDatabase("schema_" + schema.name().toLowerCase(java.util.Locale.ROOT));
        schema.install(db);
        SessionTable table = schema.table();
        PgTriggerInstaller.builder().table(table).build().install(db.dataSource());
        // Verified at start-up, as a host would: the mapping fits and the key type is the schema's.
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(db.dataSource()).table(table).build().verify();
        assertThat(snapshots.keyType()).contains(schema.key);
        return snapshots;
    }

    private PgNotifyChangeSource notifySource(Schema schema) {
        return PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password()).table(schema.table())
                .trigger(PgTriggerInstaller.builder().table(schema.table()).build())
                .probeInterval(Duration.ofMillis(500)).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .build();
    }

    private void startFeed(JdbcSnapshotBuilder snapshots, SessionChangeSource source) {
        feed = SessionFeed.builder(snapshots, source).build();
        open.add(feed);
        feed.start();
        client = FeedStateClient.attach(feed);
        await().atMost(WAIT).until(() -> feed.status() == FeedStatus.LIVE);
    }

    private void awaitStatus(String id, String status) {
        await().atMost(WAIT).untilAsserted(() -> {
            ChatSession s = client.sessions().get(id);
            assertThat(s).as("session %s on the dashboard", id).isNotNull();
            assertThat(s.status()).isEqualTo(status);
        });
    }

    private void awaitClientEqualsTable(JdbcSnapshotBuilder snapshots) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.differencesFrom(FeedStateClient.readDatabase(snapshots))).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void aLiveChangeReachesTheDashboard(Schema schema) {
        JdbcSnapshotBuilder snapshots = setUp(schema);
        startFeed(snapshots, notifySource(schema));

        String id = schema.insert(db, "waiting", "refund");
        awaitStatus(id, "waiting");
        schema.setStatusOnly(db, id, "active");
        awaitStatus(id, "active");

        ChatSession shown = client.sessions().get(id);
        assertThat(shown.visitorName()).isEqualTo("Ada");
        assertThat(shown.subject()).isEqualTo("refund");
        awaitClientEqualsTable(snapshots);
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void endAndArchiveCommandsChangeTheRowAndTheDashboard(Schema schema) {
        JdbcSnapshotBuilder snapshots = setUp(schema);
        JdbcCommandHandler handler = schema.handler(JdbcCommandHandler.builder(db.dataSource()).table(schema.table())).build();
        if (schema != Schema.SHIPPED) {
            handler.installTable();   // the commands table, with session_id of the schema's key type
        }
        handler.verify();
        startFeed(snapshots, notifySource(schema));
        String id = schema.insert(db, "active", "refund");
        awaitStatus(id, "active");

        assertThat(handler.handle(new SessionCommand("c-1", "end_session", id, Map.of()), "admin").outcome()).isEqualTo("ended");
        assertThat(schema.storedStatus(db, id)).isEqualTo("ended");
        awaitStatus(id, "ended");
        assertThat(client.sessions().get(id).endedAt()).isNotNull();

        assertThat(handler.handle(new SessionCommand("c-2", "archive_session", id, Map.of()), "admin").outcome()).isEqualTo("archived");
        assertThat(schema.storedStatus(db, id)).isEqualTo("archived");
        await().atMost(WAIT).until(() -> !client.sessions().containsKey(id));

        // A resent command is answered from the commands table, once.
        assertThat(handler.handle(new SessionCommand("c-1", "end_session", id, Map.of()), "admin").replayed()).isTrue();
        // An id that no row of this key type can have is an unknown session, never an internal error.
        String foreign = schema == Schema.SHIPPED ? "no-such-session" : "not-a-" + schema.key.sqlType();
        assertThatThrownBy(() -> handler.handle(new SessionCommand("c-3", "end_session", foreign, Map.of()), "admin"))
                .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.NOT_FOUND));
        awaitClientEqualsTable(snapshots);
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void aClientResumingWithinTheWindowGetsTheMissedChanges(Schema schema) {
        JdbcSnapshotBuilder snapshots = setUp(schema);
        String first = schema.insert(db, "waiting", "one");
        startFeed(snapshots, notifySource(schema));
        awaitStatus(first, "waiting");
        Snapshot seen = feed.current();

        schema.setStatusOnly(db, first, "active");
        String second = schema.insert(db, "waiting", "two");
        awaitStatus(first, "active");
        awaitStatus(second, "waiting");

        Replay replay = feed.replaySince(seen.epoch(), seen.seq());
        assertThat(replay.full()).isFalse();
        Set<String> upserted = new java.util.HashSet<>();
        for (SessionDelta d : replay.deltas()) {
            d.upserted().forEach(s -> upserted.add(s.id()));
        }
        assertThat(upserted).contains(first, second);
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void theNotifySourceCatchesUpAfterItsListenerIsKilled(Schema schema) {
        JdbcSnapshotBuilder snapshots = setUp(schema);
        PgNotifyChangeSource source = notifySource(schema);
        startFeed(snapshots, source);
        String id = schema.insert(db, "waiting", "kill");
        awaitStatus(id, "waiting");

        int pid = source.stats().backendPid();
        assertThat(db.queryForLong("SELECT pg_terminate_backend(?)::int", pid)).isEqualTo(1);
        // Written while no one listens: the reconnect's resync must bring it.
        schema.setStatusOnly(db, id, "active");
        String later = schema.insert(db, "waiting", "after");

        awaitStatus(id, "active");
        awaitStatus(later, "waiting");
        await().atMost(WAIT).until(() -> source.stats().backendPid() != pid && feed.status() == FeedStatus.LIVE);
        schema.setStatusOnly(db, later, "active");
        awaitStatus(later, "active");
        awaitClientEqualsTable(snapshots);
    }

    @ParameterizedTest
    @EnumSource(Schema.class)
    void pollingCatchesAStatusOnlyUpdate(Schema schema) {
        JdbcSnapshotBuilder snapshots = setUp(schema);
        String id = schema.insert(db, "waiting", "poll");
        startFeed(snapshots, PollingChangeSource.builder(db.dataSource()).table(schema.table()).interval(Duration.ofMillis(200)).build());
        awaitStatus(id, "waiting");

        schema.setStatusOnly(db, id, "active");

        awaitStatus(id, "active");
        awaitClientEqualsTable(snapshots);
    }
}
