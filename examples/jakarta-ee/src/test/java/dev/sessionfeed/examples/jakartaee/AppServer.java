package dev.sessionfeed.examples.jakartaee;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A real application server a test started, with the sample WAR deployed at {@value #CONTEXT}. Implementations
 * start the server once per test class and stop it in {@link #close()}.
 */
interface AppServer extends AutoCloseable {

    /** The WAR's context path on every server. */
    String CONTEXT = "/sessionfeed";

    /** What the sample's listener logs once its endpoint is registered. */
    Pattern STARTED = Pattern.compile("SessionFeed started in " + CONTEXT);
    /** What it logs once everything it started is closed. */
    Pattern STOPPED = Pattern.compile("SessionFeed stopped in " + CONTEXT);

    Duration DEPLOY_TIMEOUT = Duration.ofSeconds(90);

    String name();

    int httpPort();

    /** Undeploys the WAR and deploys it again, without restarting the server; returns when the new one started. */
    void redeploy();

    /** The server's JVM. */
    long jvmPid();

    /** Seconds from launch until the server said it was started (before the WAR was deployed). */
    double startSeconds();

    /** Seconds the first deployment of the WAR took. */
    double deploySeconds();

    /** Everything the server printed so far. */
    String console();

    @Override
    void close();
}
