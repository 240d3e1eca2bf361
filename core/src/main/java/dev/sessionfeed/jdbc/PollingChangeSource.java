package dev.sessionfeed.jdbc;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.jdbc.ScopeSql;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.source.SourceStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *       schedule; the thread never dies. The first successful poll after a failure reports the
 *       {@linkplain Builder#activeStatus active status} and then a resync.</li>
 *   <li>Runs never overlap: a poll that takes longer than the interval makes the next ones start late, missed
 *       ticks are skipped rather than queued.</li>
 * </ul>
 *
 * <h2>As a fallback</h2>
 * Build it with {@link Builder#startSuspended(boolean) startSuspended(true)} and usually
 * {@link Builder#activeStatus(FeedStatus) activeStatus(DEGRADED)}, start it with the owner's listener, then
 * {@link #resume()} while the primary source is down (an immediate poll, then the active status and a resync) and
 * {@link #suspend()} when it is back. After {@code suspend()} returns, the source makes no further listener calls
 * until the next {@code resume()}.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and joins the thread.
 */
public final class PollingChangeSource implements SessionChangeSource {

    private static final Logger LOG = LoggerFactory.getLogger(PollingChangeSource.class);

    private final DataSource dataSource;
    private final SessionTable table;
    private final Duration interval;
    private final Duration queryTimeout;
    private final String sql;
    private final boolean defaultQuery;
    private final ThreadFactory threadFactory;
    private final FeedStatus activeStatus;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();

    // Guarded by lock.
    private boolean suspended;
    private boolean pollNow;
    /** Incremented by every resume/suspend; a poll reports only if it did not change while the query ran. */
    private long generation;
    /** The fingerprint of the last successful poll in this generation, or null: the next success resyncs. */
    private List<Object> fingerprint;
    private boolean failing;
    /** Set by resume(): the next successful poll reports the active status before its resync. */
    private boolean announce;
    private String resyncReason = "polling started";

    private volatile FeedStatus status;
    private volatile ChangeListener listener;
    private volatile Thread thread;

    private PollingChangeSource(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.interval = b.interval;
        this.queryTimeout = b.queryTimeout;
        this.defaultQuery = b.detectionQuery == null;
        this.sql = defaultQuery ? defaultDetectionQuery(table) : b.detectionQuery;
        this.threadFactory = b.threadFactory;
        this.activeStatus = b.activeStatus;
        this.suspended = b.startSuspended;
        this.status = b.activeStatus;
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
        String updated = t.quoted(SessionTable.Column.UPDATED_AT);
        return "SELECT count(*), max(" + updated + "), sum(CAST(extract(epoch FROM " + updated + ") * 1000000 AS bigint))"
                + " FROM " + t.qualifiedTable() + " WHERE " + ScopeSql.condition(t);
    }

    /**
     * Starts the polling thread. Unless built with {@code startSuspended(true)}, polls at once.
     *
     * @param listener where to report
     * @throws NullPointerException  if {@code listener} is null
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(ChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("PollingChangeSource is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("PollingChangeSource already started");
        }
        this.listener = listener;
        lock.lock();
        try {
            pollNow = true;
        } finally {
            lock.unlock();
        }
        Thread t = threadFactory.newThread(this::run);
        thread = t;
        t.start();
        LOG.debug("polling {} every {} (suspended={})", table.qualifiedTable(), interval, isSuspended());
    }

    /**
     * Stops polling until {@link #resume()}. Waits for a report in progress to finish; after it returns, no
     * listener call is made until the next {@code resume()}. Do not call it while holding a lock your listener
     * needs. Idempotent.
     */
    public void suspend() {
        lock.lock();
        try {
            if (!suspended) {
                suspended = true;
                generation++;
                LOG.debug("polling {} suspended", table.qualifiedTable());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Resumes polling: polls at once, then reports the {@linkplain Builder#activeStatus active status} and a
     * resync ({@code "polling resumed"}) when the query succeeds (or {@link FeedStatus#RECOVERING} when it fails).
     * Returns without waiting for the poll. Idempotent while running.
     */
    public void resume() {
        lock.lock();
        try {
            if (suspended) {
                suspended = false;
                generation++;
                fingerprint = null;
                failing = false;
                announce = true;
                resyncReason = "polling resumed";
                pollNow = true;
                wakeUp.signalAll();
                LOG.debug("polling {} resumed", table.qualifiedTable());
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether polling is suspended.
     *
     * @return true between {@link #suspend()} and {@link #resume()}
     */
    public boolean isSuspended() {
        lock.lock();
        try {
            return suspended;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The source's status: {@link FeedStatus#RECOVERING} while polls fail, else the configured
     * {@linkplain Builder#activeStatus active status} (also while suspended).
     *
     * @return the status
     */
    @Override
    public FeedStatus status() {
        return status;
    }

    /**
     * Counters: {@code received} counts polls that detected a change, {@code resyncs} all resyncs reported
     * (including after start, resume and recovery), {@code reconnects} recoveries after failed polls.
     *
     * @return the counters
     */
    @Override
    public SourceStats stats() {
        return new SourceStats(received.get(), resyncs.get(), reconnects.get(), 0);
    }

    /** Stops polling and joins the thread (a poll in progress ends within its query timeout). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            generation++;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            boolean interrupted = false;
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.debug("polling {} closed", table.qualifiedTable());
    }

    private void run() {
        long next = System.nanoTime();
        while (!closed.get()) {
            long gen;
            lock.lock();
            try {
                while (!closed.get()) {
                    long wait = next - System.nanoTime();
                    if (!suspended && (pollNow || wait <= 0)) {
                        break;
                    }
                    if (suspended) {
                        wakeUp.await();
                    } else {
                        wakeUp.awaitNanos(wait);
                    }
                }
                if (closed.get()) {
                    return;
                }
                pollNow = false;
                gen = generation;
            } catch (InterruptedException e) {
                // Only close() should stop the poller; a stray interrupt is logged and the schedule kept.
                LOG.warn("polling thread interrupted; it stops only on close()");
                continue;
            } finally {
                lock.unlock();
            }
            try {
                pollOnce(gen);
            } catch (Throwable t) {
                // The schedule must survive anything, including a listener that throws.
                LOG.error("polling {}: unexpected error, polling continues", table.qualifiedTable(), t);
            }
            long now = System.nanoTime();
            next += interval.toNanos();
            if (next - now <= 0) {
                // Overran: skip the missed ticks instead of running them back to back.
                next = now + interval.toNanos();
            }
        }
    }

    private void pollOnce(long gen) {
        List<Object> current;
        try {
            current = query();
        } catch (SQLException | RuntimeException e) {
            lock.lock();
            try {
                if (gen != generation) {
                    return;
                }
                if (!failing) {
                    failing = true;
                    fingerprint = null;
                    LOG.warn("polling {} failed, retrying every {}: {}", table.qualifiedTable(), interval, e.toString(), e);
                    status = FeedStatus.RECOVERING;
                    listener.onStatus(FeedStatus.RECOVERING, "polling query failed: " + e.getMessage());
                } else {
                    LOG.debug("polling {} still failing: {}", table.qualifiedTable(), e.toString());
                }
            } finally {
                lock.unlock();
            }
            return;
        }
        lock.lock();
        try {
            if (gen != generation) {
                return;
            }
            if (failing) {
                failing = false;
                reconnects.incrementAndGet();
                resyncReason = "polling recovered";
                LOG.info("polling {} recovered", table.qualifiedTable());
                status = activeStatus;
                listener.onStatus(activeStatus, "polling recovered");
            } else if (announce) {
                status = activeStatus;
                listener.onStatus(activeStatus, resyncReason);
            }
            announce = false;
            if (fingerprint == null) {
                fingerprint = current;
                resyncs.incrementAndGet();
                listener.onResync(resyncReason);
            } else if (!fingerprint.equals(current)) {
                fingerprint = current;
                received.incrementAndGet();
                resyncs.incrementAndGet();
                listener.onResync("polling detected a change");
            }
        } finally {
            lock.unlock();
        }
    }

    private List<Object> query() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setQueryTimeout((int) Math.max(1, queryTimeout.toSeconds()));
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

    @Override
    public String toString() {
        return "PollingChangeSource{" + table.qualifiedTable() + ", interval=" + interval + ", status=" + status
                + ", suspended=" + isSuspended() + '}';
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
        private ThreadFactory threadFactory = r -> {
            Thread t = new Thread(r, "sessionfeed-poller");
            t.setDaemon(true);
            return t;
        };
        private boolean startSuspended;
        private FeedStatus activeStatus = FeedStatus.LIVE;

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
         * Whether {@link PollingChangeSource#start} leaves the source suspended until
         * {@link PollingChangeSource#resume()} (the fallback use). Default false.
         *
         * @param suspended true to start suspended
         * @return this builder
         */
        public Builder startSuspended(boolean suspended) {
            this.startSuspended = suspended;
            return this;
        }

        /**
         * The status reported while polls succeed (after a resume or a recovery). Default
         * {@link FeedStatus#LIVE}; a fallback uses {@link FeedStatus#DEGRADED}.
         *
         * @param status {@code LIVE} or {@code DEGRADED}
         * @return this builder
         */
        public Builder activeStatus(FeedStatus status) {
            Objects.requireNonNull(status, "activeStatus");
            if (status == FeedStatus.RECOVERING) {
                throw new IllegalArgumentException("activeStatus must be LIVE or DEGRADED, was: RECOVERING");
            }
            this.activeStatus = status;
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
