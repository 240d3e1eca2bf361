package dev.sessionfeed.jdbc;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.jdbc.JdbcValues;
import dev.sessionfeed.internal.jdbc.ScopeSql;
import dev.sessionfeed.jdbc.SessionTable.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads sessions and metrics from PostgreSQL over JDBC: the {@link SnapshotBuilder} of most applications.
 *
 * <p>Every call runs one transaction {@code SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY}: the
 * sessions query and the metrics query see the same database snapshot and the same {@code now()}, so the
 * metrics always describe exactly the sessions they are published with. The isolation level is set with
 * {@code SET TRANSACTION} (it applies to this transaction only) rather than
 * {@link Connection#setTransactionIsolation}, so a pooled connection goes back to the pool unchanged and no
 * extra round trips are spent setting and restoring session defaults; only auto-commit is switched off and
 * restored.
 *
 * <p>What is read (see {@link SessionTable} for the mapping and the scope):
 * <ul>
 *   <li>{@link #buildFull()}: the sessions in scope, newest first ({@code created_at DESC, id}), at most
 *       {@link SessionTable#maxSessions()}.</li>
 *   <li>{@link #refresh(Set)}: the given ids that are in scope ({@code id = ANY(?)}, one {@code text[]}
 *       parameter). The cap is not applied here: when more sessions than the cap are in scope, a by-id refresh
 *       may return a session a full read would leave out, until the next full read.</li>
 *   <li>Metrics: by default one row with the keys of {@link ChatMetrics#DEFAULT_KEYS}, computed over the
 *       sessions in scope; "last 24 h" means {@code now() - 24 hours} of the transaction. Statuses
 *       {@code waiting} and {@code active} are the default query's notion of waiting and active sessions.
 *       A host can {@linkplain Builder#metricsQuery replace the query}: it must return at most one row, and its
 *       column labels become the metric keys.</li>
 * </ul>
 *
 * <p>Column values: text columns as strings, {@code timestamptz} columns through
 * {@code getObject(..., OffsetDateTime.class)}; attribute columns and metric columns become JSON-compatible
 * values ({@code json}/{@code jsonb} parsed into maps and lists, timestamps as ISO-8601 strings, arrays as
 * lists, numbers and booleans as they are, anything else as its string form). The id column must be of a type
 * comparable with {@code text} ({@code text}, {@code varchar}).
 *
 * <p>Thread-safe: immutable, and every call uses its own connection from the {@link DataSource} (use a
 * pool in production).
 */
public final class JdbcSnapshotBuilder implements SnapshotBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshotBuilder.class);

    /** The label of the transaction time added to the metrics query; never part of the metrics. */
    private static final String READ_AT = "sessionfeed$read_at";

    private static final Column[] MODEL_COLUMNS = {
        Column.ID, Column.STATUS, Column.VISITOR_ID, Column.VISITOR_NAME, Column.AGENT_ID, Column.AGENT_NAME,
        Column.SUBJECT, Column.CREATED_AT, Column.UPDATED_AT, Column.ENDED_AT, Column.FIRST_RESPONSE_AT,
        Column.MESSAGE_COUNT, Column.LAST_MESSAGE_AT,
    };

    private final DataSource dataSource;
    private final SessionTable table;
    private final Clock clock;
    private final String fullSql;
    private final String refreshSql;
    private final String metricsSql;
    /** Whether {@link #metricsSql} is the default query (which takes the scope's two parameters). */
    private final boolean defaultMetrics;

    private JdbcSnapshotBuilder(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.clock = b.clock;
        String select = selectList(table) + " FROM " + table.qualifiedTable() + " WHERE " + ScopeSql.condition(table);
        this.fullSql = "SELECT " + select + " ORDER BY " + table.quoted(Column.CREATED_AT) + " DESC, "
                + table.quoted(Column.ID) + " LIMIT ?";
        this.refreshSql = "SELECT " + select + " AND " + table.quoted(Column.ID) + " = ANY (?) ORDER BY "
                + table.quoted(Column.CREATED_AT) + " DESC, " + table.quoted(Column.ID);
        this.defaultMetrics = b.metricsQuery == null;
        String metrics = defaultMetrics ? defaultMetricsQuery(table) : b.metricsQuery;
        this.metricsSql = "SELECT now() AS \"" + READ_AT + "\", m.* FROM (" + metrics + "\n) AS m";
    }

    /**
     * Starts a builder.
     *
     * @param dataSource where to read from; every call borrows one connection and closes it
     * @return a builder with the defaults documented on its setters
     * @throws NullPointerException if {@code dataSource} is null
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The default metrics query for a table mapping, as run inside the transaction (two parameters: the scope's
     * hidden statuses and retention). Useful as a starting point for a custom query.
     *
     * @param t the table mapping
     * @return the SQL text
     */
    public static String defaultMetricsQuery(SessionTable t) {
        String status = t.quoted(Column.STATUS);
        String created = t.quoted(Column.CREATED_AT);
        String ended = t.quoted(Column.ENDED_AT);
        String firstResponse = t.quoted(Column.FIRST_RESPONSE_AT);
        String agent = t.quoted(Column.AGENT_ID);
        String day = "now() - INTERVAL '24 hours'";
        return "WITH s AS (SELECT " + status + " AS status, " + agent + " AS agent_id, " + created + " AS created_at, "
                + ended + " AS ended_at, " + firstResponse + " AS first_response_at FROM " + t.qualifiedTable()
                + " WHERE " + ScopeSql.condition(t) + ")\n"
                + "SELECT (SELECT coalesce(jsonb_object_agg(c.status, c.n), '{}'::jsonb)"
                + " FROM (SELECT status, count(*) AS n FROM s GROUP BY status) AS c) AS \"countsByStatus\",\n"
                + " count(*) AS \"totalSessions\",\n"
                + " count(*) FILTER (WHERE status = 'waiting') AS \"waitingNow\",\n"
                + " count(*) FILTER (WHERE status = 'active') AS \"activeNow\",\n"
                + " min(created_at) FILTER (WHERE status = 'waiting') AS \"longestWaitingSince\",\n"
                + " CAST(avg(extract(epoch FROM first_response_at - created_at))"
                + " FILTER (WHERE created_at > " + day + " AND first_response_at IS NOT NULL) AS float8)"
                + " AS \"avgFirstResponseSeconds\",\n"
                + " CAST(avg(extract(epoch FROM ended_at - created_at))"
                + " FILTER (WHERE created_at > " + day + " AND ended_at IS NOT NULL) AS float8) AS \"avgDurationSeconds\",\n"
                + " count(*) FILTER (WHERE created_at > " + day + ") AS \"startedLast24h\",\n"
                + " count(*) FILTER (WHERE ended_at > " + day + ") AS \"endedLast24h\",\n"
                + " count(DISTINCT agent_id) FILTER (WHERE status = 'active') AS \"activeAgents\"\n"
                + "FROM s";
    }

    /**
     * The table mapping this builder reads.
     *
     * @return the mapping
     */
    public SessionTable table() {
        return table;
    }

    /**
     * Reads every session in scope (newest first, at most {@link SessionTable#maxSessions()}) and the metrics,
     * in one {@code REPEATABLE READ, READ ONLY} transaction.
     *
     * @return what was read; {@code readAt} is the transaction's {@code now()}
     * @throws SessionFeedException naming the table when the database cannot be read
     */
    @Override
    public SnapshotRead buildFull() {
        return read(null);
    }

    /**
     * Re-reads the given sessions (those still in scope) and the metrics, in one {@code REPEATABLE READ, READ
     * ONLY} transaction. With no ids, only the metrics are read.
     *
     * @param ids the session ids
     * @return the sessions found in scope, newest first, and the metrics
     * @throws NullPointerException if {@code ids} is null or holds null
     * @throws SessionFeedException naming the table and the number of ids when the database cannot be read
     */
    @Override
    public SnapshotRead refresh(Set<String> ids) {
        Objects.requireNonNull(ids, "ids");
        for (String id : ids) {
            Objects.requireNonNull(id, "ids element");
        }
        return read(ids);
    }

    private SnapshotRead read(Set<String> ids) {
        String what = ids == null ? "full read" : "refresh of " + ids.size() + " ids";
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            Exception failure = null;
            try {
                SnapshotRead r = readInTransaction(c, ids);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                failure = e;
                rollbackQuietly(c, e);
                throw e;
            } finally {
                if (autoCommit) {
                    restoreAutoCommit(c, failure);
                }
            }
        } catch (SQLException e) {
            throw new SessionFeedException("reading sessions from " + table.qualifiedTable() + " failed (" + what
                    + ", maxSessions=" + table.maxSessions() + "): " + e.getMessage(), e);
        }
    }

    private SnapshotRead readInTransaction(Connection c, Set<String> ids) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        List<ChatSession> sessions;
        if (ids == null) {
            try (PreparedStatement ps = c.prepareStatement(fullSql)) {
                int next = ScopeSql.bind(ps, c, table, 1);
                ps.setInt(next, table.maxSessions());
                sessions = readSessions(ps);
            }
        } else if (ids.isEmpty()) {
            sessions = List.of();
        } else {
            try (PreparedStatement ps = c.prepareStatement(refreshSql)) {
                int next = ScopeSql.bind(ps, c, table, 1);
                ps.setArray(next, c.createArrayOf("text", ids.toArray(new String[0])));
                sessions = readSessions(ps);
            }
        }
        Instant readAt = null;
        Map<String, Object> metrics = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(metricsSql)) {
            if (defaultMetrics) {
                ScopeSql.bind(ps, c, table, 1);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                List<JdbcValues.Kind> kinds = JdbcValues.kinds(md);
                if (rs.next()) {
                    readAt = rs.getObject(1, OffsetDateTime.class).toInstant();
                    for (int i = 2; i <= kinds.size(); i++) {
                        metrics.put(md.getColumnLabel(i), JdbcValues.read(rs, i, kinds.get(i - 1)));
                    }
                    if (rs.next()) {
                        throw new SQLException("the metrics query must return at most one row, but returned more");
                    }
                }
            }
        }
        return new SnapshotRead(sessions, new ChatMetrics(metrics), readAt != null ? readAt : clock.instant());
    }

    private List<ChatSession> readSessions(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<JdbcValues.Kind> kinds = null;
            List<ChatSession> out = new ArrayList<>();
            int attrFirst = MODEL_COLUMNS.length + 1;
            List<String> attrNames = table.attributeColumns();
            while (rs.next()) {
                if (kinds == null) {
                    kinds = JdbcValues.kinds(rs.getMetaData());
                }
                Map<String, Object> attributes;
                if (attrNames.isEmpty()) {
                    attributes = Map.of();
                } else {
                    attributes = new LinkedHashMap<>();
                    for (int i = 0; i < attrNames.size(); i++) {
                        int col = attrFirst + i;
                        attributes.put(attrNames.get(i), JdbcValues.read(rs, col, kinds.get(col - 1)));
                    }
                }
                String status = rs.getString(2);
                out.add(new ChatSession(
                        rs.getString(1),
                        status == null ? "unknown" : status,
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        instant(rs, 8),
                        instant(rs, 9),
                        instant(rs, 10),
                        instant(rs, 11),
                        Math.max(0, rs.getLong(12)),
                        instant(rs, 13),
                        attributes));
            }
            return out;
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static String selectList(SessionTable t) {
        StringBuilder sb = new StringBuilder();
        for (Column col : MODEL_COLUMNS) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(t.quoted(col));
        }
        for (String attr : t.attributeColumns()) {
            sb.append(", ").append(dev.sessionfeed.internal.SqlIdentifiers.quote(attr));
        }
        return sb.toString();
    }

    /**
     * Switches auto-commit back on without hiding the transaction's own failure: a broken connection fails here
     * too, and that second failure must not replace the first.
     */
    static void restoreAutoCommit(Connection c, Exception primary) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            if (primary != null) {
                primary.addSuppressed(e);
            } else {
                // The work committed; only the connection is unusable now, and a pool will discard it.
                LOG.warn("could not restore auto-commit on a connection after a successful transaction: {}", e.toString());
            }
        }
    }

    static void rollbackQuietly(Connection c, Exception primary) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // The primary failure is what the caller needs; the connection is probably broken anyway.
            primary.addSuppressed(e);
            LOG.debug("rollback failed after {}", primary.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "JdbcSnapshotBuilder{" + table + (defaultMetrics ? "" : ", custom metrics query") + '}';
    }

    /**
     * Builds a {@link JdbcSnapshotBuilder}. Not thread-safe; every setter validates its value and names the
     * property and value when it rejects it.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private SessionTable table = SessionTable.defaults();
        private String metricsQuery;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * The table mapping and scope. Default {@link SessionTable#defaults()}.
         *
         * @param table the mapping
         * @return this builder
         */
        public Builder table(SessionTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * Replaces the default metrics query. The query runs in the same transaction as the sessions query
         * (so {@code now()} and the data agree), has no parameters (write a literal {@code ?} as {@code ??}),
         * must return at most one row, and its column labels become the metric keys, in order. No row means no
         * metrics. Default: {@link #defaultMetricsQuery(SessionTable)}.
         *
         * @param sql a single {@code SELECT} (or {@code WITH ... SELECT}) statement, without a trailing semicolon
         * @return this builder
         * @throws IllegalArgumentException naming the property and value when blank or ending with a semicolon
         */
        public Builder metricsQuery(String sql) {
            Checks.notBlank("metricsQuery", sql);
            if (sql.strip().endsWith(";")) {
                throw new IllegalArgumentException("metricsQuery must be a single statement without a trailing ';', was: '"
                        + abbreviate(sql) + "'");
            }
            this.metricsQuery = sql;
            return this;
        }

        /**
         * The clock for {@link SnapshotRead#readAt()} when the metrics query returns no row (otherwise the
         * transaction's {@code now()} is used). Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Creates the builder.
         *
         * @return an immutable, thread-safe snapshot builder
         */
        public JdbcSnapshotBuilder build() {
            return new JdbcSnapshotBuilder(this);
        }

        private static String abbreviate(String s) {
            return s.length() <= 120 ? s : s.substring(0, 120) + "...(" + s.length() + " chars)";
        }
    }
}
