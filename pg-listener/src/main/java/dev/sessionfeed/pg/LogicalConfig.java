package dev.sessionfeed.pg;

import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * The validated, immutable configuration of one {@link PgLogicalChangeSource}, frozen by its builder (which validates
 * every value as it is set). Thread-safe (immutable; the thread factory and fallback are the host's).
 *
 * @param url                      the validated {@code jdbc:postgresql:} URL
 * @param user                     the user, or null
 * @param password                 the password, or null
 * @param table                    the table mapping
 * @param publication              the publication name
 * @param slotName                 a permanent slot's name, or null for a temporary slot per connection
 * @param applicationName          {@code application_name} of both connections
 * @param probeInterval            time between heartbeat probes
 * @param probeDeadline            a probe's deadline; also the socket timeout of the control connection's queries
 * @param statusInterval           time between standby status updates
 * @param checkInterval            time between publication, identity and slot checks
 * @param connectTimeout           TCP connect timeout
 * @param initialBackoff           reconnect backoff's first wait
 * @param maxBackoff               reconnect backoff's cap
 * @param unavailableRetryInterval retry pace while the server lacks what the source needs
 * @param maxTransactionRows       rows of one transaction delivered as rows; a larger one becomes a resync
 * @param fallback                 the host's polling source, or null
 * @param noFallback               no fallback at all
 * @param fallbackInterval         the default fallback's interval
 * @param threadFactory            the host's thread factory, or null
 */
record LogicalConfig(String url, String user, String password, SessionTable table, String publication, String slotName,
                     String applicationName, Duration probeInterval, Duration probeDeadline, Duration statusInterval,
                     Duration checkInterval, Duration connectTimeout, Duration initialBackoff, Duration maxBackoff,
                     Duration unavailableRetryInterval, int maxTransactionRows, PollingChangeSource fallback, boolean noFallback,
                     Duration fallbackInterval, ThreadFactory threadFactory) {

    /** The default stream thread name. */
    static final String THREAD_NAME = "sessionfeed-pg-logical";
    /** The default control thread name (probes and checks, one per connection). */
    static final String CONTROL_THREAD_NAME = "sessionfeed-pg-logical-control";
    /** The default {@code application_name}. */
    static final String DEFAULT_APPLICATION_NAME = "sessionfeed-logical";
    /** The prefix of the heartbeat probe messages ({@code pg_logical_emit_message}). */
    static final String PROBE_PREFIX = "sessionfeed-probe";

    /** How long a stalled connection may keep the stream thread: the probe deadline, plus a second to be aborted. */
    Duration stalledWaitBound() {
        return probeDeadline.plusSeconds(1);
    }

    @Override
    public String toString() {
        // No password.
        return "LogicalConfig{" + table.qualifiedTable() + ", publication=" + publication + ", slot="
                + (slotName == null ? "temporary" : slotName) + '}';
    }
}
