package dev.sessionfeed.internal.jdbc;

import dev.sessionfeed.jdbc.SessionTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The SQL of a {@link SessionTable}'s scope ("status not hidden, and not ended longer ago than the retention"),
 * shared by the snapshot builder, the polling source and the command handler so they always agree.
 *
 * <p>The condition has two parameters, bound by {@link #bind}: the hidden statuses as a {@code text[]} and the
 * retention in microseconds. It uses the transaction's {@code now()}, so every place it appears in one statement
 * (and every statement of one transaction) sees the same scope.
 */
public final class ScopeSql {

    private ScopeSql() {
    }

    /**
     * The scope condition, for a {@code WHERE} clause.
     *
     * @param t the table mapping
     * @return SQL with two {@code ?} parameters
     */
    public static String condition(SessionTable t) {
        String ended = t.quoted(SessionTable.Column.ENDED_AT);
        return t.statusText() + " <> ALL (?) AND (" + ended + " IS NULL OR " + ended
                + " > now() - (? * INTERVAL '1 microsecond'))";
    }

    /**
     * Binds the scope condition's two parameters.
     *
     * @param ps    the statement
     * @param c     its connection (for the array)
     * @param t     the table mapping
     * @param first the index of the first parameter
     * @return the index after the last bound parameter
     * @throws SQLException from the driver
     */
    public static int bind(PreparedStatement ps, Connection c, SessionTable t, int first) throws SQLException {
        ps.setArray(first, c.createArrayOf("text", t.hiddenStatuses().toArray(new String[0])));
        // Microseconds: PostgreSQL's resolution; exact in a float8 for up to ~285 years.
        ps.setLong(first + 1, t.endedRetention().toNanos() / 1000);
        return first + 2;
    }
}
