package dev.sessionfeed.jdbc;

import dev.sessionfeed.internal.jdbc.ScopeSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The change-detection query of a polling source: runs it on a borrowed connection and returns its fingerprint (all
 * values of all rows, as text). Immutable and thread-safe; {@link #fingerprint} does blocking JDBC I/O.
 *
 * <p>The built-in queries are set-based: the fingerprint is a function of the committed rows in scope that the
 * poll's snapshot sees, never a watermark ("newer than the last poll"). So a transaction that began before a poll and
 * commits after it is seen by the next poll, whatever its start time, transaction id or {@code updated_at}; and
 * nothing depends on transaction ids, so VACUUM FREEZE, wraparound and subtransactions cannot hide a change.
 */
final class DetectionQuery {

    private final DataSource dataSource;
    private final SessionTable table;
    private final String sql;
    private final boolean builtIn;
    private final int queryTimeoutSeconds;

    /**
     * @param dataSource   where to run it; every call borrows one connection and closes it
     * @param table        the mapping (binds the built-in queries' scope parameters)
     * @param detection    the built-in query's mode (ignored with {@code customSql})
     * @param customSql    the host's query, or null for the built-in one of {@code detection}
     * @param queryTimeout the JDBC query timeout (whole seconds, at least 1)
     */
    DetectionQuery(DataSource dataSource, SessionTable table, PollingChangeSource.Detection detection, String customSql,
            Duration queryTimeout) {
        this.dataSource = dataSource;
        this.table = table;
        this.builtIn = customSql == null;
        this.sql = builtIn ? sql(table, detection) : customSql;
        this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
    }

    /** The built-in query of a mode (two parameters: the scope's). */
    static String sql(SessionTable t, PollingChangeSource.Detection detection) {
        switch (detection) {
            case CONTENT:
                return contentSql(t);
            case UPDATED_AT:
                return updatedAtSql(t);
            default:
                throw new IllegalArgumentException("detection must be CONTENT or UPDATED_AT, was: " + detection);
        }
    }

    /**
     * {@link PollingChangeSource.Detection#CONTENT}: the row count and the sum of a 64-bit hash of every row in scope
     * exactly as the snapshot builder's read returns it (its select list: text already cut to
     * {@code maxTextLength + 1} characters in SQL, attributes, the session's size), over the whole scope rather than
     * the newest {@code maxSessions}, because the metrics are computed over the whole scope. A sum of hashes does not
     * depend on row order (no sort), and changes when any row's shown values change (unless two 64-bit hashes
     * collide). The sum of {@code bigint}s is a {@code numeric}, so it cannot overflow.
     */
    static String contentSql(SessionTable t) {
        SessionColumns columns = new SessionColumns(t);
        return "SELECT count(*), sum(hashtextextended(CAST(s AS text), 0)) FROM (SELECT " + columns.selectList() + " FROM "
                + t.qualifiedTable() + columns.fromSuffix() + " WHERE " + ScopeSql.condition(t) + ") AS s";
    }

    /**
     * {@link PollingChangeSource.Detection#UPDATED_AT}: count, max and sum (as epoch microseconds) of
     * {@code updated_at} over the scope.
     */
    static String updatedAtSql(SessionTable t) {
        String updated = t.quoted(SessionTable.Column.UPDATED_AT);
        return "SELECT count(*), max(" + updated + "), sum(CAST(extract(epoch FROM " + updated + ") * 1000000 AS bigint))"
                + " FROM " + t.qualifiedTable() + " WHERE " + ScopeSql.condition(t);
    }

    /**
     * Runs the query; blocks for at most about the query timeout once connected. On a connection that is not in
     * auto-commit mode the transaction is rolled back afterwards (the query only reads), so a pooled connection is
     * never returned inside a transaction, and a pool set to {@code REPEATABLE READ} cannot pin one snapshot.
     */
    List<Object> fingerprint() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Object> values;
            try {
                values = run(c);
            } catch (SQLException | RuntimeException e) {
                try {
                    endTransaction(c);
                } catch (SQLException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            endTransaction(c);
            return values;
        }
    }

    private static void endTransaction(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }

    private List<Object> run(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            if (builtIn) {
                ScopeSql.bind(ps, c, table, 1);
            }
            try (ResultSet rs = ps.executeQuery()) {
                int n = rs.getMetaData().getColumnCount();
                List<Object> values = new ArrayList<>();
                while (rs.next()) {
                    for (int i = 1; i <= n; i++) {
                        values.add(rs.getString(i));
                    }
                }
                return values;
            }
        }
    }
}
