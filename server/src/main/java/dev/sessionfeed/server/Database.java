package dev.sessionfeed.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The server's connection pool (HikariCP) over the configured database, and the idempotent schema script. The
 * change source's LISTEN connection is its own, outside the pool. Thread-safe; {@link #close()} is idempotent.
 */
final class Database implements AutoCloseable {

    private final DatabaseUrl url;
    private final HikariDataSource pool;

    Database(ServerConfig config) {
        this.url = config.database();
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url.jdbcUrl());
        if (url.user() != null) {
            hc.setUsername(url.user());
        }
        if (url.password() != null) {
            hc.setPassword(url.password());
        }
        hc.setPoolName("sessionfeed-server");
        hc.setMaximumPoolSize(config.poolSize());
        hc.setMinimumIdle(Math.min(2, config.poolSize()));
        hc.setConnectionTimeout(5_000);
        hc.addDataSourceProperty("ApplicationName", "sessionfeed-server");
        this.pool = new HikariDataSource(hc); // fails here, with the driver's message, when the database is unreachable
    }

    DatabaseUrl url() {
        return url;
    }

    DataSource dataSource() {
        return pool;
    }

    /** @return whether a pooled connection answers within two seconds */
    boolean reachable() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Runs sessionfeed-core's schema script (CREATE ... IF NOT EXISTS). */
    void installSchema() throws SQLException, IOException {
        String sql;
        try (InputStream in = Database.class.getClassLoader().getResourceAsStream("sessionfeed/schema.sql")) {
            if (in == null) {
                throw new IOException("sessionfeed/schema.sql not found on the class path");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
