package dev.sessionfeed.benchmarks.external;

import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standalone server ({@code server/target/sessionfeed-server.jar}) against the library embedded in Jetty (the
 * demo, {@code examples/target/sessionfeed-demo.jar}: the same core, NOTIFY source, HikariCP pool and Jetty 12), in
 * one run against one durable embedded PostgreSQL 17 ({@code fsync}, {@code synchronous_commit},
 * {@code full_page_writes} on): for each, started as its own process with {@code -Xmx256m},
 * <ul>
 *   <li>start-up time to ready: from the process start to the first 200 of its readiness URL ({@code /readyz} for
 *       the server; {@code /} for the demo, which starts HTTP only after its feed has its first state);</li>
 *   <li>idle RSS: {@code VmRSS} of {@code /proc/PID/status} after 5 s idle with no client (Linux only);</li>
 *   <li>commit → client latency: {@link ExternalProbe} (one JDBC writer open loop, one protocol client).</li>
 * </ul>
 * Each app runs alone (the other is stopped), in the order given by ROUNDS (alternating).
 *
 * <pre>
 * java -cp benchmarks/target/sessionfeed-benchmarks.jar dev.sessionfeed.benchmarks.external.ServerVsEmbedded \
 *     server/target/sessionfeed-server.jar examples/target/sessionfeed-demo.jar [ROUNDS=2] [WARMUP=300] [WRITES=1000] [RATE=100]
 * </pre>
 */
public final class ServerVsEmbedded {

    private static final String TOKEN = "benchmark-admin-token-0123456789";
    private static final String ORIGIN = "https://bench.example.test";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ServerVsEmbedded() {
    }

    /**
     * Entry point; prints one line per app and round.
     *
     * @param args see the class description
     * @throws Exception if a part cannot start
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ServerVsEmbedded SERVER_JAR DEMO_JAR [ROUNDS] [WARMUP] [WRITES] [RATE]");
            System.exit(2);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        String warm = args.length > 3 ? args[3] : "300";
        String writes = args.length > 4 ? args[4] : "1000";
        String rate = args.length > 5 ? args[5] : "100";
        try (PostgresServer pg = PostgresServer.embedded(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"))) {
            TestDatabase db = pg.createDatabase("bench_server");
            db.installSchema();
            for (int r = 1; r <= rounds; r++) {
                for (String app : r % 2 == 1 ? List.of("server", "embedded") : List.of("embedded", "server")) {
                    measure(app, app.equals("server") ? args[0] : args[1], db, warm, writes, rate);
                }
            }
        }
    }

    private static void measure(String app, String jar, TestDatabase db, String warm, String writes, String rate) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(File.createTempFile("sessionfeed-" + app, ".log"));
        String ready;
        if (app.equals("server")) {
            Map<String, String> env = pb.environment();
            env.put("DATABASE_URL", db.jdbcUrl());
            env.put("SESSIONFEED_DB_USER", db.user());
            env.put("SESSIONFEED_DB_PASSWORD", db.password());
            env.put("SESSIONFEED_PORT", Integer.toString(port));
            env.put("SESSIONFEED_ALLOWED_ORIGINS", ORIGIN);
            env.put("SESSIONFEED_ADMIN_TOKEN", TOKEN);
            ready = "/readyz";
        } else {
            command.addAll(List.of("--port", Integer.toString(port), "--simulate", "off", "--seed-sessions", "0",
                    "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(), "--db-password", db.password(),
                    "--admin-token", TOKEN, "--allowed-origin", ORIGIN));
            pb.command(command);
            ready = "/";
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            while (status("http://127.0.0.1:" + port + ready) != 200) {
                if (!p.isAlive() || System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
                    throw new IllegalStateException(app + " did not become ready (exit " + (p.isAlive() ? "-" : p.exitValue()) + ")");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            double startMs = (System.nanoTime() - t0) / 1e6;
            TimeUnit.SECONDS.sleep(5);
            long rssKb = rssKb(p.pid());
            System.out.printf(Locale.ROOT, "%-8s start-up to ready %.0f ms, idle RSS %d MiB; ", app, startMs, rssKb / 1024);
            System.out.flush();
            ExternalProbe.main(new String[] {"ws://127.0.0.1:" + port + "/ws/admin/chat?access_token=" + TOKEN, ORIGIN,
                    db.jdbcUrl(), db.user(), db.password(), warm, writes, rate});
        } finally {
            p.toHandle().destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long rssKb(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
