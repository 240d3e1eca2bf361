package dev.sessionfeed.pg.internal;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.SourceStats;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LISTEN loop behind {@code PgNotifyChangeSource}: one dedicated connection, one thread.
 *
 * <p>Each connection goes through: connect, refuse hot standbys ({@code pg_is_in_recovery()}), LISTEN on the
 * channel and on a private probe channel, prove delivery with a first probe, then {@code onResync} and
 * {@link FeedStatus#LIVE}. While live, the thread waits in {@code getNotifications(pollTimeout)}, sends a
 * self-addressed probe every {@code probeInterval} that must come back within {@code probeDeadline} (the socket
 * read timeout is the same deadline, so a frozen connection fails the probe query itself), and checks
 * {@code pg_notification_queue_usage()}. Any failure closes the connection and reconnects after a capped
 * exponential backoff with full jitter, forever; the fallback runs meanwhile.
 *
 * <p>Thread-safe: {@link #start}, {@link #close} and the getters may be called from any thread.
 */
public final class PgListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.sessionfeed.pg.PgNotifyChangeSource");
    private static final long REJECT_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long QUEUE_WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The watchdog thread's name when the default thread factory is used. */
    static final String WATCHDOG_THREAD_NAME = "sessionfeed-pg-watchdog";

    private final ListenerSettings settings;
    private final PayloadParser parser;
    private final String probeChannel;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final RateLimitedWarning rejectWarning = new RateLimitedWarning(LOG, REJECT_WARN_INTERVAL_NANOS);
    private final RateLimitedWarning queueWarning = new RateLimitedWarning(LOG, QUEUE_WARN_INTERVAL_NANOS);

    private volatile ChangeListener listener;
    private volatile Thread thread;
    private volatile Connection current;
    private volatile FeedStatus status = FeedStatus.RECOVERING;
    private volatile String statusReason = "not started";
    private volatile long lastProbeRoundTripNanos = -1;
    private volatile double lastQueueUsage = Double.NaN;
    private volatile int listenerBackendPid;
    // The watchdog: pgjdbc's getNotifications(timeout) drops the socket timeout to 0 (infinite) once the first byte
    // of a message has arrived, so a TCP path that freezes in the middle of a notification would block the listener
    // thread forever and its probe deadline would never be checked. The watchdog aborts such a connection.
    private volatile Connection waitingOn;
    private volatile long waitDeadlineNanos;
    private volatile String watchdogReason;
    private volatile Thread watchdog;

    private final Object statusLock = new Object();
    // Guarded by statusLock.
    private boolean listening;
    private FeedStatus fallbackStatus;
    private String unhealthyReason = "not connected";

    /**
     * Creates a listener; nothing happens before {@link #start}.
     *
     * @param settings the validated configuration
     */
    public PgListener(ListenerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.parser = new PayloadParser(settings.maxPayloadLength());
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        this.probeChannel = "sessionfeed_probe_" + HexFormat.of().formatHex(b);
    }

    /**
     * Starts the listener thread (and the fallback, suspended).
     *
     * @param changeListener where to report
     * @throws IllegalStateException when already started or closed
     */
    public void start(ChangeListener changeListener) {
        Objects.requireNonNull(changeListener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("PgNotifyChangeSource is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("PgNotifyChangeSource already started");
        }
        this.listener = changeListener;
        if (settings.fallback() != null) {
            settings.fallback().start(new FallbackListener(changeListener));
        }
        status = FeedStatus.RECOVERING;
        statusReason = "connecting to " + settings.target();
        Thread t = settings.threadFactory().newThread(this::run);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        thread = t;
        Thread w = settings.threadFactory().newThread(this::watch);
        if (w == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        if (w.getName().equals(dev.sessionfeed.pg.PgNotifyChangeSource.THREAD_NAME)) {
            w.setName(WATCHDOG_THREAD_NAME);
        }
        watchdog = w;
        t.start();
        w.start();
    }

    /**
     * The current status.
     *
     * @return the status
     */
    public FeedStatus status() {
        return status;
    }

    /**
     * Why the status is what it is.
     *
     * @return a short text
     */
    public String statusReason() {
        return statusReason;
    }

    /**
     * Counters since start.
     *
     * @return a snapshot of the counters
     */
    public SourceStats stats() {
        return SourceStats.builder().received(received.get()).resyncs(resyncs.get()).reconnects(reconnects.get()).rejected(rejected.get()).build();
    }

    /**
     * The round trip of the last successful probe.
     *
     * @return nanoseconds, or -1 before the first probe
     */
    public long lastProbeRoundTripNanos() {
        return lastProbeRoundTripNanos;
    }

    /**
     * Probes that came back since start.
     *
     * @return the count
     */
    public long probes() {
        return probes.get();
    }

    /**
     * The last {@code pg_notification_queue_usage()} read.
     *
     * @return 0..1, or NaN before the first check
     */
    public double lastQueueUsage() {
        return lastQueueUsage;
    }

    /**
     * The backend process id of the current listener connection.
     *
     * @return the pid, or 0 while disconnected
     */
    public int backendPid() {
        return listenerBackendPid;
    }

    /**
     * The private channel the probes use.
     *
     * @return the channel name
     */
    public String probeChannel() {
        return probeChannel;
    }

    /**
     * Stops the thread (aborting a blocked read), closes the connection and, if owned, the fallback. Idempotent;
     * returns within about the poll timeout. Restores the caller's interrupt flag.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closedLatch.countDown();
        Connection c = current;
        if (c != null) {
            abort(c);
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            long joinMillis = settings.pollTimeout().plus(settings.probeDeadline()).plusSeconds(1).toMillis();
            boolean interrupted = false;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(joinMillis);
            while (t.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("listener thread {} did not stop within {} ms; it ends after its current connect attempt", t.getName(), joinMillis);
                    break;
                }
                try {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        Thread w = watchdog;
        if (w != null && w != Thread.currentThread()) {
            try {
                w.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (settings.fallback() != null && settings.ownsFallback()) {
            settings.fallback().close();
        }
        status = FeedStatus.RECOVERING;
        statusReason = "closed";
    }

    // ---------------------------------------------------------------------------------------------------------
    // The listener thread

    private void run() {
        int attempt = 0;
        boolean everConnected = false;
        String lastFailure = null;
        String lastUnavailable = null;
        LOG.info("listening for changes on channel '{}' at {}", settings.channel(), settings.target());
        while (!closed.get()) {
            Connection c = null;
            boolean live = false;
            try {
                c = open();
                current = c;
                if (closed.get()) {
                    break;
                }
                PGConnection pg = establish(c);
                if (everConnected) {
                    reconnects.incrementAndGet();
                    LOG.info("listener reconnected to {} (backend pid {}) after: {}", settings.target(), listenerBackendPid, lastFailure);
                }
                live = true;
                attempt = 0;
                lastUnavailable = null;
                resync(everConnected ? "listener reconnected; changes made meanwhile may have been missed" : "listener connected");
                everConnected = true;
                setLive("listening on channel " + settings.channel());
                listen(c, pg);
            } catch (ListenUnavailableException e) {
                closeQuietly(c);
                if (closed.get()) {
                    break;
                }
                lastFailure = e.getMessage();
                if (!e.getMessage().equals(lastUnavailable)) {
                    lastUnavailable = e.getMessage();
                    LOG.error("LISTEN/NOTIFY cannot work on {}: {}. Staying on the polling fallback{}; retrying every {} ms.",
                            settings.target(), e.getMessage(), settings.fallback() == null ? " (none configured: changes are NOT seen)" : "",
                            settings.unavailableRetryInterval().toMillis());
                }
                setUnhealthy(e.getMessage());
                await(settings.unavailableRetryInterval());
                continue;
            } catch (Throwable e) {
                closeQuietly(c);
                if (closed.get()) {
                    break;
                }
                lastFailure = describe(e);
                String stalled = watchdogReason;
                if (stalled != null) {
                    watchdogReason = null;
                    lastFailure = stalled;
                }
                if (live) {
                    LOG.warn("listener connection to {} lost: {}; reconnecting", settings.target(), lastFailure);
                    LOG.debug("listener connection failure", e);
                } else if (attempt == 0 || attempt % 10 == 0) {
                    LOG.warn("cannot connect the listener to {} (attempt {}): {}", settings.target(), attempt + 1, lastFailure);
                } else {
                    LOG.debug("cannot connect the listener to {} (attempt {}): {}", settings.target(), attempt + 1, lastFailure);
                }
                setUnhealthy("listener disconnected: " + lastFailure);
                if (!(e instanceof SQLException)) {
                    // Not a database failure: a bug or a JVM error. Logged with its stack; the loop still goes on.
                    LOG.error("unexpected failure in the listener thread; reconnecting", e);
                }
                await(backoff(attempt));
                attempt = Math.min(attempt + 1, 30);
                continue;
            } finally {
                current = null;
                listenerBackendPid = 0;
                closeQuietly(c);
            }
        }
        LOG.debug("listener thread ends");
    }

    private Connection open() throws SQLException {
        Connection c = settings.connections().open();
        try {
            c.setAutoCommit(true);
            c.setNetworkTimeout(Runnable::run, (int) settings.probeDeadline().toMillis());
            c.setClientInfo("ApplicationName", settings.applicationName());
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    /** LISTEN, then prove delivery with one probe. Returns the unwrapped connection. */
    private PGConnection establish(Connection c) throws SQLException {
        PGConnection pg;
        try {
            pg = c.unwrap(PGConnection.class);
        } catch (SQLException e) {
            throw new ListenUnavailableException("the connection is not a PostgreSQL JDBC (pgjdbc) connection: " + e.getMessage());
        }
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), pg_backend_pid()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    throw new ListenUnavailableException("the server is a hot standby (pg_is_in_recovery() = true); "
                            + "LISTEN/NOTIFY only work on the primary: point the listener at the primary");
                }
                listenerBackendPid = rs.getInt(2);
            }
            try {
                st.execute("LISTEN " + SqlIdentifiers.quote(settings.channel()));
                st.execute("LISTEN " + SqlIdentifiers.quote(probeChannel));
            } catch (SQLException e) {
                if ("25006".equals(e.getSQLState()) || "0A000".equals(e.getSQLState())) {
                    throw new ListenUnavailableException("LISTEN is refused (" + e.getSQLState() + ": " + e.getMessage() + ")");
                }
                throw e;
            }
        }
        // Prove that this connection really receives notifications (a transaction-mode pooler runs LISTEN and
        // NOTIFY on different server connections: queries work, notifications never arrive).
        String token = sendProbe(c);
        long sent = System.nanoTime();
        long deadline = sent + settings.probeDeadline().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ListenUnavailableException("a probe notification on the private channel " + probeChannel
                        + " did not come back within " + settings.probeDeadline().toMillis() + " ms although queries work; "
                        + "is a transaction- or statement-mode pooler (PgBouncer, RDS Proxy) between the listener and PostgreSQL? "
                        + "Connect the listener directly or through a session-mode pool");
            }
            PGNotification[] ns = awaitNotifications(c, pg, (int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left),
                    settings.pollTimeout().toMillis())));
            if (dispatch(ns, System.nanoTime(), token, sent)) {
                return pg;
            }
        }
    }

    /** Waits for notifications until the connection fails or the listener closes. */
    private void listen(Connection c, PGConnection pg) throws SQLException {
        int pollMillis = (int) settings.pollTimeout().toMillis();
        long probeInterval = settings.probeInterval().toNanos();
        long probeDeadline = settings.probeDeadline().toNanos();
        long queueInterval = settings.queueCheckInterval().toNanos();
        long now = System.nanoTime();
        long nextProbe = now + probeInterval;
        long nextQueueCheck = now;
        String outstanding = null;
        long probeSent = 0;
        while (!closed.get()) {
            PGNotification[] ns = awaitNotifications(c, pg, pollMillis);
            now = System.nanoTime();
            if (dispatch(ns, now, outstanding, probeSent)) {
                outstanding = null;
                nextProbe = now + probeInterval;
            }
            if (closed.get()) {
                break;
            }
            if (outstanding != null && now - probeSent > probeDeadline) {
                throw new SQLException("liveness probe not answered within " + settings.probeDeadline().toMillis()
                        + " ms: the connection delivers nothing (half-open or frozen)");
            }
            if (outstanding == null && now - nextProbe >= 0) {
                probeSent = System.nanoTime();
                try {
                    outstanding = sendProbe(c);
                } catch (SQLException e) {
                    throw new SQLException("liveness probe failed within the " + settings.probeDeadline().toMillis()
                            + " ms socket timeout (half-open or frozen connection?): " + e.getMessage(), e.getSQLState(), e);
                }
            }
            if (now - nextQueueCheck >= 0) {
                checkQueue(c);
                nextQueueCheck = System.nanoTime() + queueInterval;
            }
        }
    }

    /** {@code getNotifications(timeout)} under the watchdog's eye (see {@link #watch()}). */
    private PGNotification[] awaitNotifications(Connection c, PGConnection pg, int timeoutMillis) throws SQLException {
        waitDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis) + settings.probeDeadline().toNanos();
        waitingOn = c;
        try {
            return pg.getNotifications(timeoutMillis);
        } finally {
            waitingOn = null;
        }
    }

    /**
     * The watchdog thread: aborts the listener connection when one {@code getNotifications} wait has lasted longer
     * than its timeout plus the probe deadline. pgjdbc reads the rest of a message without a timeout once its first
     * byte has arrived, so a path that freezes mid-message is otherwise never noticed.
     */
    private void watch() {
        long periodMillis = Math.max(50, Math.min(250, settings.probeDeadline().toMillis() / 4));
        try {
            while (!closedLatch.await(periodMillis, TimeUnit.MILLISECONDS)) {
                try {
                    Connection c = waitingOn;
                    if (c != null && System.nanoTime() - waitDeadlineNanos > 0 && c == waitingOn) {
                        waitingOn = null;
                        long overMillis = settings.pollTimeout().plus(settings.probeDeadline()).toMillis();
                        watchdogReason = "a notification wait lasted over " + overMillis
                                + " ms (the connection stalled in the middle of a message: frozen or half-open)";
                        LOG.warn("listener connection to {} stalled inside a notification read for over {} ms; aborting it",
                                settings.target(), overMillis);
                        abort(c);
                    }
                } catch (RuntimeException e) {
                    LOG.warn("listener watchdog check failed; it keeps running", e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String sendProbe(Connection c) throws SQLException {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        try (Statement st = c.createStatement()) {
            // Literals, not bind parameters: works through any proxy (no named prepared statements); both values are
            // [a-z0-9_] by construction.
            st.execute("SELECT pg_notify('" + probeChannel + "', '" + token + "')");
        }
        return token;
    }

    private void checkQueue(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_notification_queue_usage()")) {
            rs.next();
            double usage = rs.getDouble(1);
            lastQueueUsage = usage;
            if (usage >= settings.queueWarnThreshold()) {
                queueWarning.warn(System.nanoTime(), "PostgreSQL's notification queue is {}% full (warning threshold {}%): a listener that does "
                        + "not consume, or a long-running transaction, keeps it from being cleaned up; when it is full, NOTIFY (and so every "
                        + "commit that changes {}) fails", String.format(java.util.Locale.ROOT, "%.3g", usage * 100),
                        String.format(java.util.Locale.ROOT, "%.3g", settings.queueWarnThreshold() * 100), "the sessions table");
            }
        }
    }

    /**
     * Handles one batch of notifications.
     *
     * @return true when the outstanding probe (if any) came back in this batch
     */
    private boolean dispatch(PGNotification[] ns, long now, String probeToken, long probeSent) {
        if (ns == null || ns.length == 0) {
            return false;
        }
        boolean probeBack = false;
        boolean needResync = false;
        String rejectReason = null;
        int rejectedHere = 0;
        ChangeListener l = listener;
        for (PGNotification n : ns) {
            if (probeChannel.equals(n.getName())) {
                if (probeToken != null && probeToken.equals(n.getParameter())) {
                    probeBack = true;
                    probes.incrementAndGet();
                    lastProbeRoundTripNanos = now - probeSent;
                }
                continue;
            }
            if (!settings.channel().equals(n.getName())) {
                continue;
            }
            PayloadParser.Result r = parser.parse(n.getParameter(), now);
            if (r instanceof PayloadParser.Signals) {
                for (ChangeSignal s : ((PayloadParser.Signals) r).signals()) {
                    received.incrementAndGet();
                    try {
                        l.onChange(s);
                    } catch (RuntimeException e) {
                        LOG.error("change listener failed on {}", s, e);
                    }
                }
            } else if (r instanceof PayloadParser.Resync) {
                needResync = true;
            } else {
                rejected.incrementAndGet();
                rejectedHere++;
                needResync = true;
                rejectReason = ((PayloadParser.Rejected) r).why() + " (from backend pid " + n.getPID() + ")";
            }
        }
        if (rejectReason != null) {
            rejectWarning.warn(now, "rejected {} notification payload(s) on channel '{}', last: {}; resyncing instead. Anyone who can "
                    + "connect to the database can NOTIFY: payloads are only hints", rejectedHere, settings.channel(), rejectReason);
        }
        if (needResync) {
            resync(rejectReason != null ? "rejected notification payload" : "a statement changed too many rows to list");
        }
        return probeBack;
    }

    private void resync(String reason) {
        resyncs.incrementAndGet();
        try {
            listener.onResync(reason);
        } catch (RuntimeException e) {
            LOG.error("change listener failed on resync '{}'", reason, e);
        }
    }

    /** Suspends the fallback first (after that it reports nothing), then reports LIVE. */
    private void setLive(String reason) {
        Fallback fb = settings.fallback();
        if (fb != null) {
            try {
                fb.suspend();
            } catch (RuntimeException e) {
                LOG.error("cannot suspend the polling fallback", e);
            }
        }
        synchronized (statusLock) {
            listening = true;
            fallbackStatus = null;
            publish(FeedStatus.LIVE, reason);
        }
    }

    /**
     * Reports the listener unhealthy and resumes the fallback. Until the fallback's first poll succeeds (it then
     * reports through {@link #onFallbackStatus}) nothing keeps the state correct, so the status is RECOVERING.
     */
    private void setUnhealthy(String reason) {
        if (closed.get()) {
            return;
        }
        synchronized (statusLock) {
            listening = false;
            unhealthyReason = reason;
            if (settings.fallback() == null) {
                publish(FeedStatus.RECOVERING, reason + "; no polling fallback configured");
                return;
            }
            FeedStatus s = fallbackStatus == null ? FeedStatus.RECOVERING : fallbackStatus;
            publish(s, reason + "; polling fallback " + (fallbackStatus == null ? "starting" : s == FeedStatus.DEGRADED ? "active" : "failing"));
        }
        try {
            settings.fallback().resume();
        } catch (RuntimeException e) {
            LOG.error("cannot resume the polling fallback", e);
        }
    }

    /** The fallback's own status while it is active: DEGRADED when its polls succeed, RECOVERING when they fail. */
    private void onFallbackStatus(FeedStatus fallback, String fallbackReason) {
        synchronized (statusLock) {
            if (listening) {
                return;
            }
            FeedStatus s = fallback == FeedStatus.RECOVERING ? FeedStatus.RECOVERING : FeedStatus.DEGRADED;
            fallbackStatus = s;
            publish(s, unhealthyReason + "; polling fallback " + (s == FeedStatus.DEGRADED ? "active" : "failing: " + fallbackReason));
        }
    }

    /** Sets and reports a status; callers hold statusLock. */
    private void publish(FeedStatus s, String reason) {
        if (closed.get()) {
            return;
        }
        FeedStatus before = status;
        String reasonBefore = statusReason;
        status = s;
        statusReason = reason;
        if (before != s || !reason.equals(reasonBefore)) {
            if (before != s) {
                LOG.info("status {} -> {}: {}", before.wireName(), s.wireName(), reason);
            }
            try {
                listener.onStatus(s, reason);
            } catch (RuntimeException e) {
                LOG.error("change listener failed on status {}", s, e);
            }
        }
    }

    private long backoffNanos(int attempt) {
        long initial = settings.initialBackoff().toNanos();
        long max = settings.maxBackoff().toNanos();
        long cap = attempt >= 62 ? max : Math.min(max, initial << Math.min(attempt, 40));
        if (cap <= 0) {
            cap = max;
        }
        // Full jitter: many listeners restarting together do not reconnect in lockstep.
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }

    private Duration backoff(int attempt) {
        return Duration.ofNanos(backoffNanos(attempt));
    }

    private void await(Duration d) {
        try {
            closedLatch.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Only close() ends this thread; an interrupt from elsewhere is logged and the loop goes on.
            LOG.warn("listener thread interrupted; it stops only when the source is closed");
            Thread.interrupted();
        }
    }

    private static void abort(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("aborting the listener connection failed; closing it", e);
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing the listener connection failed (it is discarded anyway)", e);
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }

    /** Forwards the fallback's signals; its status is folded into this source's single status. */
    private final class FallbackListener implements ChangeListener {
        private final ChangeListener target;

        FallbackListener(ChangeListener target) {
            this.target = target;
        }

        @Override
        public void onChange(ChangeSignal signal) {
            target.onChange(signal);
        }

        @Override
        public void onResync(String reason) {
            target.onResync(reason);
        }

        @Override
        public void onStatus(FeedStatus fallback, String reason) {
            onFallbackStatus(fallback, reason);
        }
    }

    /** LISTEN cannot work with this server or connection; retried slowly. */
    private static final class ListenUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ListenUnavailableException(String message) {
            super(message, null, false, false);
        }
    }
}
