package dev.sessionfeed.pg.internal;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * The validated configuration of a {@link PgListener}, built by {@code PgNotifyChangeSource.Builder}.
 *
 * @param connections              opens the dedicated listener connection
 * @param target                   where it connects, for logs (no password)
 * @param channel                  the channel to LISTEN on (a validated identifier)
 * @param applicationName          {@code application_name} of the listener connection
 * @param pollTimeout              how long one {@code getNotifications} call waits
 * @param probeInterval            time between liveness probes
 * @param probeDeadline            how long a probe may take; also the socket read timeout of the connection
 * @param initialBackoff           first reconnect delay cap
 * @param maxBackoff               largest reconnect delay cap
 * @param unavailableRetryInterval delay between attempts while LISTEN cannot work on the server
 * @param queueCheckInterval       time between {@code pg_notification_queue_usage()} checks
 * @param queueWarnThreshold       queue usage (0..1) above which a warning is logged
 * @param maxPayloadLength         longest payload accepted
 * @param threadFactory            makes the listener thread
 * @param fallback                 polling fallback, or null
 * @param ownsFallback             whether closing the listener closes the fallback
 */
public record ListenerSettings(
        ConnectionFactory connections,
        String target,
        String channel,
        String applicationName,
        Duration pollTimeout,
        Duration probeInterval,
        Duration probeDeadline,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration unavailableRetryInterval,
        Duration queueCheckInterval,
        double queueWarnThreshold,
        int maxPayloadLength,
        ThreadFactory threadFactory,
        Fallback fallback,
        boolean ownsFallback) {

    /** Opens a new, unpooled connection. */
    @FunctionalInterface
    public interface ConnectionFactory {
        /**
         * Opens a connection.
         *
         * @return a new connection
         * @throws java.sql.SQLException when the server cannot be reached
         */
        java.sql.Connection open() throws java.sql.SQLException;
    }
}
