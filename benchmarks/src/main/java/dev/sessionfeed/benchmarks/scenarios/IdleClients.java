package dev.sessionfeed.benchmarks.scenarios;

/**
 * A child process that holds idle WebSocket connections, so the server's heap can be measured without the
 * clients' objects (scenario {@code heap}).
 */
public final class IdleClients {

    private IdleClients() {
    }

    /**
     * Entry point: {@code idle-clients <ws-url> <count>}.
     *
     * @param args the URL and the number of connections
     */
    public static void main(String[] args) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
