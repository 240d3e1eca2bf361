package dev.sessionfeed.pg;

import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The setup the LISTEN/NOTIFY tests on the shared server have in common: a fresh database per test class
 * ({@link SessionFeedPostgres}, inherited) with the default trigger installed and the {@link #FORGER} role
 * allowed to connect, the table emptied before each test, and a source builder and a count of listening
 * connections over that database. A test class extends it and passes the injected database to the constructor.
 *
 * <p>Thread-safety: JUnit calls the hooks on the test's thread; the helpers only read the final {@link #db}.
 */
@SessionFeedPostgres
abstract class PgTestSupport {

    /** An unprivileged role that may connect and call {@code pg_notify}: plays someone forging payloads. */
    static final String FORGER = "mallory";

    /** The test class's database. */
    final TestDatabase db;

    PgTestSupport(TestDatabase db) {
        this.db = db;
    }

    /**
     * Installs the default trigger and creates the {@link #FORGER} role (once per server; roles are
     * cluster-wide) with {@code CONNECT} on the test class's database.
     *
     * @param db the test class's database (with the schema installed)
     */
    @BeforeAll
    static void installTriggerAndForger(TestDatabase db) {
        PgTriggerInstaller.defaults().install(db.dataSource());
        db.execute("DO $$ BEGIN CREATE ROLE " + FORGER + " LOGIN PASSWORD '" + FORGER + "'; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        db.execute("GRANT CONNECT ON DATABASE " + db.databaseName() + " TO " + FORGER);
    }

    /** Starts each test with an empty table. */
    @BeforeEach
    final void emptyTable() {
        SessionFixtures.deleteAll(db);
    }

    /**
     * A builder for a LISTEN source on this database, as its owner, with the defaults.
     *
     * @return a new builder
     */
    final PgNotifyChangeSource.Builder sourceBuilder() {
        return PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password());
    }

    /**
     * Inserts {@code count} sessions with the ids {@code idPrefix + 0} to {@code idPrefix + (count - 1)} in one
     * transaction (one JDBC batch), so that their notifications are delivered together at commit.
     *
     * @param insert   an {@code INSERT} into {@code chat_sessions} whose one parameter is the session id
     * @param idPrefix what the ids start with
     * @param count    how many sessions
     * @throws SQLException if the insert or the commit fails
     */
    final void insertInOneTransaction(String insert, String idPrefix, int count) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (int i = 0; i < count; i++) {
                    ps.setString(1, idPrefix + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /**
     * How many connections with the default application name are open on this database.
     *
     * @return the count
     */
    final int listenConnections() {
        return listenConnections(db);
    }

    /**
     * How many connections with the source's default application name are open on a database: the LISTEN
     * connections of sources built with the defaults.
     *
     * @param db the database
     * @return the count
     */
    static int listenConnections(TestDatabase db) {
        return (int) db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?",
                PgNotifyChangeSource.DEFAULT_APPLICATION_NAME);
    }
}
