package dev.sessionfeed.jdbc;

import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.internal.jdbc.ScopeSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change-detection query of a polling source: runs it on a borrowed connection and returns its fingerprint (all
 * values of all rows, as text). Thread-safe; {@link #fingerprint} does blocking JDBC I/O. Apart from the choice of
 * query, which only moves forward along its chain (XMIN → CONTENT on a relation without {@code xmin}; CONTENT's
 * {@code hash_record_extended} → its text form where the server cannot hash a row), it keeps no state.
 *
 * <p>The built-in queries are set-based: the fingerprint is a function of the committed rows in scope that the
 * poll's snapshot sees, never a watermark ("newer than the last poll"). So a transaction that began before a poll and
 * commits after it is seen by the next poll, whatever its start time, transaction id or {@code updated_at}.
 */
final class DetectionQuery {

    private static final Logger LOG = LoggerFactory.getLogger(PollingChangeSource.class);
    /** PostgreSQL's undefined_function: no {@code hash_record_extended} (before 14), or a column type without a hash. */
    private static final String UNDEFINED_FUNCTION = "42883";
    /** Whether a relation has the system column {@code xmin} (tables do; views do not); no row: it does not exist. */
    private static final String HAS_XMIN = "SELECT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'xmin'"
            + " AND a.attnum < 0) FROM pg_class c WHERE c.oid = to_regclass(?)";

    private final DataSource dataSource;
    private final SessionTable table;
    private final boolean builtIn;
    private final boolean xmin;
    private final int queryTimeoutSeconds;
    /** The queries in the order they are tried: the mode's, then what it falls back to (each at most once). */
    private final List<String> chain;
    /** The index in {@link #chain} of the query in use; only grows. */
    private volatile int step;
    /** XMIN only: whether the relation's kind was checked (a table keeps XMIN; a view moves on to CONTENT). */
    private volatile boolean kindChecked;

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
        this.xmin = builtIn && detection == PollingChangeSource.Detection.XMIN;
        this.queryTimeoutSeconds = (int) Math.max(1, queryTimeout.toSeconds());
        if (!builtIn) {
            chain = List.of(customSql);
        } else if (detection == PollingChangeSource.Detection.UPDATED_AT) {
            chain = List.of(updatedAtSql(table));
        } else if (xmin) {
            chain = List.of(xminSql(table), contentSql(table), contentTextSql(table));
        } else {
            chain = List.of(contentSql(table), contentTextSql(table));
        }
    }

    /** The built-in query of a mode (two parameters: the scope's). */
    static String sql(SessionTable t, PollingChangeSource.Detection detection) {
        switch (detection) {
            case CONTENT:
                return contentSql(t);
            case UPDATED_AT:
                return updatedAtSql(t);
            case XMIN:
                return xminSql(t);
            default:
                throw new IllegalArgumentException("detection must be CONTENT, UPDATED_AT or XMIN, was: " + detection);
        }
    }

    /**
     * {@link PollingChangeSource.Detection#CONTENT}: the row count and the sum of a 64-bit hash of every row in scope
     * exactly as the snapshot builder's read returns it (its select list: text already cut to
     * {@code maxTextLength + 1} characters in SQL, so a huge value costs a poll no more than it costs a read; the
     * attributes as the read shows them, in their text form since not every type has a hash function), over the
     * whole scope rather than the newest {@code maxSessions}, because the metrics are computed over the whole scope.
     * A sum of hashes does not depend on row order (no sort) and changes when any row's shown values change (unless
     * 64-bit hashes collide); the sum of {@code bigint}s is a {@code numeric}, so it cannot overflow.
     * {@code hash_record_extended} (PostgreSQL 14+) hashes each value with its type's hash function, without
     * converting the row to text: about half the cost of {@link #contentTextSql}, measured.
     */
    static String contentSql(SessionTable t) {
        StringBuilder row = new StringBuilder();
        for (SessionTable.Column col : SessionTable.Column.values()) {
            row.append(row.length() == 0 ? "" : ", ").append("s.").append(SessionColumns.alias(col));
        }
        for (String attr : t.attributeColumns()) {
            row.append(", CAST(s.").append(SqlIdentifiers.quote(attr)).append(" AS text)");
        }
        return "SELECT count(*), sum(hash_record_extended(ROW(" + row + "), 0)) FROM (" + scopeRows(t) + ") AS s";
    }

    /**
     * The same fingerprint for servers without {@code hash_record_extended} (before PostgreSQL 14) or with a mapped
     * column whose type has no hash function: the hash of each row's text form ({@code hashtextextended}, PostgreSQL
     * 11+).
     */
    static String contentTextSql(SessionTable t) {
        return "SELECT count(*), sum(hashtextextended(CAST(s AS text), 0)) FROM (" + scopeRows(t) + ") AS s";
    }

    /** The rows in scope as the snapshot builder's statement selects them (without its order and cap). */
    private static String scopeRows(SessionTable t) {
        SessionColumns columns = new SessionColumns(t);
        // The relation the builder reads (a view or a query, with SessionTable.view/query), not only the base table.
        return "SELECT " + columns.selectList() + " FROM " + t.relation() + columns.fromSuffix() + " WHERE "
                + ScopeSql.condition(t);
    }

    /**
     * {@link PollingChangeSource.Detection#UPDATED_AT}: count, max and sum (as epoch microseconds) of
     * {@code updated_at} over the scope.
     */
    static String updatedAtSql(SessionTable t) {
        String updated = t.quoted(SessionTable.Column.UPDATED_AT);
        return "SELECT count(*), max(" + updated + "), sum(CAST(extract(epoch FROM " + updated + ") * 1000000 AS bigint))"
                + " FROM " + t.relation() + " WHERE " + ScopeSql.condition(t);
    }

    /**
     * {@link PollingChangeSource.Detection#XMIN}: the row count and the sum of a hash of each row's id and
     * {@code xmin} (the id of the transaction that wrote that row version) over the scope. Every committed
     * {@code UPDATE} makes a new row version with the writing (sub)transaction's id, so the set changes; a set, never
     * a watermark, so a transaction that began before a poll and commits after it is caught, and xid wraparound would
     * have to bring back a row's own previous xmin within one interval (2^32 transactions) to hide a change. VACUUM
     * FREEZE keeps the raw {@code xmin} (PostgreSQL 9.4+), and a rewrite that changed it would only cost one resync.
     * Tables only: a view or query has no {@code xmin}.
     */
    static String xminSql(SessionTable t) {
        return "SELECT count(*), sum(hashtextextended(CAST(" + t.quoted(SessionTable.Column.ID) + " AS text) || ' ' || CAST(xmin AS text), 0))"
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
                values = poll(c);
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

    /** Runs the query in use, moving on along the chain when the server cannot run it (each step once, logged). */
    private List<Object> poll(Connection c) throws SQLException {
        if (xmin && !kindChecked) {
            checkKind(c);
        }
        int current = step;
        try {
            return run(c, chain.get(current));
        } catch (SQLException e) {
            // Only the content step (the last but one) moves on, for a missing hash function: to its text form.
            if (current != chain.size() - 2 || !UNDEFINED_FUNCTION.equals(e.getSQLState())) {
                throw e;
            }
            step = current + 1;
            // Once, and not an error: the text form detects the same changes, at about twice the cost.
            LOG.info("polling {}: hashing rows by their text form ({})", table.qualifiedTable(), e.getMessage());
            endTransaction(c);
            return run(c, chain.get(current + 1));
        }
    }

    /** XMIN on a relation without {@code xmin} (a view) detects by content instead; decided once the relation exists. */
    private void checkKind(Connection c) throws SQLException {
        Boolean has = null;
        try (PreparedStatement ps = c.prepareStatement(HAS_XMIN)) {
            ps.setQueryTimeout(queryTimeoutSeconds);
            ps.setString(1, table.qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    has = rs.getBoolean(1);
                }
            }
        }
        if (has == null) {
            // Not there (yet): the poll itself fails and says so; decide on a later poll.
            return;
        }
        kindChecked = true;
        if (!has) {
            step = 1;
            LOG.info("polling {}: it has no xmin (a view?), so changes are detected by the content of its rows", table.qualifiedTable());
        }
    }

    private static void endTransaction(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.rollback();
        }
    }

    private List<Object> run(Connection c, String query) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
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
