package dev.sessionfeed.testkit;

import dev.sessionfeed.SessionFeedException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** Database creation and dropping shared by the server kinds. */
abstract class AbstractServer implements PostgresServer {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    /** For subclasses. */
    protected AbstractServer() {
    }

    /**
     * The database used for administrative statements.
     *
     * @return for example {@code postgres}
     */
    protected String adminDatabase() {
        return "postgres";
    }

    @Override
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    @Override
    public TestDatabase createDatabase(String namePrefix) {
        if (!namePrefix.matches("[A-Za-z_][A-Za-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("namePrefix must be 1-41 characters of [A-Za-z0-9_], was: '" + namePrefix + "'");
        }
        String name = (namePrefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet()).toLowerCase(java.util.Locale.ROOT);
        admin("CREATE DATABASE " + name);
        return new TestDatabase(this, name);
    }

    /**
     * Drops a database, terminating its connections first. Failures are ignored (the server may be stopped).
     *
     * @param name the database
     */
    public void dropDatabase(String name) {
        if (!isRunning()) {
            return;
        }
        try {
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AbstractServer.class).debug("could not drop test database {}", name, e);
        }
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(adminDatabase()), user(), password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new SessionFeedException("'" + sql + "' failed on " + host() + ":" + port() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + host() + ":" + port() + ", user=" + user() + '}';
    }
}
