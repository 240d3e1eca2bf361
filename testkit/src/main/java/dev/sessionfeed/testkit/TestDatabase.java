package dev.sessionfeed.testkit;

import dev.sessionfeed.SessionFeedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database on a {@link PostgresServer}, created fresh for a test class by {@link SessionFeedPostgres}.
 *
 * <p>Thread-safe: every method opens its own connection. Connections are not pooled, so tests see real
 * connect/disconnect behaviour.
 */
public final class TestDatabase {

    private final PostgresServer server;
    private final String name;

    /**
     * Describes an existing database (used by {@link PostgresServer} implementations).
     *
     * @param server the server it lives on
     * @param name   the database name
     */
    public TestDatabase(PostgresServer server, String name) {
        this.server = Objects.requireNonNull(server, "server");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * The server.
     *
     * @return the server this database lives on
     */
    public PostgresServer server() {
        return server;
    }

    /**
     * The database name.
     *
     * @return the name
     */
    public String databaseName() {
        return name;
    }

    /**
     * The JDBC URL.
     *
     * @return for example {@code jdbc:postgresql://localhost:5432/sf_foo_1}
     */
    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /**
     * The user.
     *
     * @return the user name
     */
    public String user() {
        return server.user();
    }

    /**
     * The password.
     *
     * @return the password
     */
    public String password() {
        return server.password();
    }

    /**
     * A new, unpooled data source for this database.
     *
     * @return a pgjdbc {@link PGSimpleDataSource}
     */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl());
        ds.setUser(user());
        ds.setPassword(password());
        return ds;
    }

    /**
     * Opens a connection (auto-commit on).
     *
     * @return a new connection; close it
     * @throws SessionFeedException when the server cannot be reached
     */
    public Connection connect() {
        try {
            return dataSource().getConnection();
        } catch (SQLException e) {
            throw new SessionFeedException("cannot connect to " + jdbcUrl() + " as " + user() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Installs SessionFeed's default schema ({@code sessionfeed/schema.sql} from sessionfeed-core). Idempotent.
     *
     * @return this database
     */
    public TestDatabase installSchema() {
        executeScript(readResource("sessionfeed/schema.sql"));
        return this;
    }

    /**
     * Runs a script of statements separated by semicolons, in one call (simple query protocol).
     *
     * @param sql the script
     */
    public void executeScript(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new SessionFeedException("script failed on " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs one statement with bound parameters.
     *
     * @param sql    the statement, with {@code ?} placeholders
     * @param params the values
     * @return the update count
     */
    public int execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new SessionFeedException("statement failed on " + name + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a query returning one number.
     *
     * @param sql    the query, with {@code ?} placeholders
     * @param params the values
     * @return the first column of the first row
     * @throws SessionFeedException when the query fails or returns no row
     */
    public long queryForLong(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SessionFeedException("query returned no row: " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new SessionFeedException("query failed on " + name + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TestDatabase{" + jdbcUrl() + '}';
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }

    static String readResource(String path) {
        try (InputStream in = TestDatabase.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("resource not found on the class path: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
