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
 */
final class DetectionQuery {

    private final DataSource dataSource;
    private final SessionTable table;
    private final String sql;
    private final boolean defaultQuery;
    private final int queryTimeoutSeconds;

    /**
     * @param dataSource   where to run it; every call borrows one connection and closes it
     * @param table        the mapping (binds the default query's scope parameters)
     * @param customSql    the host's query, or null for {@link #defaultSql}
     * @param queryTimeout the JDBC query timeout (whole seconds, at least 1)
     */
    DetectionQuery(DataSource dataSource, SessionTable table, String customSql, Duration queryTimeout) {
        this.dataSource = dataSource;
        this.table = table;
        this.defaultQuery = customSql == null;
        this.sql = defaultQuery ? defaultSql(table) : customSql;
        this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
    }

    /** The default query: count, max and sum (as epoch microseconds) of {@code updated_at} over the scope. */
    static String defaultSql(SessionTable t) {
        String updated = t.quoted(SessionTable.Column.UPDATED_AT);
        return "SELECT count(*), max(" + updated + "), sum(CAST(extract(epoch FROM " + updated + ") * 1000000 AS bigint))"
                + " FROM " + t.qualifiedTable() + " WHERE " + ScopeSql.condition(t);
    }

    /** Runs the query; blocks for at most about the query timeout once connected. */
    List<Object> fingerprint() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            if (defaultQuery) {
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
