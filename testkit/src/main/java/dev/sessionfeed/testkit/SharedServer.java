package dev.sessionfeed.testkit;

/** Holds the JVM-wide server; started lazily, stopped by a shutdown hook. */
final class SharedServer {

    private static PostgresServer server;

    private SharedServer() {
    }

    static synchronized PostgresServer get() {
        if (server == null) {
            PostgresServer s = PostgresServer.fromEnvironment();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "sessionfeed-testkit-shutdown"));
            server = s;
        }
        return server;
    }
}
