package dev.sessionfeed.testkit;

import java.net.URI;

/** A server someone else runs, given by JDBC URL. */
final class ExternalServer extends AbstractServer {

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;

    /**
     * Parses the URL.
     *
     * @param jdbcUrl  {@code jdbc:postgresql://host[:port]/database}
     * @param user     the user (may create databases), or null for {@code postgres}
     * @param password the password, or null for none
     */
    public ExternalServer(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("SESSIONFEED_TEST_JDBC_URL must start with jdbc:postgresql://, was: '" + jdbcUrl + "'");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        this.database = path.isEmpty() ? "postgres" : path;
        this.user = user == null ? "postgres" : user;
        this.password = password == null ? "" : password;
    }

    @Override protected String adminDatabase() { return database; }
    @Override public Kind kind() { return Kind.EXTERNAL; }
    @Override public String host() { return host; }
    @Override public int port() { return port; }
    @Override public String user() { return user; }
    @Override public String password() { return password; }
    @Override public boolean canRestart() { return false; }
    @Override public boolean isRunning() { return true; }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("an external PostgreSQL server cannot be stopped by the tests");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("an external PostgreSQL server cannot be started by the tests");
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
