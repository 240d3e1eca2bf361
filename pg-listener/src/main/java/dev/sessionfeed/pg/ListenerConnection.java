package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One established listener connection (made by {@link ConnectionSetup}): waits for notifications under the
 * {@link Watchdog}'s eye, sends self-addressed probes, reads the notification queue usage.
 *
 * <p>Threading: confined to the listener thread, except {@link #abort()}, which any thread may call (close, the
 * watchdog) to make a blocked call on the listener thread fail at once. All calls except {@code abort} and
 * {@code close} do blocking network I/O, bounded by the socket timeout (the probe deadline) or the wait's timeout.
 */
final class ListenerConnection implements AutoCloseable {

    private final Connection connection;
    private final PGConnection pg;
    private final int backendPid;
    private final String probeChannel;
    private final Watchdog watchdog;
    private final Duration waitGrace;

    ListenerConnection(Connection connection, PGConnection pg, int backendPid, String probeChannel, Watchdog watchdog,
            Duration waitGrace) {
        this.connection = connection;
        this.pg = pg;
        this.backendPid = backendPid;
        this.probeChannel = probeChannel;
        this.watchdog = watchdog;
        this.waitGrace = waitGrace;
    }

    /** The server process id of this connection. */
    int backendPid() {
        return backendPid;
    }

    /**
     * {@code getNotifications(timeoutMillis)}, armed with the watchdog for {@code timeoutMillis} plus the probe
     * deadline. Never called with 0 (which would mean "block forever").
     */
    PGNotification[] awaitNotifications(int timeoutMillis) throws SQLException {
        watchdog.arm(this, timeoutMillis, waitGrace);
        try {
            return pg.getNotifications(Math.max(1, timeoutMillis));
        } finally {
            watchdog.disarm();
        }
    }

    /**
     * Sends a probe notification with a fresh random token on the private probe channel.
     *
     * @return the token to recognise it by
     */
    String sendProbe() throws SQLException {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        try (Statement st = connection.createStatement()) {
            // Literals, not bind parameters: works through any proxy (no named prepared statements); both values are
            // [a-z0-9_] by construction.
            st.execute("SELECT pg_notify('" + probeChannel + "', '" + token + "')");
        }
        return token;
    }

    /** Reads {@code pg_notification_queue_usage()}: 0 = empty, 1 = full. */
    double queueUsage() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_notification_queue_usage()")) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    /** {@link PgTriggerInstaller#check(Connection)} on this connection (two catalog queries). */
    PgTriggerInstaller.InstallState triggerState(PgTriggerInstaller installer) {
        return installer.check(connection);
    }

    /** Aborts the connection so that a blocked read fails at once. Any thread; never throws. */
    void abort() {
        abort(connection);
    }

    /** Closes the connection quietly. */
    @Override
    public void close() {
        closeQuietly(connection);
    }

    static void abort(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("aborting the listener connection failed; closing it", e);
            closeQuietly(c);
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("closing the listener connection failed (it is discarded anyway)", e);
        }
    }
}
