package dev.sessionfeed.system;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The application side of the system: writes to {@code chat_sessions} the way a chat application would, over
 * its own direct connections (never through the fault proxy). Every update sets {@code updated_at} (as
 * polling's change detection expects); a BEFORE UPDATE trigger installed by {@link #installVersionColumn}
 * increments the row's {@code version}, so clients can check they saw each session's changes in commit order.
 * Thread-safe: every call borrows its own connection.
 */
final class Db {

    static final String VERSION_COLUMN = "version";

    private final TestDatabase db;
    private final PGSimpleDataSource ds;
    private final AtomicLong ids = new AtomicLong();
    private final String prefix;
    private Connection connection;

    Db(TestDatabase db, String prefix) {
        this.db = db;
        this.prefix = prefix;
        this.ds = new PGSimpleDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ds.setConnectTimeout(5);
        ds.setSocketTimeout(30);
        ds.setApplicationName("system-test-writer");
    }

    TestDatabase database() {
        return db;
    }

    /** A per-row version, bumped by every UPDATE (also the command handler's), never reused across ids. */
    static void installVersionColumn(TestDatabase db) {
        db.executeScript("ALTER TABLE chat_sessions ADD COLUMN IF NOT EXISTS version bigint NOT NULL DEFAULT 0;\n"
                + "CREATE OR REPLACE FUNCTION system_test_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                + "BEGIN NEW.version := OLD.version + 1; RETURN NEW; END $$;\n"
                + "DROP TRIGGER IF EXISTS system_test_bump_version ON chat_sessions;\n"
                + "CREATE TRIGGER system_test_bump_version BEFORE UPDATE ON chat_sessions\n"
                + "  FOR EACH ROW EXECUTE FUNCTION system_test_bump_version();\n");
    }

    String newId() {
        return prefix + "-" + ids.incrementAndGet();
    }

    /** One statement of the model: applied alone or inside a burst. */
    sealed interface Write permits Insert, Update, Delete, Archive, End {
    }

    record Insert(String id, String status, String subject) implements Write {
    }

    record Update(String id) implements Write {
    }

    record Delete(String id) implements Write {
    }

    record Archive(String id) implements Write {
    }

    record End(String id) implements Write {
    }

    void apply(Write w) {
        transaction(List.of(w));
    }

    /** Applies the writes in one transaction (one commit, so one NOTIFY batch). */
    synchronized void transaction(List<? extends Write> writes) {
        try {
            boolean reused = connection != null;
            try {
                attempt(writes);
            } catch (SQLException e) {
                // Like a pool's validation: a kept connection broken by a server restart is replaced once. Nothing
                // was committed (the failure came before or instead of the commit's answer only on send errors).
                String state = e.getSQLState();
                if (!reused || state == null || !state.startsWith("08")) {
                    throw e;
                }
                attempt(writes);
            }
        } catch (SQLException e) {
            throw new SessionFeedException("write failed: " + writes.size() + " statement(s), first " + writes.get(0), e);
        }
    }

    private void attempt(List<? extends Write> writes) throws SQLException {
        Connection c = connection();
        try {
            for (Write w : writes) {
                run(c, w);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** The application's connection (as from its pool): kept open, replaced after a failure. Guarded by this. */
    private Connection connection() throws SQLException {
        if (connection == null) {
            connection = ds.getConnection();
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void discard() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // The connection is already broken; the write's own exception is what the caller sees.
                org.slf4j.LoggerFactory.getLogger(Db.class).debug("closing a failed writer connection: {}", e.toString());
            }
        }
    }

    synchronized void close() {
        discard();
    }

    private static void run(Connection c, Write w) throws SQLException {
        if (w instanceof Insert i) {
            exec(c, "INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name, subject, message_count,"
                    + " agent_id, agent_name, first_response_at, ended_at)"
                    + " VALUES (?, ?, ?, ?, ?, 0, CASE WHEN ? <> 'waiting' THEN 'agent-1' END,"
                    + " CASE WHEN ? <> 'waiting' THEN 'Alice' END, CASE WHEN ? <> 'waiting' THEN now() END,"
                    + " CASE WHEN ? IN ('ended', 'archived') THEN now() END)",
                    i.id(), i.status(), "visitor-" + i.id(), "Visitor " + i.id(), i.subject(),
                    i.status(), i.status(), i.status(), i.status());
        } else if (w instanceof Update u) {
            exec(c, "UPDATE chat_sessions SET message_count = message_count + 1, last_message_at = clock_timestamp(),"
                    + " updated_at = clock_timestamp() WHERE session_id = ?", u.id());
        } else if (w instanceof Delete d) {
            exec(c, "DELETE FROM chat_sessions WHERE session_id = ?", d.id());
        } else if (w instanceof Archive a) {
            exec(c, "UPDATE chat_sessions SET status = 'archived', archived_at = clock_timestamp(),"
                    + " ended_at = coalesce(ended_at, clock_timestamp()), updated_at = clock_timestamp() WHERE session_id = ?", a.id());
        } else if (w instanceof End e) {
            exec(c, "UPDATE chat_sessions SET status = 'ended', ended_at = coalesce(ended_at, clock_timestamp()),"
                    + " updated_at = clock_timestamp() WHERE session_id = ? AND status <> 'archived'", e.id());
        }
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    long version(String id) {
        return db.queryForLong("SELECT coalesce((SELECT version FROM chat_sessions WHERE session_id = ?), -1)", id);
    }

    /** Kills the listener's backend (as an admin or a failover would). */
    int killListener() {
        // The logical source has two connections under the name: killing its walsender is the fault that matters.
        return (int) db.queryForLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND application_name = ?"
                + (SystemHarness.logical() ? " AND backend_type = 'walsender'" : ""), SystemHarness.LISTENER_APP);
    }

    /** Connections to this database other than the asking one and the test's own writers. */
    long connections() {
        return db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND pid <> pg_backend_pid() AND application_name <> 'system-test-writer'");
    }

    long listenerConnections() {
        // For the logical source: its replication connection (the control connection shares the name).
        return db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?"
                + (SystemHarness.logical() ? " AND backend_type = 'walsender'" : ""), SystemHarness.LISTENER_APP);
    }

    long count(String sql, Object... params) {
        return db.queryForLong(sql, params);
    }
}
