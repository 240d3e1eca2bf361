package dev.sessionfeed.pg;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.NamedThreadFactory;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.internal.Threads;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.source.SourceStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A trigger-free {@link SessionChangeSource} on PostgreSQL logical replication: it streams the sessions table's
 * changes from the write-ahead log with the built-in {@code pgoutput} plugin, from a publication
 * ({@link PgPublicationInstaller}). Each change carries its row ({@link ChangeListener#onRowChange}), so the feed
 * applies it without re-reading: a change costs the database no statement, and committing writers pay nothing beyond
 * their WAL (no NOTIFY, whose commit-time global lock serialises every notifying commit).
 *
 * <p>Guarantees, as {@link PgNotifyChangeSource}'s:
 * <ul>
 *   <li><b>Slots.</b> By default a <em>temporary</em> slot per connection: it disappears with the connection, so
 *       an application that is gone never makes PostgreSQL retain WAL. {@link Builder#permanentSlot} names a
 *       permanent one instead; its lag is in {@link SourceStats#slotLagBytes()}, an invalidated one
 *       ({@code wal_status = lost}, past {@code max_slot_wal_keep_size}) is dropped and recreated, and a WARN says
 *       so when the server has no such limit.</li>
 *   <li><b>Resync after every (re)connect</b>: the slot is created (its consistent point reached) before the feed
 *       is told to rebuild, so nothing committed meanwhile is missed.</li>
 *   <li><b>Liveness</b>: every {@link Builder#probeInterval} (2 s) a second, ordinary connection emits a logical
 *       decoding message ({@code pg_logical_emit_message}) that must come back through the stream within
 *       {@link Builder#probeDeadline} (3 s); a killed walsender, a half-open or frozen connection is found within
 *       about interval + deadline (also a read stalled inside a message: the stream thread blocks in
 *       {@code PGReplicationStream.read()}, so an idle stream costs no CPU, and the control thread aborts it). The message is
 *       also the heartbeat that lets the slot advance on an otherwise idle database.</li>
 *   <li><b>Reconnect forever</b> with capped exponential backoff and equal jitter ({@link Builder#reconnectBackoff},
 *       100 ms to 5 s); a polling fallback ({@link Builder#fallback}) keeps the feed correct meanwhile (status
 *       {@code degraded}).</li>
 *   <li><b>Clear errors</b>: {@code wal_level} not {@code logical}, no {@code REPLICATION} privilege, pg_hba.conf
 *       refusing replication, {@code max_replication_slots} or {@code max_wal_senders} exhausted, the publication
 *       missing or without the table, a replica identity that does not carry the id, a standby, PostgreSQL before
 *       14: one ERROR naming the setting and the fix, a fixed status reason, the fallback, and a retry every
 *       {@link Builder#unavailableRetryInterval}. The feed starts degraded rather than not at all. The publication
 *       and identity are checked again every {@link Builder#checkInterval}.</li>
 *   <li>{@code synchronous_commit = off}: detected at connect and logged once with the latency to expect (a
 *       walsender sends only flushed WAL: up to 3 × {@code wal_writer_delay}).</li>
 * </ul>
 * The role needs the {@code REPLICATION} attribute (or superuser) and pg_hba.conf must admit its replication
 * connection; PostgreSQL 14 or later with {@code wal_level = logical}. A transaction that changes more than
 * {@link Builder#maxTransactionRows} sessions becomes one resync instead of its rows; a TRUNCATE a full read.
 *
 * <p>Threading: thread-safe. A stream thread ({@value #THREAD_NAME}) and, per connection, a control thread (probes and
 * checks), plus the default
 * fallback's poller; listener calls come from the stream thread (and the fallback's while it is active).
 * {@link #close()} is idempotent: it aborts both connections, joins the threads (bounded) and closes a fallback it
 * created.
 */
public final class PgLogicalChangeSource implements SessionChangeSource {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgLogicalChangeSource.class);

    /** The default stream thread name. */
    public static final String THREAD_NAME = LogicalConfig.THREAD_NAME;
    /** The live status reason. */
    static final String STREAMING = "streaming changes from the WAL";

    private final LogicalConfig config;
    private final String target;
    private final Fallback fallback;
    private final ListenerMetrics metrics = new ListenerMetrics();
    private final LogicalWarnings warnings = new LogicalWarnings();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ListenerHealth health;
    private volatile LogicalLoop loop;
    private volatile Thread thread;

    private PgLogicalChangeSource(LogicalConfig config, PGSimpleDataSource polling) {
        this.config = config;
        this.target = ConnectionSource.withoutQuery(config.url());
        this.fallback = Fallback.of(config.fallback(), config.noFallback(), polling, config.table(), config.fallbackInterval(),
                config.threadFactory());
    }

    /**
     * Starts a builder. Each (re)connect opens two connections with {@link java.sql.DriverManager}: an ordinary one
     * (checks, probes) and a replication one ({@code replication=database}).
     *
     * @param jdbcUrl  a {@code jdbc:postgresql:} URL
     * @param user     the user (may be null when the URL carries it); needs the REPLICATION attribute
     * @param password the password (may be null)
     * @return a builder with the defaults documented on its setters
     * @throws IllegalArgumentException naming {@code jdbcUrl} when it is not a PostgreSQL URL
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        return new Builder(ConnectionSource.checkedUrl(jdbcUrl), user, password);
    }

    /**
     * Starts streaming on a new thread. Returns at once; the first connect happens on that thread.
     *
     * @param listener where changes go
     * @throws IllegalStateException if already started or closed
     */
    @Override
    public void start(ChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("PgLogicalChangeSource is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("PgLogicalChangeSource already started");
        }
        ListenerHealth h = new ListenerHealth(listener, fallback, STREAMING);
        health = h;
        if (fallback != null) {
            fallback.start(h.fallbackListener());
        }
        PgPublicationInstaller publication = PgPublicationInstaller.builder().table(config.table())
                .publication(config.publication()).build();
        ThreadFactory host = config.threadFactory();
        ThreadFactory control = host != null ? host : NamedThreadFactory.single(LogicalConfig.CONTROL_THREAD_NAME);
        LogicalLoop l = new LogicalLoop(config, publication, listener, h, metrics, control, warnings, fallback != null, target);
        loop = l;
        Thread t = (host != null ? host : NamedThreadFactory.single(LogicalConfig.THREAD_NAME)).newThread(l);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        thread = t;
        t.start();
    }

    /**
     * The current status: {@link FeedStatus#LIVE} while streaming; otherwise the fallback's ({@code degraded} while
     * its polls succeed), {@code recovering} without one or while it fails.
     *
     * @return the status
     */
    @Override
    public FeedStatus status() {
        ListenerHealth h = health;
        return h == null ? FeedStatus.RECOVERING : h.status();
    }

    /**
     * Why the status is what it is: a short, fixed sentence ("streaming changes from the WAL", "listener
     * disconnected; polling fallback active", "logical replication unavailable: wal_level is not logical; polling
     * fallback active", ...), never driver text.
     *
     * @return the reason
     */
    public String statusReason() {
        ListenerHealth h = health;
        if (h != null) {
            return h.reason();
        }
        return closed.get() ? "closed" : "not started";
    }

    /**
     * Whether the last connect found {@code synchronous_commit = off} for the source's role and database: changes
     * then reach the feed only when the WAL writer flushes them (up to 3 × {@code wal_writer_delay}).
     *
     * @return true when asynchronous commits were detected
     */
    public boolean asynchronousCommitDetected() {
        return warnings.isSynchronousCommitOff();
    }

    /**
     * The stats: {@code received} (row changes and truncates delivered), {@code resyncs}, {@code reconnects},
     * {@code rejected} (rows or messages the source could not use), {@code probes} with their cumulative and last
     * round trip (emit → back through the stream), {@code backendPid} (the walsender's pid, 0 while disconnected),
     * {@code slotLagBytes} (read every check interval).
     *
     * @return a new immutable snapshot; cheap, any thread
     */
    @Override
    public SourceStats stats() {
        return metrics.snapshot();
    }

    /**
     * Stops streaming: aborts both connections (a temporary slot disappears with them), joins the stream thread for at
     * most the probe deadline + 2 s (its control thread is joined by it), closes a fallback this source created.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ListenerHealth h = health;
        if (h != null) {
            h.close();
        }
        LogicalLoop l = loop;
        if (l != null) {
            l.stop();
        }
        Threads.joinBounded(thread, config.stalledWaitBound().plusSeconds(1), LOG, "its current connect attempt");
        if (fallback != null) {
            fallback.close();
        }
    }

    @Override
    public String toString() {
        return "PgLogicalChangeSource{" + config + ", status=" + status() + '}';
    }

    /**
     * Builds a {@link PgLogicalChangeSource}. Every setter validates and its message names the property and the
     * value. Not thread-safe.
     */
    public static final class Builder {
        private final String url;
        private final String user;
        private final String password;
        private SessionTable table = SessionTable.defaults();
        private String publication = PgPublicationInstaller.DEFAULT_PUBLICATION;
        private String slotName;
        private String applicationName = LogicalConfig.DEFAULT_APPLICATION_NAME;
        private Duration probeInterval = Duration.ofSeconds(2);
        private Duration probeDeadline = Duration.ofSeconds(3);
        private Duration statusInterval = Duration.ofSeconds(10);
        private Duration checkInterval = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration unavailableRetryInterval = Duration.ofSeconds(10);
        private int maxTransactionRows = 10_000;
        private PollingChangeSource fallback;
        private boolean noFallback;
        private Duration fallbackInterval = Duration.ofSeconds(1);
        private ThreadFactory threadFactory;

        private Builder(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        /**
         * The table mapping: which table's changes are streamed and how the id column is named. Default
         * {@link SessionTable#defaults()}; must be the one the feed's snapshot builder uses.
         *
         * @param table the mapping
         * @return this builder
         */
        public Builder table(SessionTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * The publication to stream. Default {@value PgPublicationInstaller#DEFAULT_PUBLICATION}.
         *
         * @param name an identifier ({@code [A-Za-z_][A-Za-z0-9_$]{0,62}})
         * @return this builder
         */
        public Builder publication(String name) {
            this.publication = SqlIdentifiers.validate("publication", name);
            return this;
        }

        /**
         * Streams from a permanent slot of this name (created when missing) instead of a temporary slot per
         * connection. A permanent slot retains WAL while the application is away: set {@code max_slot_wal_keep_size}
         * on the server. The feed still resyncs after every reconnect. Default: a temporary slot.
         *
         * @param name lower-case letters, digits and {@code _}, 1 to 63 characters (PostgreSQL's slot name rule)
         * @return this builder
         */
        public Builder permanentSlot(String name) {
            Objects.requireNonNull(name, "permanentSlot");
            if (!name.matches("[a-z0-9_]{1,63}")) {
                throw new IllegalArgumentException("permanentSlot must be 1-63 characters of [a-z0-9_], was: '"
                        + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'");
            }
            this.slotName = name;
            return this;
        }

        /**
         * The {@code application_name} of both connections. Default {@value LogicalConfig#DEFAULT_APPLICATION_NAME}.
         *
         * @param name 1-63 printable ASCII characters
         * @return this builder
         */
        public Builder applicationName(String name) {
            this.applicationName = ConnectionSource.checkedApplicationName(name);
            return this;
        }

        /**
         * Time between heartbeat probes. Default 2 s.
         *
         * @param interval 50 ms to 10 min
         * @return this builder
         */
        public Builder probeInterval(Duration interval) {
            this.probeInterval = Checks.durationBetween("probeInterval", interval, Duration.ofMillis(50), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How long a probe may take to come back through the stream; also the socket timeout of the control
         * connection. Default 3 s.
         *
         * @param deadline 100 ms to 10 min
         * @return this builder
         */
        public Builder probeDeadline(Duration deadline) {
            this.probeDeadline = Checks.durationBetween("probeDeadline", deadline, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Time between standby status updates (the confirmed position the server may forget WAL up to). Default 10 s;
         * must stay below the server's {@code wal_sender_timeout} (60 s by default).
         *
         * @param interval 100 ms to 1 min
         * @return this builder
         */
        public Builder statusInterval(Duration interval) {
            this.statusInterval = Checks.durationBetween("statusInterval", interval, Duration.ofMillis(100), Duration.ofMinutes(1));
            return this;
        }

        /**
         * Time between checks of the publication, the replica identity and the slot (its lag). Default 10 s.
         *
         * @param interval 50 ms to 1 h
         * @return this builder
         */
        public Builder checkInterval(Duration interval) {
            this.checkInterval = Checks.durationBetween("checkInterval", interval, Duration.ofMillis(50), Duration.ofHours(1));
            return this;
        }

        /**
         * TCP connect timeout of both connections (pgjdbc counts whole seconds). Default 5 s.
         *
         * @param timeout 1 s to 10 min
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Checks.durationBetween("connectTimeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Reconnect backoff (SessionFeed's one backoff: capped exponential, equal jitter, no attempt limit). Defaults
         * 100 ms and 5 s.
         *
         * @param initial 1 ms to 1 min
         * @param max     at least {@code initial}, at most 10 min
         * @return this builder
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            Duration i = Checks.durationBetween("reconnectBackoff.initial", initial, Duration.ofMillis(1), Duration.ofMinutes(1));
            this.maxBackoff = Checks.durationBetween("reconnectBackoff.max", max, i, Duration.ofMinutes(10));
            this.initialBackoff = i;
            return this;
        }

        /**
         * Retry pace while the server lacks what the source needs (wal_level, privilege, slots, senders, publication).
         * Default 10 s.
         *
         * @param interval 50 ms to 1 h
         * @return this builder
         */
        public Builder unavailableRetryInterval(Duration interval) {
            this.unavailableRetryInterval = Checks.durationBetween("unavailableRetryInterval", interval, Duration.ofMillis(50),
                    Duration.ofHours(1));
            return this;
        }

        /**
         * The most session rows one transaction may deliver as rows; a larger transaction (a bulk archive, an import)
         * becomes one resync (a full read) instead, which bounds the memory one transaction costs. Default 10,000.
         *
         * @param rows 1 to 1,000,000
         * @return this builder
         */
        public Builder maxTransactionRows(int rows) {
            if (rows < 1 || rows > 1_000_000) {
                throw new IllegalArgumentException("maxTransactionRows must be between 1 and 1000000, was " + rows);
            }
            this.maxTransactionRows = rows;
            return this;
        }

        /**
         * The host's polling fallback (not started; the source starts it suspended and resumes it only while the
         * stream is down; the host closes it). Default: one built from the URL, polling {@link #table} every
         * {@link #fallbackInterval}.
         *
         * @param source the fallback
         * @return this builder
         */
        public Builder fallback(PollingChangeSource source) {
            this.fallback = Objects.requireNonNull(source, "fallback");
            this.noFallback = false;
            return this;
        }

        /**
         * No fallback: while the stream is down the status is {@code recovering} and changes wait for the resync.
         *
         * @return this builder
         */
        public Builder noFallback() {
            this.noFallback = true;
            this.fallback = null;
            return this;
        }

        /**
         * The default fallback's interval. Default 1 s.
         *
         * @param interval 10 ms to 1 h
         * @return this builder
         */
        public Builder fallbackInterval(Duration interval) {
            this.fallbackInterval = Checks.durationBetween("fallbackInterval", interval, Duration.ofMillis(10), Duration.ofHours(1));
            return this;
        }

        /**
         * The host's thread factory for the stream, control and default fallback threads. Default: SessionFeed's
         * named daemon threads.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * Creates the source (no connection yet: {@link #start} connects on its thread).
         *
         * @return the source
         */
        public PgLogicalChangeSource build() {
            LogicalConfig c = new LogicalConfig(url, user, password, table, publication, slotName, applicationName, probeInterval,
                    probeDeadline, statusInterval, checkInterval, connectTimeout, initialBackoff, maxBackoff, unavailableRetryInterval,
                    maxTransactionRows, fallback, noFallback, fallbackInterval, threadFactory);
            return new PgLogicalChangeSource(c, ConnectionSource.pollingDataSource(url, user, password, connectTimeout,
                    applicationName + "-fallback"));
        }
    }
}
