package dev.sessionfeed.examples.jakartaee;

/** What every {@link AppServer} the tests launch shares: its process, port and the times it took. */
abstract class LaunchedServer implements AppServer {

    final ServerProcess process;
    private final int httpPort;
    private final double startSeconds;
    private double deploySeconds;

    LaunchedServer(ServerProcess process, int httpPort, double startSeconds, double deploySeconds) {
        this.process = process;
        this.httpPort = httpPort;
        this.startSeconds = startSeconds;
        this.deploySeconds = deploySeconds;
    }

    void deployTook(double seconds) {
        deploySeconds = seconds;
    }

    @Override
    public int httpPort() {
        return httpPort;
    }

    @Override
    public long jvmPid() {
        return process.jvmPid();
    }

    @Override
    public double startSeconds() {
        return startSeconds;
    }

    @Override
    public double deploySeconds() {
        return deploySeconds;
    }

    @Override
    public String console() {
        return process.console();
    }

    @Override
    public void close() {
        process.close();
    }
}
