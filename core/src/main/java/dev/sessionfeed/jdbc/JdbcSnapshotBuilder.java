package dev.sessionfeed.jdbc;

import dev.sessionfeed.source.RowChange;
import java.util.Optional;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads sessions and metrics from PostgreSQL over JDBC: the {@link SnapshotBuilder} of most applications.
 *
 * <p>Every call runs <em>one</em> SQL statement that returns both the sessions and the metrics. In PostgreSQL a
 * statement sees one snapshot of the database and one {@code now()}, whatever the isolation level, so the metrics
 * always describe exactly the sessions they are published with, at the cost of one round trip per read (no
 * {@code BEGIN}, {@code SET TRANSACTION} or {@code COMMIT}). The statement has this shape (the sessions part as
 * described below):
 * <pre>{@code
 * WITH "sessionfeed$sessions" AS (SELECT l.*, row_number() OVER (ORDER BY created_at DESC, id) AS "sessionfeed$ord"
 *                                 FROM (<sessions query>) AS l)
 * SELECT s.*, m.* FROM (SELECT) AS one
 *   LEFT JOIN "sessionfeed$sessions" AS s ON true
 *   LEFT JOIN LATERAL (SELECT now() AS "sessionfeed$read_at", m.* FROM (<metrics query>) AS m
 *                      WHERE coalesce(s."sessionfeed$ord", 1) = 1 OFFSET 0) AS m ON true
 * }</pre>
 * The metrics columns are filled on the first session's row only (or on a single row without a session when
 * none is in scope), so they cross the wire once, keep their SQL types, and the metrics query runs once: its
 * condition is a one-time filter that PostgreSQL evaluates before running the metrics query for a row.
 *
 * <p>Transactions: when the borrowed connection is in auto-commit mode (the usual pooled case) nothing else is
 * sent. When it is not, the statement runs in the connection's transaction, which is then committed (or rolled
 * back on failure), so a pooled connection is never left inside a transaction; auto-commit is never switched.
 * Nothing enforces read-only access any more: the {@linkplain Builder#metricsQuery metrics query} is host code
 * and must not write.
 *
 * <p>What is read (see {@link SessionTable} for the mapping and the scope):
 * <ul>
 *   <li>{@link #buildFull()}: the sessions in scope, newest first ({@code created_at DESC, id}), at most
 *       {@link SessionTable#maxSessions()}.</li>
 *   <li>{@link #refresh(Set)}: the given ids that are in scope ({@code id = ANY(?)}, one {@code text[]}
 *       parameter). The statement does not apply the cap: the feed does, with {@link #maxSessions()} (when a
 *       refresh would grow the list beyond it, the feed drops the end of the display order and publishes those
 *       sessions as removed, see {@link dev.sessionfeed.SnapshotBuilder#maxSessions()}), so a refresh never
 *       shows more than a full read would. With no ids, the statement is the metrics query alone.</li>
 *   <li>Metrics: by default one row with the keys of {@link ChatMetrics#DEFAULT_KEYS}, computed over the
 *       sessions in scope; "last 24 h" means {@code now() - 24 hours} of the statement. Statuses
 *       {@code waiting} and {@code active} are the default query's notion of waiting and active sessions.
 *       A host can {@linkplain Builder#metricsQuery replace the query}: it must return at most one row, and its
 *       column labels become the metric keys.</li>
 * </ul>
 *
 * <p>Bounded data (see {@link SessionTable#maxTextLength()} and {@link SessionTable#maxSessionBytes()}): text fields
 * are cut in SQL ({@code left(...)}) and shown with {@code …} when longer, a session's size is computed in SQL and
 * its attributes are not sent above the cap, and a row whose id is blank or longer than 256 characters is left out,
 * each with a rate-limited warning. So one row with a 100 MB {@code subject} costs a read 501 characters of it, and
 * the feed stays live.
 *
 * <p>Column values: text columns as strings, {@code timestamptz} columns through
 * {@code getObject(..., OffsetDateTime.class)}; attribute columns and metric columns become JSON-compatible
 * values ({@code json}/{@code jsonb} parsed into maps and lists, timestamps as ISO-8601 strings, arrays as
 * lists, numbers and booleans as they are, anything else as its string form). The id may be {@code text},
 * {@code varchar}, {@code uuid}, {@code bigint} or {@code integer}: it is read as its text form and by-id reads
 * bind the ids with the column's own type ({@link SessionKey}), so they use the primary key's index. The mapping
 * is checked against the catalog before the first read ({@link #verify()}).
 *
 * <p>Thread-safe: immutable, and every call uses its own connection from the {@link DataSource} (use a
 * pool in production).
 */
public final class JdbcSnapshotBuilder implements SnapshotBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshotBuilder.class);

    /** The default of {@link Builder#slowAcquireThreshold(Duration)}. */
    static final Duration DEFAULT_SLOW_ACQUIRE_THRESHOLD = Duration.ofMillis(2);

    /** The label of the statement's {@code now()}, added to the metrics query; never part of the metrics. */
    private static final String READ_AT = "sessionfeed$read_at";
    /** The label of a session's 1-based position in display order; never part of a session. */
    private static final String ORD = "sessionfeed$ord";

    private final DataSource dataSource;
    private final SessionTable table;
    private final Clock clock;
    /** The session columns and how a row becomes a session, within the table's data bounds. */
    private final SessionColumns columns;
    private final RowDecoder rowDecoder;
    /** Sessions in scope (scope, LIMIT) and metrics, in one statement. */
    private final String fullSql;
    /** Sessions by id (scope, id array) and metrics, in one statement. */
    private final String refreshSql;
    /** The metrics alone, for a refresh without ids. */
    private final String metricsSql;
    /** Whether the metrics query is the default query (which takes the scope's two parameters). */
    private final boolean defaultMetrics;
    /** The number of session columns (model and attributes) before the ordinal in the combined statements. */
    private final int sessionColumns;
    /** The key type, once the mapping passed the catalog check (the first read or {@link #verify()}). */
    private final AtomicReference<SessionKey> key = new AtomicReference<>();
    /** Times every connection acquire; warns once when they are slow read after read (an unpooled DataSource). */
    private final SlowAcquireWarning acquire;

    private JdbcSnapshotBuilder(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.clock = b.clock;
        this.defaultMetrics = b.metricsQuery == null;
        this.columns = new SessionColumns(table);
        this.rowDecoder = new RowDecoder(table, columns);
        this.sessionColumns = columns.count();
        this.acquire = new SlowAcquireWarning(LOG, "JdbcSnapshotBuilder of " + table.qualifiedTable(), b.slowAcquireThreshold);
        String metrics = defaultMetrics ? defaultMetricsQuery(table) : b.metricsQuery;
        String order = table.quoted(Column.CREATED_AT) + " DESC, " + table.quoted(Column.ID);
        String select = "SELECT " + columns.selectList() + " FROM " + table.relation() + columns.fromSuffix() + " WHERE "
                + ScopeSql.condition(table);
        this.fullSql = combined(select + " ORDER BY " + order + " LIMIT ?", metrics);
        this.refreshSql = combined(select + " AND " + table.quoted(Column.ID) + " = ANY (?) ORDER BY " + order, metrics);
        this.metricsSql = "SELECT now() AS \"" + READ_AT + "\", m.* FROM (" + metrics + "\n) AS m";
    }

    /**
     * One statement returning the sessions of {@code sessionsSql} (in display order, numbered by
     * {@value #ORD}) and the metrics on the first row only. The metrics query is neither repeated per row nor
     * inspected: its columns follow the session columns with their own types. Without a session in scope there
     * is one row whose session columns are null, so the metrics are still read. The {@code OFFSET 0} keeps the
     * lateral subquery from being flattened into the join: its condition then stays a one-time filter, so the
     * metrics query runs for one row only, whatever the planner estimates (verified with EXPLAIN ANALYZE at 10k
     * sessions). The numbering is done over the already ordered rows, so PostgreSQL does not sort again, and the
     * statement has no outer ORDER BY: rows are put in order by their number when read, which spares a sort of
     * the wide joined rows.
     */
    private static String combined(String sessionsSql, String metricsQuery) {
        String order = SessionColumns.alias(Column.CREATED_AT) + " DESC, " + SessionColumns.alias(Column.ID);
        return "WITH \"sessionfeed$sessions\" AS (SELECT l.*, row_number() OVER (ORDER BY " + order + ") AS \"" + ORD
                + "\" FROM (" + sessionsSql + ") AS l)\n"
                + "SELECT s.*, m.* FROM (SELECT) AS one\n"
                + " LEFT JOIN \"sessionfeed$sessions\" AS s ON true\n"
                + " LEFT JOIN LATERAL (SELECT now() AS \"" + READ_AT + "\", m.* FROM (" + metricsQuery + "\n) AS m"
                + " WHERE coalesce(s.\"" + ORD + "\", 1) = 1 OFFSET 0) AS m ON true";
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
     * The default metrics query for a table mapping, as embedded in every read's statement (two parameters: the
     * scope's hidden statuses and retention; it runs on its own too). Useful as a starting point for a custom
     * query.
     *
     * @param t the table mapping
     * @return the SQL text
     */
    public static String defaultMetricsQuery(SessionTable t) {
        String status = t.statusText();
        String created = t.quoted(Column.CREATED_AT);
        String ended = t.quoted(Column.ENDED_AT);
        String firstResponse = t.quoted(Column.FIRST_RESPONSE_AT);
        String agent = t.quoted(Column.AGENT_ID);
        String day = "now() - INTERVAL '24 hours'";
        return "WITH s AS (SELECT " + status + " AS status, " + agent + " AS agent_id, " + created + " AS created_at, "
                + ended + " AS ended_at, " + firstResponse + " AS first_response_at FROM " + t.relation()
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
     * Checks the table mapping against the database's catalog now, instead of on the first read: the base table
     * exists and has the id column, the key's type is supported (see {@link SessionKey}), every mapped column
     * exists in the relation sessions are read from, and every field has a type the read can handle (status: text,
     * varchar, an enum, or an integer with {@link SessionTable.Builder#statusCodes}; timestamps: {@code timestamptz};
     * {@code message_count}: an integer type). Call it at start-up to fail fast on a mapping that does not fit; the
     * first read does the same check otherwise (and a feed then reports {@code recovering} with the message). Passes
     * once per builder; a failed check is repeated by the next call or read.
     *
     * @return this builder
     * @throws SessionFeedException naming the table, the column or field, and the type found, when the mapping does
     *                              not fit, or when the database cannot be reached
     */
    public JdbcSnapshotBuilder verify() {
        CatalogCheck.onOwnConnection(dataSource, "the session mapping of " + table.qualifiedTable(), this::key);
        return this;
    }

    /**
     * The key type: configured, or read from the catalog by {@link #verify()} or the first read.
     *
     * @return the key type, or empty before the mapping was checked
     */
    public java.util.Optional<SessionKey> keyType() {
        return java.util.Optional.ofNullable(key.get());
    }

    private SessionKey key(Connection c) throws SQLException {
        SessionKey k = key.get();
        if (k == null) {
            // No lock: two first reads may both check; the answer is the same.
            k = CatalogCheck.checkRead(c, table);
            key.compareAndSet(null, k);
        }
        return k;
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
     * in one statement (one snapshot).
     *
     * @return what was read; {@code readAt} is the statement's {@code now()}
     * @throws SessionFeedException naming the table when the database cannot be read
     */
    @Override
    public SnapshotRead buildFull() {
        return read(null);
    }

    /**
     * {@inheritDoc}
     *
     * @return {@link SessionTable#maxSessions()}
     */
    @Override
    public int maxSessions() {
        return table.maxSessions();
    }

    /**
     * Re-reads the given sessions (those still in scope) and the metrics, in one statement (one snapshot). With
     * no ids, only the metrics are read (still one statement).
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

    /**
     * {@inheritDoc}
     *
     * @return true: rows carried by a change source are decoded with this builder's table mapping
     */
    @Override
    public boolean decodesRows() {
        return true;
    }

    /**
     * Decodes the row a change carries into the session a {@link #refresh} would read for it, with the same
     * scope (hidden statuses, {@code endedRetention} against {@code now}), the same text and size bounds and the
     * same value types (attribute values of types {@code json}/{@code jsonb}, {@code timestamptz},
     * {@code timestamp}, {@code date}, {@code time}, {@code bool}, integers, {@code float4/8}, {@code numeric} and
     * the text types; other types, such as arrays, make the feed re-read the row). Thread-safe, no I/O.
     *
     * @param change an INSERT or UPDATE with the new row
     * @param now    the time the retention is measured against
     * @return the session, or empty when not in scope
     * @throws IllegalArgumentException when a column is missing from the change or does not parse
     * @throws NullPointerException     if an argument is null
     */
    @Override
    public Optional<ChatSession> decodeRow(RowChange change, Instant now) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(now, "now");
        return rowDecoder.decode(change, now);
    }

    private SnapshotRead read(Set<String> ids) {
        String what = ids == null ? "full read" : "refresh of " + ids.size() + " ids";
        try (Connection c = acquire.acquire(dataSource)) {
            // Never switched: in auto-commit mode the statement is its own transaction, which is the point.
            boolean autoCommit = c.getAutoCommit();
            try {
                SnapshotRead r = readOnce(c, ids);
                if (!autoCommit) {
                    c.commit();
                }
                return r;
            } catch (SQLException | RuntimeException e) {
                if (!autoCommit) {
                    rollbackQuietly(c, e);
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new SessionFeedException("reading sessions from " + table.qualifiedTable() + " failed (" + what
                    + ", maxSessions=" + table.maxSessions() + "): " + e.getMessage(), e);
        }
    }

    /** Runs the one statement of a read. */
    private SnapshotRead readOnce(Connection c, Set<String> ids) throws SQLException {
        key(c);
        boolean withSessions = ids == null || !ids.isEmpty();
        String sql = ids == null ? fullSql : ids.isEmpty() ? metricsSql : refreshSql;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int next = 1;
            if (withSessions) {
                next = ScopeSql.bind(ps, c, table, next);
                if (ids == null) {
                    ps.setInt(next++, table.maxSessions());
                } else {
                    key(c).bindArray(ps, c, next++, ids);
                }
            }
            if (defaultMetrics) {
                ScopeSql.bind(ps, c, table, next);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return readRows(rs, withSessions ? sessionColumns + 1 : 0);
            }
        }
    }

    /**
     * Reads the rows of a read: per row, a session when its ordinal (column {@code ordColumn}) is not null, and
     * the metrics when the read time (the column after it) is not null.
     *
     * @param ordColumn the ordinal's column, or 0 when the statement has no session columns
     */
    private SnapshotRead readRows(ResultSet rs, int ordColumn) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<JdbcValues.Kind> kinds = JdbcValues.kinds(md);
        int readAtColumn = ordColumn + 1;
        List<ChatSession> sessions = new ArrayList<>();
        boolean inOrder = true;
        boolean skipped = false;
        long[] ords = new long[16];
        Instant readAt = null;
        Map<String, Object> metrics = new LinkedHashMap<>();
        while (rs.next()) {
            if (ordColumn > 0) {
                long ord = rs.getLong(ordColumn);
                if (!rs.wasNull()) {
                    int n = sessions.size();
                    inOrder &= ord == n + 1;
                    if (n == ords.length) {
                        ords = Arrays.copyOf(ords, n * 2);
                    }
                    ords[n] = ord;
                    ChatSession session = columns.read(rs, kinds);
                    skipped |= session == null;
                    sessions.add(session); // null: left out (bad id), removed after ordering
                }
            }
            OffsetDateTime at = rs.getObject(readAtColumn, OffsetDateTime.class);
            if (at != null) {
                if (readAt != null) {
                    throw new SQLException("the metrics query must return at most one row, but returned more");
                }
                readAt = at.toInstant();
                for (int i = readAtColumn + 1; i <= kinds.size(); i++) {
                    metrics.put(md.getColumnLabel(i), JdbcValues.read(rs, i, kinds.get(i - 1)));
                }
            }
        }
        if (!inOrder) {
            sessions = inOrdinalOrder(sessions, ords);
        }
        if (skipped) {
            sessions = sessions.stream().filter(Objects::nonNull).toList();
        }
        return new SnapshotRead(sessions, new ChatMetrics(metrics), readAt != null ? readAt : clock.instant());
    }

    /**
     * Puts sessions in the order of their ordinals (1..n): the statement has no outer ORDER BY. Null elements (rows
     * left out) keep their place; the caller removes them.
     */
    private static List<ChatSession> inOrdinalOrder(List<ChatSession> sessions, long[] ords) throws SQLException {
        ChatSession[] ordered = new ChatSession[sessions.size()];
        boolean[] filled = new boolean[ordered.length];
        for (int i = 0; i < sessions.size(); i++) {
            long ord = ords[i];
            if (ord < 1 || ord > ordered.length || filled[(int) ord - 1]) {
                throw new SQLException("session ordinal " + ord + " out of range or repeated in " + ordered.length + " rows");
            }
            ordered[(int) ord - 1] = sessions.get(i);
            filled[(int) ord - 1] = true;
        }
        return Arrays.asList(ordered);
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
        private Duration slowAcquireThreshold = DEFAULT_SLOW_ACQUIRE_THRESHOLD;

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
         * Replaces the default metrics query. The query is embedded as a subquery in the statement that reads
         * the sessions (so {@code now()} and the data agree), has no parameters (write a literal {@code ?} as
         * {@code ??}), must return at most one row (more fail the read), and its column labels become the metric
         * keys, in order, with their SQL types. No row means no metrics. It runs with the rights and transaction
         * mode of the borrowed connection, which is not made read-only: the query must not write (no
         * data-modifying functions). Qualify its column names: an unqualified name that none of its own tables
         * has could resolve to a session attribute column of the enclosing statement. Default: {@link #defaultMetricsQuery(SessionTable)}.
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
         * statement's {@code now()} is used). Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * When getting a connection from the DataSource counts as slow. After 3
         * slow reads in a row the builder logs one warning (once for its lifetime) that says how long acquiring took
         * and advises a connection pool: an unpooled DataSource (such as pgjdbc's {@code PGSimpleDataSource}) opens
         * a new PostgreSQL connection for every read, so every change pays a connect and an authentication
         * (measured on localhost: p50 3.8 ms, p90 15 ms; tens of milliseconds over a network). A pool hands out a
         * connection in microseconds (HikariCP: p50 1 µs), or one round trip when it validates an idle connection
         * (well under a millisecond within a data centre), so the default lies above both and below a connect.
         * Default 2 ms; {@link Duration#ZERO} turns the check off.
         *
         * @param threshold between 0 and 1 minute
         * @return this builder
         * @throws IllegalArgumentException naming the property and value when out of range
         */
        public Builder slowAcquireThreshold(Duration threshold) {
            this.slowAcquireThreshold = Checks.durationBetween("slowAcquireThreshold", threshold, Duration.ZERO,
                    Duration.ofMinutes(1));
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
