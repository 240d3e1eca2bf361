package dev.sessionfeed.websocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code sessionfeed.audit} trail: who connected, was refused, was revoked, and every command with its result.
 * Never frame bodies, tokens or credentials. Thread-safe (stateless).
 */
final class Audit {

    private static final Logger AUDIT = LoggerFactory.getLogger("sessionfeed.audit");

    private Audit() {
    }

    static void connected(String actor, String connection) {
        AUDIT.info("event=connected actor={} connection={}", actor, connection);
    }

    static void disconnected(String actor, String connection) {
        AUDIT.info("event=disconnected actor={} connection={}", actor, connection);
    }

    static void revoked(String actor, String connection) {
        AUDIT.info("event=revoked actor={} connection={}", actor, connection);
    }

    static void rejectedUnauthenticated(String connection) {
        AUDIT.info("event=rejected reason=unauthenticated connection={}", connection);
    }

    static void rejectedUnauthenticatedBeforeUpgrade() {
        AUDIT.info("event=rejected reason=unauthenticated stage=before_upgrade");
    }

    static void rejectedOrigin(String origin) {
        AUDIT.info("event=rejected reason=origin origin={}", origin);
    }

    static void command(String actor, String action, String sessionId, String commandId, String result,
            String connection) {
        AUDIT.info("event=command actor={} action={} sessionId={} commandId={} result={} connection={}",
                actor, action, sessionId, commandId, result, connection);
    }
}
