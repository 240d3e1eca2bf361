package dev.sessionfeed.websocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sessionfeed.audit} trail: who connected, was refused, was revoked, and every command with its result.
 * Never frame bodies, tokens or credentials. Every value that a client (or the host's authenticator, from client
 * input) chose is written through {@link LogValues#quote}: quoted, escaped (control characters, quotes) and
 * length-capped, so no value can end a line or pose as another {@code key=value} pair. Refusals (foreign Origin,
 * unauthenticated handshakes, commands refused before they run) go through a {@link RefusalLog}: counted per 10 s
 * interval with one sample, so a flood of refused input writes at most two lines per kind and interval.
 * Thread-safe.
 */
final class Audit {

    private static final Logger AUDIT = LoggerFactory.getLogger("sessionfeed.audit");
    private static final RefusalLog REFUSALS = new RefusalLog(AUDIT::info);

    private Audit() {
    }

    static void connected(String actor, String connection) {
        AUDIT.info("event=connected actor={} connection={}", LogValues.quote(actor), LogValues.quote(connection));
    }

    static void disconnected(String actor, String connection) {
        AUDIT.info("event=disconnected actor={} connection={}", LogValues.quote(actor), LogValues.quote(connection));
    }

    static void revoked(String actor, String connection) {
        AUDIT.info("event=revoked actor={} connection={}", LogValues.quote(actor), LogValues.quote(connection));
    }

    static void rejectedUnauthenticated(String connection) {
        REFUSALS.record("reason=unauthenticated", "connection=" + LogValues.quote(connection), System.nanoTime());
    }

    static void rejectedUnauthenticatedBeforeUpgrade() {
        REFUSALS.record("reason=unauthenticated stage=before_upgrade", "status=401", System.nanoTime());
    }

    static void rejectedOrigin(String origin) {
        REFUSALS.record("reason=origin", "origin=" + LogValues.quote(origin), System.nanoTime());
    }

    static void rejectedConnectionLimit(String actor, String limit, String connection) {
        REFUSALS.record("reason=connection_limit", "actor=" + LogValues.quote(actor) + " limit=" + limit
                + " connection=" + LogValues.quote(connection), System.nanoTime());
    }

    /** A command that ran (or that the handler refused): one line each; they are bounded by the rate limit. */
    static void command(String actor, String action, String sessionId, String commandId, String result,
            String connection) {
        AUDIT.info("event=command actor={} action={} sessionId={} commandId={} result={} connection={}",
                LogValues.quote(actor), LogValues.quote(action), LogValues.quote(sessionId),
                LogValues.quote(commandId), result, LogValues.quote(connection));
    }

    /** A command refused before it ran (rate limit, unknown action, missing permission, busy): aggregated. */
    static void commandRefused(String actor, String action, String sessionId, String commandId, String result,
            String connection) {
        REFUSALS.record("reason=command result=" + result, "actor=" + LogValues.quote(actor) + " action="
                + LogValues.quote(action) + " sessionId=" + LogValues.quote(sessionId) + " commandId="
                + LogValues.quote(commandId) + " connection=" + LogValues.quote(connection), System.nanoTime());
    }

    /** Writes the refusal counts of intervals that ended (the housekeeping tick). */
    static void flush(long now) {
        REFUSALS.flush(now);
    }
}
