package dev.sessionfeed.testkit;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/** A Testcontainers PostgreSQL; only loaded when asked for. */
final class ContainerServer extends AbstractServer {

    private final PostgreSQLContainer<?> container;

    private ContainerServer(PostgreSQLContainer<?> container) {
        this.container = container;
    }

    /**
     * Starts a PostgreSQL 17 container.
     *
     * @return the running server
     * @throws IllegalStateException when Testcontainers is not on the class path or no Docker engine runs
     */
    public static ContainerServer launch() {
        try {
            Class.forName("org.testcontainers.containers.PostgreSQLContainer");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("-Dsessionfeed.test.postgres=testcontainers needs org.testcontainers:postgresql on the test class path", e);
        }
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException("-Dsessionfeed.test.postgres=testcontainers was asked for, but no Docker engine is reachable; "
                    + "unset it to use the embedded PostgreSQL, or set SESSIONFEED_TEST_JDBC_URL");
        }
        PostgreSQLContainer<?> c = new PostgreSQLContainer<>("postgres:17-alpine");
        c.start();
        return new ContainerServer(c);
    }

    @Override protected String adminDatabase() { return container.getDatabaseName(); }
    @Override public Kind kind() { return Kind.TESTCONTAINERS; }
    @Override public String host() { return container.getHost(); }
    @Override public int port() { return container.getMappedPort(5432); }
    @Override public String user() { return container.getUsername(); }
    @Override public String password() { return container.getPassword(); }
    @Override public boolean canRestart() { return false; }
    @Override public boolean isRunning() { return container.isRunning(); }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("restarting a Testcontainers server is not supported (its port would change)");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("restarting a Testcontainers server is not supported (its port would change)");
    }

    @Override
    public void close() {
        container.stop();
    }
}
