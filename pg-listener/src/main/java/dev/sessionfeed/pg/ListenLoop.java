package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.postgresql.PGNotification;

/**
 * The steady state on one proven connection: wait for notifications ({@code pollTimeout} at a time) and dispatch
 * them; every {@code probeInterval} send a probe that must come back within {@code probeDeadline}; every
 * {@code queueCheckInterval} read the notification queue usage (and warn above the threshold, at most once a minute)
 * and check the trigger ({@link TriggerCheck}): when it goes missing or outdated the status leaves LIVE for the
 * fallback's ({@link ListenerHealth#listening}); when it is back, a resync covers what neither the trigger nor the
 * last poll saw, and the status returns to LIVE.
 * Returns when the source closes; throws when the connection fails, including a probe that does not come back.
 *
 * <p>Threading: {@link #run} runs on the listener thread only; {@code stopped} may turn true from any thread.
 */
final class ListenLoop {

    private static final long QUEUE_WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final ListenerConfig config;
    private final NotificationDispatcher dispatcher;
    private final ListenerMetrics metrics;
    private final ListenerHealth health;
    private final TriggerCheck triggerCheck;
    private final BooleanSupplier stopped;
    private final RateLimitedWarning queueWarning = new RateLimitedWarning(LOG, QUEUE_WARN_INTERVAL_NANOS);

    ListenLoop(ListenerConfig config, NotificationDispatcher dispatcher, ListenerMetrics metrics, ListenerHealth health,
            TriggerCheck triggerCheck, BooleanSupplier stopped) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.health = health;
        this.triggerCheck = triggerCheck;
        this.stopped = stopped;
    }

    /**
     * Listens on {@code c} until the source closes (returns) or the connection fails (throws).
     *
     * @param triggerProblem what the trigger check found before going live (null: in place)
     */
    void run(ListenerConnection c, String triggerProblem) throws SQLException {
        int pollMillis = (int) config.pollTimeout().toMillis();
        long probeInterval = config.probeInterval().toNanos();
        long probeDeadline = config.probeDeadline().toNanos();
        long queueInterval = config.queueCheckInterval().toNanos();
        long now = System.nanoTime();
        long nextProbe = now + probeInterval;
        long nextQueueCheck = now;
        long nextTriggerCheck = now + queueInterval; // it was checked just before going live
        String problem = triggerProblem;
        String outstanding = null;
        long probeSent = 0;
        while (!stopped.getAsBoolean()) {
            PGNotification[] ns = c.awaitNotifications(pollMillis);
            now = System.nanoTime();
            if (dispatcher.dispatch(ns, now, outstanding, probeSent)) {
                outstanding = null;
                nextProbe = now + probeInterval;
            }
            if (stopped.getAsBoolean()) {
                break;
            }
            if (outstanding != null && now - probeSent > probeDeadline) {
                throw new SQLException("liveness probe not answered within " + config.probeDeadline().toMillis()
                        + " ms: the connection delivers nothing (half-open or frozen)");
            }
            if (outstanding == null && now - nextProbe >= 0) {
                probeSent = System.nanoTime();
                try {
                    outstanding = c.sendProbe();
                } catch (SQLException e) {
                    throw new SQLException("liveness probe failed within the " + config.probeDeadline().toMillis()
                            + " ms socket timeout (half-open or frozen connection?): " + e.getMessage(), e.getSQLState(), e);
                }
            }
            if (now - nextQueueCheck >= 0) {
                checkQueue(c);
                nextQueueCheck = System.nanoTime() + queueInterval;
            }
            if (now - nextTriggerCheck >= 0) {
                problem = checkTrigger(c, problem);
                nextTriggerCheck = System.nanoTime() + queueInterval;
            }
        }
    }

    /** Checks the trigger; reports a change to the health (after a resync when it is back). Returns the new state. */
    private String checkTrigger(ListenerConnection c, String before) throws SQLException {
        String problem = triggerCheck.check(c);
        if (!Objects.equals(problem, before)) {
            if (problem == null) {
                // Changes between the fallback's last poll and the trigger's return were seen by neither.
                dispatcher.resync("change trigger restored");
            }
            health.listening(problem);
        }
        return problem;
    }

    private void checkQueue(ListenerConnection c) throws SQLException {
        double usage = c.queueUsage();
        metrics.notificationQueueUsage(usage);
        double threshold = config.queueUsageWarnThreshold();
        if (usage >= threshold) {
            queueWarning.warn(System.nanoTime(), "PostgreSQL's notification queue is {}% full (warning threshold {}%): a listener that does "
                    + "not consume, or a long-running transaction, keeps it from being cleaned up; when it is full, NOTIFY (and so every "
                    + "commit that changes {}) fails", String.format(Locale.ROOT, "%.3g", usage * 100),
                    String.format(Locale.ROOT, "%.3g", threshold * 100), "the sessions table");
        }
    }
}
