package dev.sessionfeed.jdbc;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.NamedThreadFactory;
import dev.sessionfeed.internal.jdbc.FallbackPollers;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.source.SourceStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import javax.sql.DataSource;

/**
 * Detects changes by running one cheap query periodically: the change source that needs nothing but
 * {@code SELECT} rights, and the fallback that {@code PgNotifyChangeSource} switches on while LISTEN/NOTIFY is
 * unhealthy.
 *
 * <h2>Detection</h2>
 * Every {@linkplain Builder#interval interval} (default 1 s) one query computes a fingerprint of the sessions in
 * scope; when it differs from the previous poll's, the source reports a resync. How the fingerprint is computed is
 * the {@linkplain Builder#detection detection mode}:
 * <ul>
 *   <li>{@link Detection#XMIN} (the default): the number of rows in {@linkplain SessionTable scope} and the sum of a
 *       hash of each row's id and {@code xmin} (the transaction that wrote the row version). Every committed write is
 *       caught, whoever made it and whatever it set: an {@code UPDATE} that sets only {@code status} (psql, an ORM, a
 *       batch job), an insert, a delete, a row leaving the scope (archived, or ended longer ago than the retention,
 *       with no write at all) and so a change of which sessions are the newest {@code maxSessions}. It reads no
 *       column values, so it is also the cheapest per poll; a write of a column no dashboard shows costs a full read
 *       too (at most one per interval). On a relation without {@code xmin} (a view) the source detects by
 *       {@code CONTENT} instead, once, with an INFO line.</li>
 *   <li>{@link Detection#CONTENT}: the number of rows in scope and the sum of a 64-bit hash of each row <em>as the
 *       snapshot builder reads it</em> (every mapped column and attribute, text cut to {@code maxTextLength} in SQL
 *       as the read does): ignores writes of unshown columns and sees data a view joins from other tables, at about
 *       three times the cost of {@code XMIN}. Being a function of the content only, it cannot see a change that is
 *       made after a poll, read by the feed (through a resync, a refresh or the reconcile) and undone before the next
 *       poll: the undoing is then shown at the next change or reconcile.</li>
 *   <li>{@link Detection#UPDATED_AT}: count, maximum and sum of {@code updated_at} over the scope. It sees an update
 *       only if the writer moves {@code updated_at}; choose it only when every writer does (or a trigger does it for
 *       them, such as {@code PgTriggerInstaller...touchUpdatedAt(true)}).</li>
 * </ul>
 * All three are set-based, never a watermark ("rows newer than the last poll"): the fingerprint is a function of
 * the committed rows the poll's statement sees. So a transaction that began before a poll and commits after it is
 * caught by the next poll, whatever its start time or transaction id; VACUUM FREEZE, xid wraparound and
 * subtransactions cannot hide a change (see {@link Detection#XMIN}). Measured cost per poll: BENCHMARKS.md, scenario
 * "polling", and docs/core.md, "Polling change detection".
 *
 * <p>A host can {@linkplain Builder#detectionQuery replace the query}; the fingerprint is then all values of all
 * rows it returns. A custom metrics query that reads other tables or columns is not covered by any mode: those
 * changes appear with the feed's periodic reconcile.
 *
 * <p>When the fingerprint changes, the source calls
 * {@link ChangeListener#onResync(String) onResync("polling detected a change")}: a fingerprint cannot say which
 * sessions changed, so the feed re-reads everything. That is what makes polling cheap per interval (one aggregate
 * query returning one row however many admins are connected) and expensive per change (a full read); it is meant
 * for low write rates or as a fallback.
 *
 * <h2>Lifecycle and health</h2>
 * <ul>
 *   <li>{@link #start(ChangeListener)} starts one daemon thread (default name {@code sessionfeed-poller}). The
 *       first successful poll records the fingerprint and reports {@code onResync("polling started")}, so changes
 *       made before it are not lost.</li>
 *   <li>A failing query is logged at WARN once per failure streak (then DEBUG), reported as
 *       {@link FeedStatus#RECOVERING} through {@link ChangeListener#onStatus}, and retried on the normal
 *       schedule; the thread never dies. The first successful poll after a failure reports
 *       {@link FeedStatus#LIVE} ("polling recovered") and then a resync.</li>
 *   <li>Runs never overlap: a poll that takes longer than the interval makes the next ones start late, missed
 *       ticks are skipped rather than queued.</li>
 * </ul>
 *
 * <h2>As a fallback</h2>
 * {@code PgNotifyChangeSource} can take a polling source (not started) as its fallback: it then starts it suspended
 * and switches it on only while LISTEN/NOTIFY is down. That personality is internal to SessionFeed; this type's API
 * is only the polling source's.
 *
 * <p>Thread-safe. {@link #close()} is idempotent, and joins the thread for at most the query timeout plus 2 s (a
 * thread still blocked beyond that, for example in connecting, is logged and abandoned; it is a daemon).
 */
public final class PollingChangeSource implements SessionChangeSource {

    /** How much longer than the query timeout {@link #close()} waits for a poll in progress. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(2);

    static {
        FallbackPollers.install(s -> s.loop);
    }

    private final PollLoop loop;
    private final String tableName;
    private final Duration interval;

    private PollingChangeSource(Builder b) {
        DetectionQuery query = new DetectionQuery(b.dataSource, b.table, b.detection, b.detectionQuery, b.queryTimeout);
        this.tableName = b.table.qualifiedTable();
        this.interval = b.interval;
        ThreadFactory tf = b.threadFactory != null ? b.threadFactory : NamedThreadFactory.single("sessionfeed-poller");
        this.loop = new PollLoop(query, tableName, b.interval, b.queryTimeout.plus(CLOSE_MARGIN), tf);
    }

    /**
     * Starts a builder.
     *
     * @param dataSource where to poll; every poll borrows one connection and closes it
     * @return a builder with the defaults documented on its setters
     * @throws NullPointerException if {@code dataSource} is null
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The default change-detection query for a table mapping: the one of {@link Detection#XMIN} (two parameters:
     * the scope's hidden statuses and retention), for a relation that has {@code xmin}; on a view the source uses
     * {@link Detection#CONTENT}'s.
     *
     * @param t the table mapping
     * @return the SQL text
     * @throws NullPointerException naming {@code table}
     */
    public static String defaultDetectionQuery(SessionTable t) {
        return detectionQuery(t, Detection.XMIN);
    }

    /**
     * The built-in change-detection query of a mode for a table mapping (two parameters: the scope's hidden statuses
     * as a {@code text[]} and the retention in microseconds). Useful to inspect the query plan, or as the start of a
     * custom query.
     *
     * @param t         the table mapping
     * @param detection the mode
     * @return the SQL text
     * @throws NullPointerException naming {@code table} or {@code detection}
     */
    public static String detectionQuery(SessionTable t, Detection detection) {
        Objects.requireNonNull(t, "table");
        Objects.requireNonNull(detection, "detection");
        return DetectionQuery.sql(t, detection);
    }

    /**
     * Starts the polling thread and polls at once.
     *
     * @param listener where to report
     * @throws NullPointerException  if {@code listener} is null
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(ChangeListener listener) {
        loop.start(listener);
    }

    /**
     * The source's status: {@link FeedStatus#RECOVERING} while polls fail, else {@link FeedStatus#LIVE}.
     *
     * @return the status
     */
    @Override
    public FeedStatus status() {
        return loop.status();
    }

    /**
     * The stats snapshot: {@code received} counts polls that detected a change, {@code resyncs} all resyncs
     * reported (including after start and recovery), {@code reconnects} recoveries after failed polls;
     * {@code probes} / {@code probeRoundTripNanos} count the successful polls and their total time (borrowing the
     * connection and running the detection query: the cost of polling), {@code lastProbeRoundTrip} is the last
     * one's; the other values stay at their defaults.
     *
     * @return the counters
     */
    @Override
    public SourceStats stats() {
        return loop.stats();
    }

    /**
     * Stops polling and joins the thread, for at most the query timeout plus 2 s (a poll in progress ends within its
     * query timeout). Idempotent; restores the caller's interrupt flag.
     */
    @Override
    public void close() {
        loop.close();
    }

    @Override
    public String toString() {
        return loop.toString();
    }

    /**
     * How a polling source computes the fingerprint it compares between polls. Every mode runs one aggregate query
     * over the {@linkplain SessionTable scope} that returns one row; they differ in what they read and so in what
     * they can see. Measured cost per poll: BENCHMARKS.md, scenario "polling".
     */
    public enum Detection {
        /**
         * The number of rows in scope and the sum of a 64-bit hash of each row as the snapshot builder reads it (every
         * mapped column and attribute, text cut to {@code maxTextLength} in SQL). Catches every committed insert,
         * update of a shown column (whether or not {@code updated_at} moves), delete and move out of the scope; a
         * write of an unshown column is not a change; works for any relation the snapshot builder reads, including a
         * view that joins other tables. It reads every shown value of every row in scope per poll. A change made after
         * a poll, read by the feed and undone before the next poll (A → B → A) is not seen: the fingerprint is back to
         * A's, while the feed shows B until the next change or the reconcile. Uses {@code hash_record_extended}
         * (PostgreSQL 14+); where the server cannot hash a row that way (older servers, a column type without a hash
         * function) it hashes the row's text form, once with an INFO line, at about twice the cost.
         */
        CONTENT,
        /**
         * Count, maximum and sum of {@code updated_at} over the scope: an update is seen only when the writer moves
         * {@code updated_at}. For hosts whose every writer does (or whose trigger does it for them); inserts, deletes
         * and moves out of the scope are seen either way.
         */
        UPDATED_AT,
        /**
         * The default: the number of rows in scope and the sum of a hash of each row's id and {@code xmin} (the
         * transaction that wrote the row version). Every committed write makes a new row version with a new
         * {@code xmin}, so every insert, update (of any column), delete and move out of the scope is caught, and a
         * change undone before the next poll too (the undoing is another new version); it reads no column values, so
         * it is the cheapest mode per poll and needs nothing from writers. A write of a column no dashboard shows also
         * causes a full read (at most one per interval). Robust to VACUUM FREEZE (PostgreSQL 9.4+ keeps the raw
         * {@code xmin}), wraparound (a row would need its own previous {@code xmin} back within one interval, 2^32
         * transactions) and subtransactions (a rolled-back one leaves the old version, a released one commits with its
         * parent), since it compares sets rather than a watermark. A relation without {@code xmin} (a view) is polled
         * by {@link #CONTENT} instead, decided once at the first poll that finds the relation.
         */
        XMIN
    }

    /**
     * Builds a {@link PollingChangeSource}. Not thread-safe; every setter validates its value and names the
     * property and value when it rejects it.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private SessionTable table = SessionTable.defaults();
        private Duration interval = Duration.ofSeconds(1);
        private Duration queryTimeout = Duration.ofSeconds(10);
        private Detection detection = Detection.XMIN;
        private String detectionQuery;
        private ThreadFactory threadFactory;

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
         * Time between the starts of two polls; a change is seen at most this long after it commits (plus the
         * query time). Default 1 s.
         *
         * @param interval 50 ms to 1 h
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = Checks.durationBetween("interval", interval, Duration.ofMillis(50), Duration.ofHours(1));
            return this;
        }

        /**
         * How long one poll may take before the driver cancels it (JDBC query timeout, whole seconds, rounded
         * down, at least 1 s). Default 10 s.
         *
         * @param timeout 1 s to 10 min
         * @return this builder
         */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = Checks.durationBetween("queryTimeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How changes are detected; see {@link Detection}. Default {@link Detection#XMIN}: every committed write,
         * at the lowest cost per poll ({@link Detection#CONTENT} on a view). {@link Detection#CONTENT} ignores writes
         * of unshown columns at about three times the cost; {@link Detection#UPDATED_AT} misses every write that does not
         * move {@code updated_at}. A {@linkplain #detectionQuery custom query} replaces any of them.
         *
         * @param detection the mode
         * @return this builder
         */
        public Builder detection(Detection detection) {
            this.detection = Objects.requireNonNull(detection, "detection");
            return this;
        }

        /**
         * Replaces the built-in change-detection query ({@link #detectionQuery(SessionTable, Detection)}). It has no
         * parameters (write a literal {@code ?} as {@code ??}); all values of all rows it returns form the
         * fingerprint, and any difference between two polls causes a resync. It should be cheap (it runs every
         * interval) and must change whenever a session in scope is inserted, updated, deleted or leaves the scope.
         *
         * @param sql a single query without a trailing semicolon
         * @return this builder
         */
        public Builder detectionQuery(String sql) {
            Checks.notBlank("detectionQuery", sql);
            if (sql.strip().endsWith(";")) {
                throw new IllegalArgumentException("detectionQuery must be a single statement without a trailing ';', was: '"
                        + (sql.length() <= 120 ? sql : sql.substring(0, 120) + "...") + "'");
            }
            this.detectionQuery = sql;
            return this;
        }

        /**
         * The factory of the polling thread. Default: a daemon thread named {@code sessionfeed-poller}.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * Creates the source; call {@link PollingChangeSource#start} to start it.
         *
         * @return a new source
         */
        public PollingChangeSource build() {
            return new PollingChangeSource(this);
        }
    }
}
