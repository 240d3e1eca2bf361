package dev.sessionfeed.benchmarks.harness;

import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What every scenario of one run shares: the suite size and one private embedded PostgreSQL with
 * {@code pg_stat_statements} loaded.
 *
 * <p>Thread-safe for the scenario's use (the server is started once, on first use).
 */
public final class BenchContext implements AutoCloseable {

    /** Server settings for the benchmark PostgreSQL (on top of the testkit's defaults). */
    public static final Map<String, String> SERVER_CONFIG = Map.of(
            "shared_preload_libraries", "pg_stat_statements",
            "pg_stat_statements.max", "5000",
            "pg_stat_statements.track", "top",
            "max_connections", "300");

    /** Settings added by {@code --durable}: PostgreSQL's production defaults for durability. */
    public static final Map<String, String> DURABLE_CONFIG = Map.of(
            "fsync", "on",
            "full_page_writes", "on",
            "synchronous_commit", "on");

    private final boolean full;
    private final boolean durable;
    private PostgresServer server;
    private Map<String, Object> serverInfo;

    /**
     * Creates a context.
     *
     * @param full    whether this is the {@code --full} suite (more clients, longer runs)
     * @param durable whether PostgreSQL runs with {@code fsync = on} (the testkit's default is off: test data is
     *                disposable); every commit then waits for the disk, as in production
     */
    public BenchContext(boolean full, boolean durable) {
        this.full = full;
        this.durable = durable;
    }

    /**
     * Whether the full suite runs.
     *
     * @return true for {@code --full}
     */
    public boolean full() {
        return full;
    }

    /**
     * Tells whether the server makes commits durable ({@code --durable}).
     *
     * @return true for {@code --durable}
     */
    public boolean durable() {
        return durable;
    }

    /**
     * Picks a quick or a full value.
     *
     * @param quick the quick-suite value
     * @param full  the full-suite value
     * @param <T>   the type
     * @return one of them
     */
    public <T> T pick(T quick, T full) {
        return this.full ? full : quick;
    }

    /**
     * Picks a quick or a full duration in seconds.
     *
     * @param quickSeconds quick-suite seconds
     * @param fullSeconds  full-suite seconds
     * @return the duration
     */
    public Duration seconds(double quickSeconds, double fullSeconds) {
        return Duration.ofMillis((long) ((full ? fullSeconds : quickSeconds) * 1000));
    }

    /**
     * The benchmark PostgreSQL, started on first use.
     *
     * @return the running server
     */
    public synchronized PostgresServer server() {
        if (server == null) {
            Map<String, String> config = new java.util.LinkedHashMap<>(SERVER_CONFIG);
            if (durable) {
                config.putAll(DURABLE_CONFIG);
            }
            server = PostgresServer.embedded(config);
        }
        return server;
    }

    /**
     * A fresh database with SessionFeed's schema and the {@code pg_stat_statements} extension.
     *
     * @param prefix a readable name prefix
     * @return the database
     */
    public TestDatabase newDatabase(String prefix) {
        TestDatabase db = server().createDatabase(prefix).installSchema();
        db.executeScript("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        return db;
    }

    /**
     * PostgreSQL's version and the settings that matter for these figures.
     *
     * @param db any database on the server
     * @return version and settings
     */
    public synchronized Map<String, Object> serverInfo(TestDatabase db) {
        if (serverInfo == null) {
            Map<String, Object> m = new LinkedHashMap<>();
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SHOW server_version")) {
                    rs.next();
                    m.put("postgresVersion", rs.getString(1));
                }
                for (String s : new String[] {"fsync", "synchronous_commit", "full_page_writes", "shared_buffers",
                        "max_connections", "shared_preload_libraries"}) {
                    try (ResultSet rs = st.executeQuery("SELECT current_setting('" + s + "')")) {
                        rs.next();
                        m.put(s, rs.getString(1));
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read server settings: " + e.getMessage(), e);
            }
            m.put("kind", server().kind().name().toLowerCase(java.util.Locale.ROOT) + " (zonky binaries, 127.0.0.1)");
            serverInfo = m;
        }
        return serverInfo;
    }

    /**
     * The server info if a scenario already read it.
     *
     * @return the info, or an empty map
     */
    public synchronized Map<String, Object> serverInfoIfKnown() {
        return serverInfo == null ? Map.of() : serverInfo;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public String toString() {
        return "BenchContext{full=" + full + ", server=" + Objects.toString(server) + '}';
    }
}
