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
 * scope. The default query returns {@code count(*)}, {@code max(updated_at)} and the sum of {@code updated_at}
 * (as epoch microseconds) over the {@linkplain SessionTable scope}:
 * <ul>
 *   <li>an insert into the scope raises the count;</li>
 *   <li>an update (which must set {@code updated_at}, as the shipped schema's users do) changes the sum, even when
 *       a transaction that started earlier commits later with an older {@code updated_at} than the current
 *       maximum;</li>
 *   <li>a delete, and a move out of the scope (archived, or ended longer ago than the retention), lowers the
 *       count and the sum.</li>
 * </ul>
 * A host can {@linkplain Builder#detectionQuery replace the query}; the fingerprint is then all values of all
 * rows it returns.
 *
 * <p>When the fingerprint differs from the previous poll's, the source calls
 * {@link ChangeListener#onResync(String) onResync("polling detected a change")}: a fingerprint cannot say which
 * sessions changed, so the feed re-reads everything. That is what makes polling cheap per interval (one small
 * aggregate query however many admins are connected) and expensive per change (a full read); it is meant for
 * low write rates or as a fallback.
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
        DetectionQuery query = new DetectionQuery(b.dataSource, b.table, b.detectionQuery, b.queryTimeout);
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
     * The default change-detection query for a table mapping (two parameters: the scope's hidden statuses and
     * retention).
     *
     * @param t the table mapping
     * @return the SQL text
     */
    public static String defaultDetectionQuery(SessionTable t) {
        return DetectionQuery.defaultSql(t);
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
     * reported (including after start and recovery), {@code reconnects} recoveries after failed polls; the other
     * values stay at their defaults.
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
     * Builds a {@link PollingChangeSource}. Not thread-safe; every setter validates its value and names the
     * property and value when it rejects it.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private SessionTable table = SessionTable.defaults();
        private Duration interval = Duration.ofSeconds(1);
        private Duration queryTimeout = Duration.ofSeconds(10);
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
         * Replaces the default change-detection query ({@link #defaultDetectionQuery(SessionTable)}). It has no
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
