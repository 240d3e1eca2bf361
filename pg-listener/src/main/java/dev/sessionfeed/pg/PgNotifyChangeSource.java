package dev.sessionfeed.pg;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.internal.jdbc.FallbackPollers;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.source.SourceStats;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import javax.sql.DataSource;

/**
 * A {@link SessionChangeSource} that hears changes through PostgreSQL LISTEN/NOTIFY, as sent by the trigger
 * {@link PgTriggerInstaller} installs. Changes reach the feed within milliseconds of their commit.
 *
 * <p>It is built to never be silently wrong:
 * <ul>
 *   <li>One dedicated, unpooled connection (from a JDBC URL through {@link DriverManager}, or from a
 *       {@link DataSource} that must hand out unpooled connections) LISTENs on the validated, quoted channel.
 *       A thread named {@code sessionfeed-pg-listener} (daemon; or from your {@link ThreadFactory}) waits in
 *       {@code getNotifications} with a positive timeout ({@link Builder#pollTimeout}, default 500 ms).</li>
 *   <li>Liveness: every {@link Builder#probeInterval} (default 2 s) the source NOTIFYs itself on a private
 *       channel; the notification must come back within {@link Builder#probeDeadline} (default 3 s), which is also
 *       the connection's socket read timeout. A half-open or frozen connection is therefore replaced within
 *       about interval + deadline (≤ 5.5 s by default), not after TCP keepalive's hours.</li>
 *   <li>On any failure the connection is closed and reopened with capped exponential backoff and equal jitter
 *       ({@link Builder#reconnectBackoff}, default 100 ms to 5 s), forever. After every (re)connect it LISTENs
 *       first, proves delivery with a probe, and only then calls {@link ChangeListener#onResync}, so changes made
 *       while nobody listened are picked up by the rebuild.</li>
 *   <li>Status: {@link FeedStatus#LIVE} while listening. While disconnected the {@linkplain Builder#fallback
 *       fallback} (a {@link PollingChangeSource}, by default built from the same data source or URL) is resumed:
 *       the status is {@link FeedStatus#DEGRADED} while its polls succeed and {@link FeedStatus#RECOVERING} until
 *       the first one does or while they fail (for example while PostgreSQL itself is down). Without a fallback it
 *       is {@link FeedStatus#RECOVERING}. The fallback is suspended before the status returns to LIVE.</li>
 *   <li>The trigger is checked after every connect and every {@link Builder#queueCheckInterval}
 *       ({@link Builder#trigger}): while it is missing or outdated no notification may come, so the status is the
 *       fallback's (as while disconnected) with a reason saying so, one ERROR is logged, and once it is back a
 *       resync and LIVE follow. A feed is never {@code live} while it could be stale.</li>
 *   <li>Status reasons are short, fixed sentences ({@link #statusReason()}): they reach every dashboard, so they
 *       never carry driver text, host names or ports; the details are in the server log.</li>
 *   <li>Payloads are hints: they are parsed strictly (only the shapes the triggers send, at most
 *       {@link Builder#maxPayloadLength} characters, ids at most 256 characters); anything else causes a resync and
 *       a warning logged at most once per 10 s with a count. The {@code status} field is never used: rows are
 *       re-read by id.</li>
 *   <li>When LISTEN cannot work — a hot standby ({@code pg_is_in_recovery()}), or a transaction-mode pooler
 *       where probe notifications never arrive although queries work — it says so in an ERROR log and in
 *       {@link #statusReason()}, stays on the fallback, and retries every
 *       {@link Builder#unavailableRetryInterval} (default 30 s).</li>
 *   <li>{@code pg_notification_queue_usage()} is read every {@link Builder#queueCheckInterval} (default 10 s)
 *       and a warning is logged above {@link Builder#queueUsageWarnThreshold} (default 0.5).</li>
 * </ul>
 *
 * <p>Benchmark and monitoring hooks: {@link #stats()} (counters: received, resyncs, reconnects, rejected, probes with
 * their cumulative round trip; gauges: last probe round trip, notification queue usage, listener backend pid) and
 * {@link dev.sessionfeed.source.ChangeSignal#receivedNanos()} on every signal.
 *
 * <p>Threading: thread-safe; every method may be called from any thread. The source runs a listener thread and a
 * watchdog thread (see {@link Builder#threadFactory}); listener calls are made on the listener thread, and on the
 * fallback's polling thread while the fallback is active. {@link #close()} is idempotent: it aborts the connection
 * (so a blocked read returns at once), joins the listener thread for at most poll timeout + probe deadline + 1 s
 * and the watchdog for at most 1 s, and closes the fallback if this source created it.
 */
public final class PgNotifyChangeSource implements SessionChangeSource {

    /** The default listener thread name. */
    public static final String THREAD_NAME = ListenerConfig.THREAD_NAME;
    /** The default {@code application_name} of the listener connection (visible in {@code pg_stat_activity}). */
    public static final String DEFAULT_APPLICATION_NAME = ListenerConfig.DEFAULT_APPLICATION_NAME;

    private final PgListener listener;
    private final String channel;

    private PgNotifyChangeSource(PgListener listener, String channel) {
        this.listener = listener;
        this.channel = channel;
    }

    /**
     * Starts a source connecting with {@link DriverManager}: each (re)connect opens a new connection with the
     * connect timeout, the socket timeout and {@code ApplicationName} set.
     *
     * @param jdbcUrl  a {@code jdbc:postgresql:} URL
     * @param user     the user (may be null when the URL carries it)
     * @param password the password (may be null)
     * @return a builder with the defaults documented on its setters
     * @throws IllegalArgumentException naming {@code jdbcUrl} when it is not a PostgreSQL URL
     */
    public static Builder builder(String jdbcUrl, String user, String password) {
        return new Builder(ConnectionSource.checkedUrl(jdbcUrl), user, password, null);
    }

    /**
     * Starts a source taking its connection from {@code dataSource}. The data source must hand out
     * <em>unpooled</em> PostgreSQL (pgjdbc) connections, such as {@code org.postgresql.ds.PGSimpleDataSource}: a
     * pool would keep the LISTEN registration on a connection others then use. Its own connect and login
     * timeouts apply; the socket timeout and {@code ApplicationName} are set on each connection.
     *
     * @param dataSource the data source
     * @return a builder with the defaults documented on its setters
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(null, null, null, Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Starts listening on a new thread. Returns at once; the first connect happens on that thread.
     *
     * @param changeListener where to report
     * @throws IllegalStateException when already started or closed
     */
    @Override
    public void start(ChangeListener changeListener) {
        listener.start(changeListener);
    }

    /**
     * The status: {@link FeedStatus#LIVE} while listening with a proven connection, {@link FeedStatus#DEGRADED}
     * while disconnected with the fallback's polls succeeding, {@link FeedStatus#RECOVERING} before the first
     * connect, after close, or while disconnected with no working fallback.
     *
     * @return the status
     */
    @Override
    public FeedStatus status() {
        return listener.status();
    }

    /**
     * Why the status is what it is, for people (dashboards, health checks): one of a few fixed sentences, such as
     * "listening for changes", "listener disconnected; polling fallback active" or "change trigger missing on the
     * sessions table; polling fallback active" (the list is in docs/protocol.md). Never driver text: the details
     * (host, port, the driver's message) are in the server log.
     *
     * @return a short sentence, never null
     */
    public String statusReason() {
        return listener.statusReason();
    }

    /**
     * The stats snapshot: counters since start and gauges, as listed in the "Stats" table of docs/pg-listener.md —
     * {@code received} (signals from notifications), {@code resyncs} (each (re)connect, each batch with a rejected
     * payload or a RESYNC notice), {@code reconnects} (after a failure), {@code rejected} (payloads),
     * {@code probes} and {@code probeRoundTripNanos} (probes that came back and the sum of their round trips),
     * {@code lastProbeRoundTrip}, {@code notificationQueueUsage} (last {@code pg_notification_queue_usage()} read)
     * and {@code backendPid} (the current listener connection's server process id, 0 while disconnected). Cheap;
     * any thread.
     *
     * @return a new immutable snapshot
     */
    @Override
    public SourceStats stats() {
        return listener.stats();
    }

    /**
     * The channel this source LISTENs on.
     *
     * @return the channel name
     */
    public String channel() {
        return channel;
    }

    /**
     * Stops listening: aborts the connection, joins the threads (the listener thread for at most poll timeout +
     * probe deadline + 1 s; one still alive then is logged and abandoned), closes the fallback if this source created
     * it. Idempotent; restores the caller's interrupt flag.
     */
    @Override
    public void close() {
        listener.close();
    }

    @Override
    public String toString() {
        return "PgNotifyChangeSource{channel=" + channel + ", status=" + status() + '}';
    }

    /**
     * Builds a {@link PgNotifyChangeSource}. Every setter validates and its message names the property and the
     * value. Not thread-safe.
     */
    public static final class Builder {
        private final String jdbcUrl;
        private final String user;
        private final String password;
        private final DataSource dataSource;
        private final ListenerConfig.Draft d = new ListenerConfig.Draft();

        private Builder(String jdbcUrl, String user, String password, DataSource dataSource) {
            this.jdbcUrl = jdbcUrl;
            this.user = user;
            this.password = password;
            this.dataSource = dataSource;
        }

        /**
         * The channel to LISTEN on. Default {@value PgTriggerInstaller#DEFAULT_CHANNEL}; must equal the trigger's.
         *
         * @param channel 1-63 characters of {@code [A-Za-z0-9_$]}, not starting with a digit or {@code $}
         * @return this builder
         */
        public Builder channel(String channel) {
            d.channel = SqlIdentifiers.validate("channel", channel);
            return this;
        }

        /**
         * The {@code application_name} of the listener connection, to find it in {@code pg_stat_activity}.
         * Default {@value #DEFAULT_APPLICATION_NAME}.
         *
         * @param name 1-63 printable ASCII characters
         * @return this builder
         */
        public Builder applicationName(String name) {
            d.applicationName = ConnectionSource.checkedApplicationName(name);
            return this;
        }

        /**
         * How long one wait for notifications blocks; also bounds how quickly {@link #close()} returns. Default
         * 500 ms.
         *
         * @param timeout 10 ms to 10 s
         * @return this builder
         */
        public Builder pollTimeout(Duration timeout) {
            d.pollTimeout = Checks.durationBetween("pollTimeout", timeout, Duration.ofMillis(10), Duration.ofSeconds(10));
            return this;
        }

        /**
         * Time between liveness probes. Default 2 s.
         *
         * @param interval 50 ms to 10 min
         * @return this builder
         */
        public Builder probeInterval(Duration interval) {
            d.probeInterval = Checks.durationBetween("probeInterval", interval, Duration.ofMillis(50), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How long a probe may take to come back before the connection is declared dead; also the socket read
         * timeout of the listener connection's queries. Default 3 s.
         *
         * @param deadline 100 ms to 10 min
         * @return this builder
         */
        public Builder probeDeadline(Duration deadline) {
            d.probeDeadline = Checks.durationBetween("probeDeadline", deadline, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        /**
         * TCP connect timeout (and socket timeout during login) of the listener connection when built from a JDBC
         * URL; pgjdbc counts it in whole seconds (rounded up). Ignored for a {@link DataSource}. Default 5 s.
         *
         * @param timeout 1 s to 10 min
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            d.connectTimeout = Checks.durationBetween("connectTimeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Reconnect backoff: the n-th consecutive failed attempt waits a random time between half of and all of
         * {@code min(max, initial * 2^n)} (equal jitter, SessionFeed's one backoff). Defaults 100 ms and 5 s. There is
         * no attempt limit.
         *
         * @param initial 1 ms to 1 min
         * @param max     at least {@code initial}, at most 10 min
         * @return this builder
         */
        public Builder reconnectBackoff(Duration initial, Duration max) {
            Duration i = Checks.durationBetween("reconnectBackoff.initial", initial, Duration.ofMillis(1), Duration.ofMinutes(1));
            Duration m = Checks.durationBetween("reconnectBackoff.max", max, i, Duration.ofMinutes(10));
            d.initialBackoff = i;
            d.maxBackoff = m;
            return this;
        }

        /**
         * How often to try again while LISTEN cannot work on the server (hot standby, transaction pooler).
         * Default 30 s.
         *
         * @param interval 100 ms to 1 h
         * @return this builder
         */
        public Builder unavailableRetryInterval(Duration interval) {
            d.unavailableRetryInterval = Checks.durationBetween("unavailableRetryInterval", interval, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * How often {@code pg_notification_queue_usage()} is read and the {@linkplain #trigger trigger} checked.
         * Default 10 s.
         *
         * @param interval 100 ms to 1 h
         * @return this builder
         */
        public Builder queueCheckInterval(Duration interval) {
            d.queueCheckInterval = Checks.durationBetween("queueCheckInterval", interval, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * The queue usage (fraction of PostgreSQL's notification queue) above which a warning is logged (at most
         * once a minute). Default 0.5.
         *
         * @param threshold greater than 0, at most 1
         * @return this builder
         */
        public Builder queueUsageWarnThreshold(double threshold) {
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("queueUsageWarnThreshold must be greater than 0 and at most 1, was " + threshold);
            }
            d.queueUsageWarnThreshold = threshold;
            return this;
        }

        /**
         * The longest payload accepted; longer ones are rejected (resync). The shipped triggers never send more
         * than 7900 bytes. Default 7900.
         *
         * @param chars 64 to 7999
         * @return this builder
         */
        public Builder maxPayloadLength(int chars) {
            d.maxPayloadLength = Checks.intBetween("maxPayloadLength", chars, 64, 7999);
            return this;
        }

        /**
         * Makes the listener thread, its watchdog thread (and the default fallback's polling thread). Default: daemon
         * threads named {@value PgNotifyChangeSource#THREAD_NAME} and {@code sessionfeed-pg-watchdog} (and the
         * fallback's own default, {@code sessionfeed-poller}).
         *
         * @param factory the factory; its threads should be daemon threads
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            d.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * The table mapping and scope the default polling fallback watches, and the table of the default
         * {@linkplain #trigger trigger check}. Default {@link SessionTable#defaults()}; use the feed's mapping.
         *
         * @param table the mapping
         * @return this builder
         */
        public Builder table(SessionTable table) {
            d.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * The poll interval of the default fallback. Default 1 s.
         *
         * @param interval 50 ms to 1 h
         * @return this builder
         */
        public Builder fallbackInterval(Duration interval) {
            d.fallbackInterval = Checks.durationBetween("fallbackInterval", interval, Duration.ofMillis(50), Duration.ofHours(1));
            return this;
        }

        /**
         * The polling source resumed while LISTEN is not working and suspended while it is. It must not be started:
         * this source starts it (suspended) and forwards its signals, but does not close it (you created it).
         * Default: one built from the data source (or from the JDBC URL and credentials) with {@link #table} and
         * {@link #fallbackInterval}, which this source closes.
         *
         * @param polling the fallback
         * @return this builder
         * @throws IllegalArgumentException when it was already started
         */
        public Builder fallback(PollingChangeSource polling) {
            Objects.requireNonNull(polling, "fallback");
            if (FallbackPollers.of(polling).isStarted()) {
                throw new IllegalArgumentException("fallback must not be started, was: " + polling);
            }
            d.fallback = polling;
            d.noFallback = false;
            return this;
        }

        /**
         * The trigger this source expects. After every (re)connect and then every {@link #queueCheckInterval} the
         * source checks it ({@link PgTriggerInstaller#check(java.sql.Connection)}, two catalog queries on the listener
         * connection); while it is {@linkplain PgTriggerInstaller.InstallState#ABSENT absent} or
         * {@linkplain PgTriggerInstaller.InstallState#OUTDATED outdated} no notification may come, so the status is
         * the fallback's ({@link FeedStatus#DEGRADED} while it polls) with the reason "change trigger missing ..."
         * or "... outdated ...", one ERROR is logged, and once the trigger is back a resync and {@code LIVE} follow.
         * Default: the default trigger for {@link #table} and {@link #channel}, in either {@linkplain
         * PgTriggerInstaller.Mode mode} (with or without the {@code updated_at} trigger). Set it when you install with
         * other function names.
         *
         * @param installer the configuration you install the trigger with
         * @return this builder
         */
        public Builder trigger(PgTriggerInstaller installer) {
            d.trigger = Objects.requireNonNull(installer, "trigger");
            d.noTriggerCheck = false;
            return this;
        }

        /**
         * No trigger check: for applications that send the notifications themselves instead of through
         * {@link PgTriggerInstaller}'s trigger. The status is then {@code LIVE} whenever LISTEN works, whether or not
         * anything notifies.
         *
         * @return this builder
         */
        public Builder noTriggerCheck() {
            d.noTriggerCheck = true;
            d.trigger = null;
            return this;
        }

        /**
         * No fallback: while LISTEN is not working the status is {@link FeedStatus#RECOVERING} and changes are only
         * picked up by the resync after the reconnect (and the feed's periodic reconcile).
         *
         * @return this builder
         */
        public Builder noFallback() {
            d.noFallback = true;
            d.fallback = null;
            return this;
        }

        /**
         * Creates the source (not started).
         *
         * @return the source
         */
        public PgNotifyChangeSource build() {
            ListenerConfig config = ListenerConfig.of(d);
            ConnectionSource source = dataSource != null ? ConnectionSource.dataSource(dataSource)
                    : ConnectionSource.driverManager(jdbcUrl, user, password, config);
            return new PgNotifyChangeSource(new PgListener(config, source, Fallback.of(config, source)), config.channel());
        }
    }
}
