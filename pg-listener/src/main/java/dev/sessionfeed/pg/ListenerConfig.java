package dev.sessionfeed.pg;

import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * The validated, immutable configuration of one {@link PgNotifyChangeSource}: what {@code PgNotifyChangeSource.Builder}
 * collected, frozen by {@link #of(Draft)}. The builder validates every value as it is set; this type only copies.
 * Thread-safe (immutable; the thread factory and fallback it refers to are the host's).
 */
final class ListenerConfig {

    /** The default listener thread name. */
    static final String THREAD_NAME = "sessionfeed-pg-listener";
    /** The default watchdog thread name. */
    static final String WATCHDOG_THREAD_NAME = "sessionfeed-pg-watchdog";
    /** The default {@code application_name} of the listener connection. */
    static final String DEFAULT_APPLICATION_NAME = "sessionfeed-listener";
    /** The {@code application_name} of the default fallback's polling connections. */
    static final String FALLBACK_APPLICATION_NAME = "sessionfeed-listener-fallback";

    /**
     * The builder's mutable state, with the defaults. Owned by one {@code PgNotifyChangeSource.Builder}; not
     * thread-safe. Fields are set only with values the builder has validated.
     */
    static final class Draft {
        String channel = PgTriggerInstaller.DEFAULT_CHANNEL;
        String applicationName = DEFAULT_APPLICATION_NAME;
        Duration pollTimeout = Duration.ofMillis(500);
        Duration probeInterval = Duration.ofSeconds(2);
        Duration probeDeadline = Duration.ofSeconds(3);
        Duration connectTimeout = Duration.ofSeconds(5);
        Duration initialBackoff = Duration.ofMillis(100);
        Duration maxBackoff = Duration.ofSeconds(5);
        Duration unavailableRetryInterval = Duration.ofSeconds(30);
        Duration queueCheckInterval = Duration.ofSeconds(10);
        double queueUsageWarnThreshold = 0.5;
        int maxPayloadLength = 7900;
        ThreadFactory threadFactory;
        SessionTable table = SessionTable.defaults();
        Duration fallbackInterval = Duration.ofSeconds(1);
        PollingChangeSource fallback;
        boolean noFallback;
        /** The host's expected trigger, or null for the default for {@link #table} and {@link #channel}. */
        PgTriggerInstaller trigger;
        boolean noTriggerCheck;
    }

    private final String channel;
    private final String applicationName;
    private final Duration pollTimeout;
    private final Duration probeInterval;
    private final Duration probeDeadline;
    private final Duration connectTimeout;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration unavailableRetryInterval;
    private final Duration queueCheckInterval;
    private final double queueUsageWarnThreshold;
    private final int maxPayloadLength;
    private final ThreadFactory threadFactory;
    private final SessionTable table;
    private final Duration fallbackInterval;
    private final PollingChangeSource fallback;
    private final boolean noFallback;
    private final List<PgTriggerInstaller> acceptedTriggers;

    private ListenerConfig(Draft d) {
        this.channel = d.channel;
        this.applicationName = d.applicationName;
        this.pollTimeout = d.pollTimeout;
        this.probeInterval = d.probeInterval;
        this.probeDeadline = d.probeDeadline;
        this.connectTimeout = d.connectTimeout;
        this.initialBackoff = d.initialBackoff;
        this.maxBackoff = d.maxBackoff;
        this.unavailableRetryInterval = d.unavailableRetryInterval;
        this.queueCheckInterval = d.queueCheckInterval;
        this.queueUsageWarnThreshold = d.queueUsageWarnThreshold;
        this.maxPayloadLength = d.maxPayloadLength;
        this.threadFactory = d.threadFactory;
        this.table = d.table;
        this.fallbackInterval = d.fallbackInterval;
        this.fallback = d.fallback;
        this.noFallback = d.noFallback;
        if (d.noTriggerCheck) {
            this.acceptedTriggers = List.of();
        } else if (d.trigger != null) {
            this.acceptedTriggers = List.of(d.trigger);
        } else {
            PgTriggerInstaller.Builder b = PgTriggerInstaller.builder().table(d.table).channel(d.channel);
            this.acceptedTriggers = List.of(b.mode(PgTriggerInstaller.Mode.ROW).build(), b.mode(PgTriggerInstaller.Mode.STATEMENT).build());
        }
    }

    /** Freezes the builder's current values (later changes to the draft do not show). */
    static ListenerConfig of(Draft d) {
        return new ListenerConfig(d);
    }

    /** The channel to LISTEN on (a validated identifier). */
    String channel() {
        return channel;
    }

    /** {@code application_name} of the listener connection. */
    String applicationName() {
        return applicationName;
    }

    /** How long one {@code getNotifications} call waits. */
    Duration pollTimeout() {
        return pollTimeout;
    }

    /** Time between liveness probes. */
    Duration probeInterval() {
        return probeInterval;
    }

    /** How long a probe may take; also the socket read timeout of the connection. */
    Duration probeDeadline() {
        return probeDeadline;
    }

    /** TCP connect (and login) timeout of a connection opened from a JDBC URL. */
    Duration connectTimeout() {
        return connectTimeout;
    }

    /** The first reconnect backoff base. */
    Duration initialBackoff() {
        return initialBackoff;
    }

    /** The largest reconnect backoff base. */
    Duration maxBackoff() {
        return maxBackoff;
    }

    /** Delay between attempts while LISTEN cannot work on the server. */
    Duration unavailableRetryInterval() {
        return unavailableRetryInterval;
    }

    /** Time between {@code pg_notification_queue_usage()} checks. */
    Duration queueCheckInterval() {
        return queueCheckInterval;
    }

    /** Queue usage (0..1) above which a warning is logged. */
    double queueUsageWarnThreshold() {
        return queueUsageWarnThreshold;
    }

    /** The longest payload accepted. */
    int maxPayloadLength() {
        return maxPayloadLength;
    }

    /** The host's thread factory for every thread of the source, or null for SessionFeed's named daemon threads. */
    ThreadFactory threadFactory() {
        return threadFactory;
    }

    /** The table mapping and scope of the default fallback. */
    SessionTable table() {
        return table;
    }

    /** The poll interval of the default fallback. */
    Duration fallbackInterval() {
        return fallbackInterval;
    }

    /** The host's fallback (not owned), or null for the default one (or none, see {@link #noFallback()}). */
    PollingChangeSource fallback() {
        return fallback;
    }

    /** Whether the host asked for no fallback at all. */
    boolean noFallback() {
        return noFallback;
    }

    /**
     * The trigger configurations that count as "in place" for the periodic trigger check: the host's, or the default
     * trigger for the table and channel in either mode; empty when the check is off.
     */
    List<PgTriggerInstaller> acceptedTriggers() {
        return acceptedTriggers;
    }

    /** The bound of one notification wait, after which the watchdog aborts the connection. */
    Duration stalledWaitBound() {
        return pollTimeout.plus(probeDeadline);
    }
}
