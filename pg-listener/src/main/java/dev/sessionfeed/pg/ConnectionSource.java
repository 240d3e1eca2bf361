package dev.sessionfeed.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the listener's connections come from: {@link DriverManager} with a JDBC URL (connect, socket and login
 * timeouts and {@code ApplicationName} set as driver properties) or the host's unpooled {@link DataSource}. Also
 * makes the data source the default polling fallback reads from. Immutable and thread-safe; {@link #open()} does
 * blocking network I/O.
 */
final class ConnectionSource {

    /** Opens a new, unpooled connection. */
    @FunctionalInterface
    private interface Opener {
        Connection open() throws SQLException;
    }

    private final Opener opener;
    private final String target;
    private final DataSource pollingDataSource;

    private ConnectionSource(Opener opener, String target, DataSource pollingDataSource) {
        this.opener = opener;
        this.target = target;
        this.pollingDataSource = pollingDataSource;
    }

    /**
     * Connections from {@link DriverManager}.
     *
     * @param url      a validated {@code jdbc:postgresql:} URL
     * @param user     the user, or null
     * @param password the password, or null
     * @param config   the listener's configuration (application name, connect timeout, probe deadline)
     */
    static ConnectionSource driverManager(String url, String user, String password, ListenerConfig config) {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", config.applicationName());
        props.setProperty("connectTimeout", Long.toString(ceilSeconds(config.connectTimeout())));
        props.setProperty("socketTimeout", Long.toString(Math.max(ceilSeconds(config.connectTimeout()), ceilSeconds(config.probeDeadline()))));
        props.setProperty("tcpKeepAlive", "true");
        PGSimpleDataSource polling = pollingDataSource(url, user, password, config.connectTimeout(),
                ListenerConfig.FALLBACK_APPLICATION_NAME);
        return new ConnectionSource(() -> DriverManager.getConnection(url, props), withoutQuery(url), polling);
    }

    /**
     * The unpooled data source a default polling fallback reads from, for a source configured with a URL (shared by
     * the NOTIFY and the logical source).
     */
    static PGSimpleDataSource pollingDataSource(String url, String user, String password, Duration connectTimeout,
            String applicationName) {
        PGSimpleDataSource polling = new PGSimpleDataSource();
        polling.setURL(url);
        if (user != null) {
            polling.setUser(user);
        }
        if (password != null) {
            polling.setPassword(password);
        }
        polling.setConnectTimeout((int) ceilSeconds(connectTimeout));
        polling.setApplicationName(applicationName);
        return polling;
    }

    /** A URL for logs: without its query, which may carry a password. */
    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    /**
     * Validates a source's JDBC URL (shared by the sources' builders).
     *
     * @throws IllegalArgumentException naming {@code jdbcUrl} when it is not a PostgreSQL URL
     */
    static String checkedUrl(String jdbcUrl) {
        java.util.Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            int q = jdbcUrl.indexOf('?');
            String shown = q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?...";
            throw new IllegalArgumentException("jdbcUrl must start with 'jdbc:postgresql:', was: '"
                    + (shown.length() > 80 ? shown.substring(0, 80) + "..." : shown) + "'");
        }
        return jdbcUrl;
    }

    /**
     * Validates an {@code application_name} (shared by the sources' builders).
     *
     * @throws IllegalArgumentException naming {@code applicationName} unless 1-63 printable ASCII characters
     */
    static String checkedApplicationName(String name) {
        dev.sessionfeed.internal.Checks.notBlank("applicationName", name);
        if (name.length() > 63 || !name.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
            throw new IllegalArgumentException("applicationName must be 1-63 printable ASCII characters, was: '"
                    + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'");
        }
        return name;
    }

    /**
     * Connections from the host's data source, which must hand out unpooled pgjdbc connections; the default fallback
     * polls from the same data source.
     */
    static ConnectionSource dataSource(DataSource ds) {
        return new ConnectionSource(ds::getConnection, ds.getClass().getSimpleName(), ds);
    }

    /** Opens a new connection (blocking; bounded by the driver's connect timeout). */
    Connection open() throws SQLException {
        return opener.open();
    }

    /** Where it connects, for logs: the URL without its query (no password), or the data source's class. */
    String target() {
        return target;
    }

    /** The data source the default polling fallback reads from. */
    DataSource pollingDataSource() {
        return pollingDataSource;
    }

    private static long ceilSeconds(Duration d) {
        return (d.toMillis() + 999) / 1000;
    }
}
