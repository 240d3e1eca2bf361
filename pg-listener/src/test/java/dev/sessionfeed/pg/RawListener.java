package dev.sessionfeed.pg;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** A plain pgjdbc LISTEN connection, to see exactly what a trigger sends. Not thread-safe. */
final class RawListener implements AutoCloseable {

    private final Connection connection;
    private final List<String> payloads = new ArrayList<>();

    RawListener(Connection connection, String channel) throws SQLException {
        this.connection = connection;
        try (Statement st = connection.createStatement()) {
            st.execute("LISTEN \"" + channel + "\"");
        }
    }

    /** Drains what arrived so far (waiting up to 200 ms for the first) and returns everything seen. */
    List<String> payloads() throws SQLException {
        PGNotification[] ns = connection.unwrap(PGConnection.class).getNotifications(200);
        if (ns != null) {
            for (PGNotification n : ns) {
                payloads.add(n.getParameter());
            }
        }
        return List.copyOf(payloads);
    }

    void clear() throws SQLException {
        payloads();
        payloads.clear();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
