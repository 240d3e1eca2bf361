package dev.sessionfeed.pg;

import dev.sessionfeed.internal.SqlIdentifiers;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Makes a listener connection ready, in HikariCP's {@code PoolBase} manner (setup and validation apart from the
 * loop that uses them): open it (autocommit, socket timeout = probe deadline, {@code ApplicationName}), refuse a hot
 * standby, LISTEN on the channel and on a private probe channel, and prove with one probe round trip that
 * notifications really arrive (a transaction-mode pooler passes queries, not notifications).
 *
 * <p>Threading: {@link #connect} runs on the listener thread and does blocking network I/O, each step bounded by the
 * socket timeout or the probe deadline. The freshly opened raw connection is handed to {@code opened} before any
 * query, so that {@code close()} on another thread can abort it. Immutable otherwise.
 */
final class ConnectionSetup {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ListenerConfig config;
    private final ConnectionSource source;
    private final Watchdog watchdog;
    private final String probeChannel;

    ConnectionSetup(ListenerConfig config, ConnectionSource source, Watchdog watchdog) {
        this.config = config;
        this.source = source;
        this.watchdog = watchdog;
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        this.probeChannel = "sessionfeed_probe_" + HexFormat.of().formatHex(b);
    }

    /** The private channel this source's probes use ({@code [a-z0-9_]}). */
    String probeChannel() {
        return probeChannel;
    }

    /** Where it connects, for logs. */
    String target() {
        return source.target();
    }

    /**
     * Opens and establishes a connection; notifications that arrive while the first probe is awaited go to
     * {@code dispatcher} as usual.
     *
     * @param opened     receives the raw connection as soon as it is open (for aborting it from close)
     * @param dispatcher where notifications go
     * @return the proven connection
     * @throws ListenUnavailableException when LISTEN cannot work here (standby, pooler, not pgjdbc)
     * @throws SQLException               on any other failure (the connection is closed)
     */
    ListenerConnection connect(Consumer<Connection> opened, NotificationDispatcher dispatcher) throws SQLException {
        Connection c = open();
        opened.accept(c);
        try {
            PGConnection pg = unwrap(c);
            int pid = listen(c);
            ListenerConnection lc = new ListenerConnection(c, pg, pid, probeChannel, watchdog, config.probeDeadline());
            proveDelivery(lc, dispatcher);
            return lc;
        } catch (SQLException | RuntimeException e) {
            ListenerConnection.closeQuietly(c);
            throw e;
        }
    }

    private Connection open() throws SQLException {
        Connection c = source.open();
        try {
            c.setAutoCommit(true);
            c.setNetworkTimeout(Runnable::run, (int) config.probeDeadline().toMillis());
            c.setClientInfo("ApplicationName", config.applicationName());
            return c;
        } catch (SQLException | RuntimeException e) {
            ListenerConnection.closeQuietly(c);
            throw e;
        }
    }

    private static PGConnection unwrap(Connection c) {
        try {
            return c.unwrap(PGConnection.class);
        } catch (SQLException e) {
            throw new ListenUnavailableException("the connection is not a PostgreSQL JDBC (pgjdbc) connection: " + e.getMessage(),
                    ListenUnavailableException.REFUSED);
        }
    }

    /** Refuses a hot standby, then LISTENs on both channels. Returns the backend pid. */
    private int listen(Connection c) throws SQLException {
        int pid;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), pg_backend_pid()")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    throw new ListenUnavailableException("the server is a hot standby (pg_is_in_recovery() = true); "
                            + "LISTEN/NOTIFY only work on the primary: point the listener at the primary", ListenUnavailableException.STANDBY);
                }
                pid = rs.getInt(2);
            }
            try {
                st.execute("LISTEN " + SqlIdentifiers.quote(config.channel()));
                st.execute("LISTEN " + SqlIdentifiers.quote(probeChannel));
            } catch (SQLException e) {
                if ("25006".equals(e.getSQLState()) || "0A000".equals(e.getSQLState())) {
                    throw new ListenUnavailableException("LISTEN is refused (" + e.getSQLState() + ": " + e.getMessage() + ")",
                            "25006".equals(e.getSQLState()) ? ListenUnavailableException.STANDBY : ListenUnavailableException.REFUSED);
                }
                throw e;
            }
        }
        return pid;
    }

    /**
     * Proves that this connection really receives notifications: a transaction-mode pooler runs LISTEN and NOTIFY on
     * different server connections, so queries work and notifications never arrive.
     */
    private void proveDelivery(ListenerConnection c, NotificationDispatcher dispatcher) throws SQLException {
        String token = c.sendProbe();
        long sent = System.nanoTime();
        long deadline = sent + config.probeDeadline().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ListenUnavailableException("a probe notification on the private channel " + probeChannel
                        + " did not come back within " + config.probeDeadline().toMillis() + " ms although queries work; "
                        + "is a transaction- or statement-mode pooler (PgBouncer, RDS Proxy) between the listener and PostgreSQL? "
                        + "Connect the listener directly or through a session-mode pool", ListenUnavailableException.POOLER);
            }
            PGNotification[] ns = c.awaitNotifications((int) Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left),
                    config.pollTimeout().toMillis())));
            if (dispatcher.dispatch(ns, System.nanoTime(), token, sent)) {
                return;
            }
        }
    }
}
