package dev.sessionfeed.server;

import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection with 1008 when its token expires ({@code exp} plus the clock skew): at the handshake the
 * authenticator schedules the close of exactly that identity instance (each handshake gets its own, so an admin's
 * other connections with later tokens stay open). A task whose connection closed earlier finds nothing to close.
 * One named daemon thread. Thread-safe; {@link #close()} is idempotent.
 */
final class ExpiryCloser implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExpiryCloser.class);
    /** A connection still being opened when its token expired is looked for again this much later. */
    private static final Duration RECHECK = Duration.ofSeconds(2);

    private final AtomicReference<SessionFeedEndpoint> endpoint = new AtomicReference<>();
    private final Duration skew;
    private final Clock clock;
    private final LongAdder closed = new LongAdder();
    private final ScheduledThreadPoolExecutor timer;

    ExpiryCloser(Duration skew, Clock clock) {
        this.skew = skew;
        this.clock = clock;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sessionfeed-server-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** @param e the endpoint whose connections are closed (set once it exists) */
    void endpoint(SessionFeedEndpoint e) {
        endpoint.set(e);
    }

    /**
     * Schedules the close of the connection authenticated as {@code identity}.
     *
     * @param identity  the identity instance the authenticator returns for this handshake
     * @param expiresAt the token's {@code exp}
     */
    void closeAtExpiry(AdminIdentity identity, Instant expiresAt) {
        long delay = Math.max(0, Duration.between(clock.instant(), expiresAt.plus(skew)).toMillis());
        timer.schedule(() -> expire(identity, true), delay, TimeUnit.MILLISECONDS);
    }

    private void expire(AdminIdentity identity, boolean recheck) {
        try {
            SessionFeedEndpoint e = endpoint.get();
            int n = e == null ? 0 : e.revoke(id -> id == identity);
            if (n > 0) {
                closed.add(n);
                log.info("Closed {} connection(s) of {}: token expired", n, LogText.of(identity.name()));
            } else if (recheck) {
                timer.schedule(() -> expire(identity, false), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException ex) {
            log.warn("Closing an expired connection failed: {}", ex.toString());
        }
    }

    /** @return connections closed because their token expired */
    long closedConnections() {
        return closed.sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
