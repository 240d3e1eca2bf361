package dev.sessionfeed.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's database: an embedded PostgreSQL started here (and stopped on {@link #close()}), or an existing
 * server that is left running, read and written through a HikariCP pool (as a host application should: an
 * unpooled data source opens a PostgreSQL connection for every read, which costs the feed tens of milliseconds
 * per change). The change source's LISTEN connection is its own, outside the pool. Thread-safe; {@link #close()}
 * is idempotent.
 */
final class DemoDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DemoDatabase.class);

    private final EmbeddedPostgres embedded;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    /** Snapshot reads, the endpoint's 8 command workers, the simulator and the login store share it. */
    static final int POOL_SIZE = 12;

    private final HikariDataSource dataSource;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DemoDatabase(EmbeddedPostgres embedded, String jdbcUrl, String user, String password) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setPoolName("sessionfeed-demo");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(2);
        config.addDataSourceProperty("ApplicationName", "sessionfeed-demo");
        // No connection at construction: a wrong URL fails where the demo first reads, with the driver's message.
        config.setInitializationFailTimeout(-1);
        this.dataSource = new HikariDataSource(config);
    }

    /**
     * Starts an embedded PostgreSQL on a free port (binaries from Maven, data in a temporary directory).
     *
     * @return the database
     * @throws IOException if the server cannot start
     */
    static DemoDatabase startEmbedded() throws IOException {
        // No library shutdown hook: the app's own hook stops the server last, after the feed and the simulator
        // (a concurrent hook would kill connections the feed still uses and make shutdown noisy).
        EmbeddedPostgres pg = EmbeddedPostgres.builder().setRegisterShutdownHook(false)
                // --source logical streams the WAL, which needs wal_level = logical (the embedded superuser may replicate).
                .setServerConfig("wal_level", "logical")
                .start();
        return new DemoDatabase(pg, pg.getJdbcUrl("postgres", "postgres"), "postgres", null);
    }

    /**
     * An existing server.
     *
     * @param jdbcUrl  the JDBC URL
     * @param user     the user, or null (then from the URL)
     * @param password the password, or null
     * @return the database
     */
    static DemoDatabase external(String jdbcUrl, String user, String password) {
        return new DemoDatabase(null, jdbcUrl, user, password);
    }

    /** @return true when this process started the server */
    boolean isEmbedded() {
        return embedded != null;
    }

    /** @return the JDBC URL */
    String jdbcUrl() {
        return jdbcUrl;
    }

    /** @return the user, or null when part of the URL */
    String user() {
        return user;
    }

    /** @return the password, or null */
    String password() {
        return password;
    }

    /** @return the embedded server's port, or -1 for an external server */
    int embeddedPort() {
        return embedded == null ? -1 : embedded.getPort();
    }

    /** @return the pool */
    DataSource dataSource() {
        return dataSource;
    }

    /**
     * Runs SessionFeed's schema script (idempotent).
     *
     * @throws SQLException if the script fails
     */
    void installSchema() throws SQLException {
        String sql;
        try (InputStream in = DemoDatabase.class.getClassLoader().getResourceAsStream("sessionfeed/schema.sql")) {
            if (in == null) {
                throw new IllegalStateException("sessionfeed/schema.sql not found on the class path (sessionfeed-core missing?)");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read sessionfeed/schema.sql", e);
        }
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Counts the rows of {@code chat_sessions}.
     *
     * @return the count
     * @throws SQLException if the query fails
     */
    long countSessions() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM chat_sessions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Closes the pool and stops the embedded server (an external one is left alone). Idempotent; logs instead of throwing. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        dataSource.close();
        if (embedded == null) {
            return;
        }
        try {
            embedded.close();
            log.info("Embedded PostgreSQL stopped");
        } catch (IOException | RuntimeException e) {
            log.warn("Stopping the embedded PostgreSQL failed: {}", e.toString());
        }
    }
}
