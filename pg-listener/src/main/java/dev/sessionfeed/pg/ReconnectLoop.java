package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.internal.Backoff;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The listener thread's body: connect ({@link ConnectionSetup}), check the trigger ({@link TriggerCheck}), resync,
 * go LIVE (or, without the trigger, stay on the fallback while listening), listen ({@link ListenLoop}); on
 * any failure close the connection, report unhealthy ({@link ListenerHealth}, which resumes the fallback) and retry
 * after core's {@link Backoff} (capped exponential, equal jitter), forever. When LISTEN cannot work at all
 * ({@link ListenUnavailableException}) it says so once as an ERROR and retries every
 * {@code unavailableRetryInterval} instead.
 *
 * <p>Threading: {@link #run} is the listener thread; {@link #stop()} and {@link #isStopped()} may be called from any
 * thread. {@code stop()} aborts the connection in use so that a blocked read returns at once; the backoff wait
 * ends at once too. An interrupt of the listener thread is logged and ignored: only {@code stop()} ends it.
 */
final class ReconnectLoop implements Runnable {

    private final ListenerConfig config;
    private final ConnectionSetup setup;
    private final NotificationDispatcher dispatcher;
    private final ListenLoop listenLoop;
    private final ListenerHealth health;
    private final ListenerMetrics metrics;
    private final Watchdog watchdog;
    private final TriggerCheck triggerCheck;
    private final boolean hasFallback;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch stoppedLatch = new CountDownLatch(1);
    /** The raw connection being set up or listened on, for stop() to abort. */
    private volatile Connection current;

    ReconnectLoop(ListenerConfig config, ConnectionSetup setup, NotificationDispatcher dispatcher, ListenerHealth health,
            ListenerMetrics metrics, Watchdog watchdog, TriggerCheck triggerCheck, boolean hasFallback) {
        this.config = config;
        this.setup = setup;
        this.dispatcher = dispatcher;
        this.health = health;
        this.metrics = metrics;
        this.watchdog = watchdog;
        this.hasFallback = hasFallback;
        this.triggerCheck = triggerCheck;
        this.listenLoop = new ListenLoop(config, dispatcher, metrics, health, triggerCheck, this::isStopped);
    }

    boolean isStopped() {
        return stopped.get();
    }

    /** Ends the loop: aborts the current connection and the backoff wait. Idempotent; never blocks. */
    void stop() {
        if (stopped.compareAndSet(false, true)) {
            stoppedLatch.countDown();
            Connection c = current;
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
        LOG.info("listening for changes on channel '{}' at {}", config.channel(), setup.target());
        while (!stopped.get()) {
            ListenerConnection lc = null;
            boolean live = false;
            try {
                lc = setup.connect(c -> current = c, dispatcher);
                if (stopped.get()) {
                    break;
                }
                metrics.backendPid(lc.backendPid());
                if (everConnected) {
                    metrics.reconnected();
                    LOG.info("listener reconnected to {} (backend pid {}) after: {}", setup.target(), lc.backendPid(), lastFailure);
                }
                live = true;
                backoff.reset();
                lastUnavailable = null;
                String triggerProblem = triggerCheck.check(lc);
                dispatcher.resync(everConnected ? "listener reconnected; changes made meanwhile may have been missed" : "listener connected");
                everConnected = true;
                health.listening(triggerProblem);
                listenLoop.run(lc, triggerProblem);
            } catch (ListenUnavailableException e) {
                disconnected(lc);
                if (stopped.get()) {
                    break;
                }
                lastFailure = e.getMessage();
                if (!e.getMessage().equals(lastUnavailable)) {
                    lastUnavailable = e.getMessage();
                    LOG.error("LISTEN/NOTIFY cannot work on {}: {}. Staying on the polling fallback{}; retrying every {} ms.",
                            setup.target(), e.getMessage(), hasFallback ? "" : " (none configured: changes are NOT seen)",
                            config.unavailableRetryInterval().toMillis());
                }
                health.unhealthy(e.reason());
                await(config.unavailableRetryInterval());
            } catch (Throwable e) {
                disconnected(lc);
                if (stopped.get()) {
                    break;
                }
                lastFailure = describe(e);
                String stalled = watchdog.takeStallReason();
                if (stalled != null) {
                    lastFailure = stalled;
                }
                int attempt = backoff.attempts();
                if (live) {
                    LOG.warn("listener connection to {} lost: {}; reconnecting", setup.target(), lastFailure);
                    LOG.debug("listener connection failure", e);
                } else if (attempt == 0 || attempt % 10 == 0) {
                    LOG.warn("cannot connect the listener to {} (attempt {}): {}", setup.target(), attempt + 1, lastFailure);
                } else {
                    LOG.debug("cannot connect the listener to {} (attempt {}): {}", setup.target(), attempt + 1, lastFailure);
                }
                // Dashboards see a fixed sentence; the failure itself (which may name the host and port) is logged above.
                health.unhealthy(ListenerHealth.DISCONNECTED);
                if (!(e instanceof SQLException)) {
                    // Not a database failure: a bug or a JVM error. Logged with its stack; the loop still goes on.
                    LOG.error("unexpected failure in the listener thread; reconnecting", e);
                }
                await(backoff.nextDelay());
            } finally {
                disconnected(lc);
            }
        }
        LOG.debug("listener thread ends");
    }

    /** Closes the connection (if any) before waiting to retry. Idempotent. */
    private void disconnected(ListenerConnection lc) {
        current = null;
        metrics.backendPid(0);
        if (lc != null) {
            lc.close();
        }
    }

    private void await(Duration d) {
        try {
            stoppedLatch.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Only stop() ends this thread; an interrupt from elsewhere is logged and the loop goes on.
            LOG.warn("listener thread interrupted; it stops only when the source is closed");
            Thread.interrupted();
        }
    }

    /** A failure for the server log on one line (shared with {@link LogicalLoop}). */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }
}
