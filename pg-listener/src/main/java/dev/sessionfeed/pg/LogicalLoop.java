package dev.sessionfeed.pg;

import dev.sessionfeed.internal.Backoff;
import dev.sessionfeed.source.ChangeListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The logical source's stream thread: open a {@link LogicalSession} (connections, checks, slot, stream), resync, go
 * LIVE, stream; on any failure close it, report unhealthy ({@link ListenerHealth}, which resumes the polling
 * fallback) and retry after core's {@link Backoff}, forever. When the server lacks what the source needs
 * ({@link ListenUnavailableException}: wal_level, privilege, slots, senders, publication, replica identity) it says
 * so once as an ERROR naming the fix, shows the fixed reason in the status (the fallback keeps the feed correct,
 * {@code degraded}) and retries every {@code unavailableRetryInterval}.
 *
 * <p>Threading: {@link #run} is the stream thread; {@link #stop()} may be called from any thread: it aborts the
 * connections in use so a blocked read returns at once, and ends the backoff wait. An interrupt is logged and
 * ignored: only {@code stop()} ends the thread.
 */
final class LogicalLoop implements Runnable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgLogicalChangeSource.class);

    private final LogicalConfig config;
    private final PgPublicationInstaller publication;
    private final ChangeListener listener;
    private final ListenerHealth health;
    private final ListenerMetrics metrics;
    private final java.util.concurrent.ThreadFactory controlThreads;
    private final LogicalWarnings warnings;
    private final boolean hasFallback;
    private final String target;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    private volatile LogicalSession current;
    private volatile Connection opening;

    LogicalLoop(LogicalConfig config, PgPublicationInstaller publication, ChangeListener listener, ListenerHealth health,
            ListenerMetrics metrics, java.util.concurrent.ThreadFactory controlThreads, LogicalWarnings warnings, boolean hasFallback,
            String target) {
        this.config = config;
        this.publication = publication;
        this.listener = listener;
        this.health = health;
        this.metrics = metrics;
        this.controlThreads = controlThreads;
        this.warnings = warnings;
        this.hasFallback = hasFallback;
        this.target = target;
    }

    boolean isStopped() {
        return stopped.get();
    }

    /** Ends the loop: aborts the session in use and the backoff wait. Idempotent; never blocks. */
    void stop() {
        if (stopped.compareAndSet(false, true)) {
            stoppedLatch.countDown();
            LogicalSession s = current;
            if (s != null) {
                s.abort();
            }
            Connection c = opening;
            if (c != null) {
                ListenerConnection.abort(c);
            }
        }
    }

    @Override
    public void run() {
        Backoff backoff = new Backoff(config.initialBackoff(), config.maxBackoff());
        boolean everConnected = false;
        String lastFailure = null;
        String lastUnavailable = null;
        LOG.info("streaming changes of {} from publication {} at {} ({} slot)", config.table().qualifiedTable(), config.publication(),
                target, config.slotName() == null ? "temporary" : "permanent '" + config.slotName() + "'");
        while (!stopped.get()) {
            LogicalSession session = new LogicalSession(config, publication, metrics, listener, warnings);
            current = session;
            boolean live = false;
            try {
                session.open(c -> {
                    opening = c;
                    if (stopped.get()) {
                        ListenerConnection.abort(c);
                    }
                });
                if (stopped.get()) {
                    break;
                }
                metrics.backendPid(session.walsenderPid());
                if (everConnected) {
                    metrics.reconnected();
                    LOG.info("logical replication reconnected to {} (walsender pid {}, slot {}) after: {}", target,
                            session.walsenderPid(), session.slot(), lastFailure);
                }
                live = true;
                backoff.reset();
                if (lastUnavailable != null) {
                    LOG.info("logical replication works again on {}: {}", target, "the server and publication are ready");
                }
                lastUnavailable = null;
                // The slot exists (its consistent point is behind us): every later commit is streamed, and the full
                // read that this resync causes sees every earlier one.
                metrics.resync();
                listener.onResync(everConnected ? "logical replication reconnected; changes made meanwhile are read again"
                        : "logical replication connected");
                everConnected = true;
                health.listening(null);
                session.stream(stopped::get, controlThreads);
            } catch (ListenUnavailableException e) {
                disconnected(session);
                if (stopped.get()) {
                    break;
                }
                lastFailure = e.getMessage();
                if (!e.getMessage().equals(lastUnavailable)) {
                    lastUnavailable = e.getMessage();
                    LOG.error("logical replication cannot work on {}: {}. Staying on the polling fallback{}; retrying every {} ms.",
                            target, e.getMessage(), hasFallback ? "" : " (none configured: changes are NOT seen)",
                            config.unavailableRetryInterval().toMillis());
                }
                health.unhealthy(e.reason());
                await(config.unavailableRetryInterval());
            } catch (Throwable e) {
                disconnected(session);
                if (stopped.get()) {
                    break;
                }
                lastFailure = ReconnectLoop.describe(e);
                int attempt = backoff.attempts();
                if (live) {
                    LOG.warn("logical replication from {} lost: {}; reconnecting", target, lastFailure);
                    LOG.debug("logical replication failure", e);
                } else if (attempt == 0 || attempt % 10 == 0) {
                    LOG.warn("cannot start logical replication from {} (attempt {}): {}", target, attempt + 1, lastFailure);
                } else {
                    LOG.debug("cannot start logical replication from {} (attempt {}): {}", target, attempt + 1, lastFailure);
                }
                health.unhealthy(ListenerHealth.DISCONNECTED);
                if (!(e instanceof SQLException)) {
                    LOG.error("unexpected failure in the logical replication thread; reconnecting", e);
                }
                await(backoff.nextDelay());
            } finally {
                disconnected(session);
            }
        }
        LOG.debug("logical replication thread ends");
    }

    private void disconnected(LogicalSession session) {
        current = null;
        opening = null;
        metrics.backendPid(0);
        session.close();
    }

    private void await(Duration d) {
        try {
            stoppedLatch.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            LOG.warn("logical replication thread interrupted; it stops only when the source is closed");
            Thread.interrupted();
        }
    }
}
