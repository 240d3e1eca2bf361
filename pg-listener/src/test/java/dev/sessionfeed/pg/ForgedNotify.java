package dev.sessionfeed.pg;

import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Sends forged notifications on the default channel as the {@linkplain PgTestSupport#FORGER forger}, an
 * unprivileged role (see {@link PgTestSupport}). Not thread-safe.
 */
final class ForgedNotify implements AutoCloseable {

    private final Connection connection;
    private final PreparedStatement statement;

    private ForgedNotify(Connection connection, PreparedStatement statement) {
        this.connection = connection;
        this.statement = statement;
    }

    /**
     * Connects as the forger and prepares a statement that sends its one parameter on the default channel.
     * Close it when done.
     *
     * @param db the test's database (prepared by {@link PgTestSupport})
     * @return the forger; closing it closes its connection too
     * @throws SQLException if the forger cannot connect
     */
    static ForgedNotify open(TestDatabase db) throws SQLException {
        Connection c = DriverManager.getConnection(db.jdbcUrl(), PgTestSupport.FORGER, PgTestSupport.FORGER);
        try {
            return new ForgedNotify(c, c.prepareStatement("SELECT pg_notify('chat_session_change', ?)"));
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
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
