package dev.sessionfeed.pg;

import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Database setup the LISTEN/NOTIFY tests share. */
final class PgTestSupport {

    /** An unprivileged role that may connect and call {@code pg_notify}: plays someone forging payloads. */
    static final String FORGER = "mallory";

    private PgTestSupport() {
    }

    /**
     * Installs the default trigger and creates the {@link #FORGER} role (once per server; roles are
     * cluster-wide) with {@code CONNECT} on the test's database.
     *
     * @param db the test's database (with the schema installed)
     */
    static void installTriggerAndForger(TestDatabase db) {
        PgTriggerInstaller.defaults().install(db.dataSource());
        db.execute("DO $$ BEGIN CREATE ROLE " + FORGER + " LOGIN PASSWORD '" + FORGER + "'; "
                + "EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        db.execute("GRANT CONNECT ON DATABASE " + db.databaseName() + " TO " + FORGER);
    }

    /**
     * A connection as the {@link #FORGER} and a statement that sends its one parameter on the default channel.
     * Close it when done.
     *
     * @param db the test's database
     * @return the statement; closing it closes its connection too
     * @throws SQLException if the forger cannot connect
     */
    static ForgedNotify forgedNotify(TestDatabase db) throws SQLException {
        Connection c = DriverManager.getConnection(db.jdbcUrl(), FORGER, FORGER);
        try {
            return new ForgedNotify(c, c.prepareStatement("SELECT pg_notify('chat_session_change', ?)"));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Sends forged notifications as the {@link #FORGER}. Not thread-safe. */
    static final class ForgedNotify implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement statement;

        private ForgedNotify(Connection connection, PreparedStatement statement) {
            this.connection = connection;
            this.statement = statement;
        }

        /**
         * Sends one payload (committed at once: the connection auto-commits).
         *
         * @param payload the payload, as is
         * @throws SQLException if the server refuses it
         */
        void send(String payload) throws SQLException {
            statement.setString(1, payload);
            statement.execute();
        }

        @Override
        public void close() throws SQLException {
            try {
                statement.close();
            } finally {
                connection.close();
            }
        }
    }
}
