package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End to end on the real feed engine over a real PostgreSQL (testkit), on every container: two feeds (two
 * "nodes") on one database, each with its own endpoint in its own server. A change committed to the table and
 * signalled (as NOTIFY would) reaches admins of both nodes; a command on node A is acknowledged and seen by an
 * admin on node B; a reconnecting admin resumes with only the missed delta.
 */
@SessionFeedPostgres
class RealFeedEndToEndTest {

    private static final String ORIGIN = ContainerCompatibilityKit.ORIGIN;

    @BeforeAll
    static void schema(TestDatabase db) {
        db.installSchema();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat", "tyrus", "undertow"})
    void twoNodesOnOnePostgresConvergeAfterChangesAndCommands(String container, TestDatabase db) throws Exception {
        String prefix = container + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name, subject) VALUES (?, 'waiting', 'Vera', 'refund')",
                prefix + "s1");
        List<ManualChangeSource> sources = new CopyOnWriteArrayList<>();
        ManualChangeSource sourceA = new ManualChangeSource();
        ManualChangeSource sourceB = new ManualChangeSource();
        sources.add(sourceA);
        sources.add(sourceB);
        PgCommands commandsA = new PgCommands(db.dataSource(), sources);
        PgCommands commandsB = new PgCommands(db.dataSource(), sources);
        try (SessionFeed nodeA = SessionFeed.builder(new PgSnapshots(db.dataSource(), prefix), sourceA).build();
             SessionFeed nodeB = SessionFeed.builder(new PgSnapshots(db.dataSource(), prefix), sourceB).build()) {
            nodeA.start();
            nodeB.start();
            try (SessionFeedEndpoint endpointA = SessionFeedEndpoint.create(nodeA, options(commandsA));
                 SessionFeedEndpoint endpointB = SessionFeedEndpoint.create(nodeB, options(commandsB));
                 ContainerCompatibilityKit.RunningServer serverA = start(container, endpointA);
                 ContainerCompatibilityKit.RunningServer serverB = start(container, endpointB);
                 FeedWebSocketClient adminA = connect(serverA, "admin");
                 FeedWebSocketClient viewerB = connect(serverB, "viewer")) {

                adminA.subscribe(true);
                viewerB.subscribe(false);
                JsonNode stateA = adminA.awaitType("session_update");
                assertThat(ContainerCompatibilityKit.containsSession(stateA, prefix + "s1", "waiting")).isTrue();
                viewerB.await(m -> ContainerCompatibilityKit.isType(m, "session_update")
                        && ContainerCompatibilityKit.containsSession(m, prefix + "s1", "waiting"), "node B's state");

                // A change committed by the application, signalled to both nodes.
                db.execute("INSERT INTO chat_sessions (session_id, status, subject) VALUES (?, 'active', 'new')", prefix + "s2");
                sources.forEach(s -> s.changed(prefix + "s2"));
                JsonNode delta = adminA.await(m -> ContainerCompatibilityKit.isType(m, "session_delta")
                        && m.path("data").path("upserted").toString().contains(prefix + "s2"), "delta on node A");
                long seqAfterInsert = delta.path("seq").asLong();
                viewerB.await(m -> ContainerCompatibilityKit.isType(m, "session_update")
                        && ContainerCompatibilityKit.containsSession(m, prefix + "s2", "active"), "full update on node B");

                // A command on node A: acknowledged there, seen on node B.
                adminA.send(Map.of("type", "command", "id", prefix + "cmd1", "action", "end_session", "sessionId", prefix + "s1"));
                JsonNode ack = adminA.awaitType("ack");
                assertThat(ack.path("result").path("outcome").asText()).isEqualTo("ended");
                assertThat(ack.path("seq").asLong()).isGreaterThan(seqAfterInsert);
                viewerB.await(m -> ContainerCompatibilityKit.isType(m, "session_update")
                        && ContainerCompatibilityKit.containsSession(m, prefix + "s1", "ended"), "the command's effect on node B");
                adminA.send(Map.of("type", "command", "id", prefix + "cmd1", "action", "end_session", "sessionId", prefix + "s1"));
                adminA.await(m -> ContainerCompatibilityKit.isType(m, "ack") && m.path("result").path("replayed").asBoolean(),
                        "the replayed ack");
                assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands WHERE command_id = ?", prefix + "cmd1"))
                        .isEqualTo(1);

                // Resume on node A: only the missed delta. The admin reconnects and applies it to the state it kept
                // (a client without that state would take the delta for a gap and ask for a resync).
                long lastSeq = nodeA.current().seq();
                org.awaitility.Awaitility.await("admin A holds seq " + lastSeq).atMost(java.time.Duration.ofSeconds(15))
                        .until(() -> adminA.seq() == lastSeq);
                adminA.abort();
                db.execute("UPDATE chat_sessions SET message_count = 5, updated_at = now() WHERE session_id = ?", prefix + "s2");
                sources.forEach(s -> s.changed(prefix + "s2"));
                awaitSeq(nodeA, lastSeq + 1);
                int resumedFrom = adminA.frameCount();
                adminA.connect().join();
                adminA.send(Map.of("type", "subscribe", "channel", "admin-chat-updates", "deltas", true,
                        "epoch", nodeA.epoch(), "lastSeq", lastSeq));
                JsonNode missed = adminA.awaitType(resumedFrom, "session_delta");
                assertThat(missed.path("prevSeq").asLong()).isEqualTo(lastSeq);
                assertThat(missed.path("data").path("upserted").get(0).path("messageCount").asInt()).isEqualTo(5);
                adminA.awaitType(resumedFrom, "status");
                List<JsonNode> again = adminA.frames();
                assertThat(again.subList(resumedFrom, again.size()))
                        .noneMatch(m -> ContainerCompatibilityKit.isType(m, "session_update"));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat", "tyrus", "undertow"})
    void shippedJdbcPartsKeepTwoNodesInSync(String container, TestDatabase db) throws Exception {
        String prefix = "jdbc-" + container + "-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        try (SessionFeed nodeA = jdbcFeed(db);
             SessionFeed nodeB = jdbcFeed(db)) {
            nodeA.start();
            nodeB.start();
            try (SessionFeedEndpoint endpointA = SessionFeedEndpoint.create(nodeA,
                         options(dev.sessionfeed.jdbc.JdbcCommandHandler.builder(db.dataSource()).build()));
                 SessionFeedEndpoint endpointB = SessionFeedEndpoint.create(nodeB,
                         options(dev.sessionfeed.jdbc.JdbcCommandHandler.builder(db.dataSource()).build()));
                 ContainerCompatibilityKit.RunningServer serverA = start(container, endpointA);
                 ContainerCompatibilityKit.RunningServer serverB = start(container, endpointB);
                 FeedWebSocketClient adminA = connect(serverA, "admin");
                 FeedWebSocketClient viewerB = connect(serverB, "viewer")) {
                adminA.subscribe(true);
                viewerB.subscribe(false);
                adminA.awaitType("status");
                viewerB.awaitType("status");

                // Committed by the application; both nodes' polling sources notice.
                db.execute("INSERT INTO chat_sessions (session_id, status, subject) VALUES (?, 'waiting', 'polled')", prefix + "p1");
                adminA.await(m -> ContainerCompatibilityKit.isType(m, "session_delta")
                        && m.path("data").path("upserted").toString().contains(prefix + "p1"), "delta on node A");
                viewerB.await(m -> ContainerCompatibilityKit.isType(m, "session_update")
                        && ContainerCompatibilityKit.containsSession(m, prefix + "p1", "waiting"), "update on node B");

                // end_session through JdbcCommandHandler on node A; node B converges.
                adminA.send(Map.of("type", "command", "id", prefix + "end", "action", "end_session", "sessionId", prefix + "p1"));
                JsonNode ack = adminA.await(m -> ContainerCompatibilityKit.isType(m, "ack")
                        && m.path("id").asText().equals(prefix + "end"), "ack");
                assertThat(ack.path("result").path("replayed").asBoolean()).isFalse();
                viewerB.await(m -> ContainerCompatibilityKit.isType(m, "session_update")
                        && ContainerCompatibilityKit.containsSession(m, prefix + "p1", "ended"), "ended on node B");
                int from = adminA.frameCount();
                adminA.send(Map.of("type", "command", "id", prefix + "end", "action", "end_session", "sessionId", prefix + "p1"));
                assertThat(adminA.awaitType(from, "ack").path("result").path("replayed").asBoolean()).isTrue();
                adminA.send(Map.of("type", "command", "id", prefix + "nf", "action", "end_session", "sessionId", prefix + "missing"));
                assertThat(adminA.await(m -> ContainerCompatibilityKit.isType(m, "error")
                        && m.path("id").asText().equals(prefix + "nf"), "not found").path("code").asText()).isEqualTo("not_found");
            }
        }
    }

    private static SessionFeed jdbcFeed(TestDatabase db) {
        return SessionFeed.builder(dev.sessionfeed.jdbc.JdbcSnapshotBuilder.builder(db.dataSource()).build(),
                dev.sessionfeed.jdbc.PollingChangeSource.builder(db.dataSource()).interval(java.time.Duration.ofMillis(100)).build())
                .build();
    }

    private static void awaitSeq(SessionFeed feed, long seq) {
        org.awaitility.Awaitility.await("feed reaches seq " + seq).atMost(java.time.Duration.ofSeconds(15))
                .until(() -> feed.current().seq() >= seq);
    }

    private static WebSocketOptions options(CommandHandler handler) {
        return WebSocketOptions.builder(ContainerCompatibilityKit::authenticate)
                .allowedOrigins(ORIGIN)
                .commandHandler(handler)
                .build();
    }

    private static ContainerCompatibilityKit.RunningServer start(String container, SessionFeedEndpoint endpoint) throws Exception {
        List<ContainerCompatibilityKit.Mount> mounts = List.of(new ContainerCompatibilityKit.Mount("/ws/admin/chat", endpoint, false));
        switch (container) {
            case "jetty": return JettyCompatibilityTest.startServer(mounts);
            case "tomcat": return TomcatCompatibilityTest.startServer(mounts);
            case "tyrus": return TyrusCompatibilityTest.startServer(mounts);
            case "undertow": return UndertowCompatibilityTest.startServer(mounts);
            default: throw new IllegalArgumentException(container);
        }
    }

    private static FeedWebSocketClient connect(ContainerCompatibilityKit.RunningServer server, String token) {
        return FeedWebSocketClient.open(URI.create("ws://127.0.0.1:" + server.port() + "/ws/admin/chat"),
                Map.of("Origin", ORIGIN, "Authorization", "Bearer " + token));
    }

    /** Reads the test's sessions (ids with the test's prefix) and a small metric, in one read-only transaction. */
    static final class PgSnapshots implements SnapshotBuilder {
        private final DataSource ds;
        private final String prefix;

        PgSnapshots(DataSource ds, String prefix) {
            this.ds = ds;
            this.prefix = prefix;
        }

        @Override
        public SnapshotRead buildFull() {
            return read(null);
        }

        @Override
        public SnapshotRead refresh(Set<String> ids) {
            return read(ids);
        }

        private SnapshotRead read(Set<String> ids) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                c.setReadOnly(true);
                List<ChatSession> sessions = new ArrayList<>();
                String sql = "SELECT session_id, status, visitor_id, visitor_name, agent_id, agent_name, subject, created_at,"
                        + " updated_at, ended_at, first_response_at, message_count, last_message_at FROM chat_sessions"
                        + " WHERE status <> 'archived' AND session_id LIKE ? "
                        + (ids == null ? "" : "AND session_id = ANY(?) ") + "ORDER BY created_at DESC, session_id";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, prefix + "%");
                    if (ids != null) {
                        ps.setArray(2, c.createArrayOf("text", ids.toArray()));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            sessions.add(new ChatSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getString(6), rs.getString(7), instant(rs.getTimestamp(8)),
                                    instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11)),
                                    rs.getLong(12), instant(rs.getTimestamp(13)), Map.of()));
                        }
                    }
                }
                Map<String, Object> metrics = new LinkedHashMap<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FILTER (WHERE status = 'waiting'), count(*) FROM chat_sessions WHERE session_id LIKE ?")) {
                    ps.setString(1, prefix + "%");
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        metrics.put("waitingNow", rs.getLong(1));
                        metrics.put("totalSessions", rs.getLong(2));
                    }
                }
                c.commit();
                return new SnapshotRead(sessions, new ChatMetrics(metrics), Instant.now());
            } catch (SQLException e) {
                throw new SessionFeedException("test snapshot read failed: " + e.getMessage(), e);
            }
        }

        private static Instant instant(Timestamp t) {
            return t == null ? null : t.toInstant();
        }
    }

    /** end_session over JDBC, idempotent by command id, signalling every node as the trigger's NOTIFY would. */
    static final class PgCommands implements CommandHandler {
        private final DataSource ds;
        private final List<ManualChangeSource> nodes;

        PgCommands(DataSource ds, List<ManualChangeSource> nodes) {
            this.ds = ds;
            this.nodes = nodes;
        }

        @Override
        public Set<String> actions() {
            return Set.of("end_session");
        }

        @Override
        public CommandResult handle(SessionCommand command, String actor) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO sessionfeed_commands (command_id, action, session_id, actor, outcome) VALUES (?, ?, ?, ?, 'ended')"
                                + " ON CONFLICT (command_id) DO NOTHING")) {
                    ps.setString(1, command.id());
                    ps.setString(2, command.action());
                    ps.setString(3, command.sessionId());
                    ps.setString(4, actor);
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return new CommandResult("ended", command.sessionId(), true);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE chat_sessions SET status = 'ended', ended_at = now(), updated_at = now() WHERE session_id = ?")) {
                    ps.setString(1, command.sessionId());
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        throw new CommandException(CommandFailure.NOT_FOUND, "no session '" + command.sessionId() + "'");
                    }
                }
                c.commit();
            } catch (SQLException e) {
                throw new SessionFeedException("end_session failed: " + e.getMessage(), e);
            }
            nodes.forEach(n -> n.changed(command.sessionId()));
            return new CommandResult("ended", command.sessionId(), false);
        }
    }
}
