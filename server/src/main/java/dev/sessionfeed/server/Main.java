package dev.sessionfeed.server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code java -jar sessionfeed-server.jar [--print-config | --help]}: runs {@link SessionFeedServer} with the
 * configuration from the environment ({@link ServerConfig#fromEnvironment}). Exit status 2 for a configuration
 * error (the message names the setting and the value), 1 when the server cannot start; SIGTERM and Ctrl-C shut it
 * down gracefully (clients get 1001). Not instantiable.
 */
public final class Main {

    private Main() {
    }

    /**
     * The entry point.
     *
     * @param args {@code --print-config} prints the effective configuration (secrets masked) and exits;
     *             {@code --help} prints the usage
     */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println("usage: java -jar sessionfeed-server.jar [--print-config]\n"
                    + "Configured by environment variables (and SESSIONFEED_CONFIG_FILE); see docs/server.md.");
            return;
        }
        for (String a : arguments) {
            if (!a.equals("--print-config")) {
                System.err.println("sessionfeed-server: unknown argument '" + a + "' (--print-config, --help)");
                System.exit(2);
            }
        }
        ServerConfig config;
        try {
            config = ServerConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            System.err.println("sessionfeed-server: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (arguments.contains("--print-config")) {
            System.out.print(config.describe());
            return;
        }
        // Before the first logger exists: logback reads its configuration once.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", config.jsonLogs() ? "sessionfeed-server-logback-json.xml" : "sessionfeed-server-logback.xml");
        }
        run(config);
    }

    private static void run(ServerConfig config) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Main.class);
        AtomicReference<SessionFeedServer> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            SessionFeedServer s = running.getAndSet(null);
            if (s != null) {
                log.info("Shutting down: closing connections with 1001");
                s.close();
                log.info("Stopped");
            }
        }, "sessionfeed-server-shutdown"));
        try {
            running.set(SessionFeedServer.start(config));
        } catch (Exception e) {
            log.error("The server could not start: {}", e.toString());
            System.exit(1);
        }
    }
}
