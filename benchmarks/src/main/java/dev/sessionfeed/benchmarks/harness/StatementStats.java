package dev.sessionfeed.benchmarks.harness;

import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts the statements PostgreSQL executed for one database, from {@code pg_stat_statements}. The harness's own
 * statements carry the comment {@value #WRITER} or {@value #HARNESS} and are counted apart, so what remains is what
 * SessionFeed (or the polling baseline) asked of the database.
 *
 * <p>Thread-safe (each call uses its own connection).
 */
public final class StatementStats {

    /** Marker comment on the benchmark writers' statements. */
    public static final String WRITER = "/* bench:writer */";
    /** Marker comment on the harness's bookkeeping statements. */
    public static final String HARNESS = "/* bench:harness */";

    private final TestDatabase db;

    /**
     * Creates a counter for one database.
     *
     * @param db the database (the extension must exist in it)
     */
    public StatementStats(TestDatabase db) {
        this.db = db;
    }

    /** Resets the server's statement statistics. */
    public void reset() {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(HARNESS + " SELECT pg_stat_statements_reset()");
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements_reset failed: " + e.getMessage(), e);
        }
    }

    /**
     * The calls per normalised statement in this database since the last reset, without the harness's and the
     * writers' statements.
     *
     * @return calls by statement text (first 160 characters, whitespace collapsed)
     */
    public Map<String, Long> libraryCalls() {
        return libraryCalls(160);
    }

    /**
     * {@link #libraryCalls()} with statement texts cut at {@code maxChars} (for classifying statements by their whole text).
     *
     * @param maxChars the longest key kept
     * @return calls by statement text (whitespace collapsed)
     */
    public Map<String, Long> libraryCalls(int maxChars) {
        Map<String, Long> m = new LinkedHashMap<>();
        String sql = HARNESS + " SELECT s.query, s.calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                + "WHERE d.datname = ? ORDER BY s.calls DESC";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db.databaseName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String q = rs.getString(1);
                    if (q.contains("bench:writer") || q.contains("bench:harness") || q.contains("pg_stat_statements")) {
                        continue;
                    }
                    String key = q.replaceAll("\\s+", " ").trim();
                    if (key.length() > maxChars) {
                        key = key.substring(0, maxChars - 3) + "...";
                    }
                    m.merge(key, rs.getLong(2), Long::sum);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_stat_statements failed: " + e.getMessage(), e);
        }
        return m;
    }

    /**
     * The total of {@link #libraryCalls()}.
     *
     * @return the number of statements
     */
    public long libraryTotal() {
        return libraryCalls().values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * The writers' statements since the last reset.
     *
     * @return the number of writer statements executed
     */
    public long writerCalls() {
        String sql = HARNESS + " SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                + "WHERE d.datname = ? AND s.query LIKE '%bench:writer%'";
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db.databaseName());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading pg_stat_statements failed: " + e.getMessage(), e);
        }
    }
}
