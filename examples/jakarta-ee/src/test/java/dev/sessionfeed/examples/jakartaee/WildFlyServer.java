package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * WildFly unpacked from {@code org.wildfly:wildfly-dist} (by the build, into {@code target/servers}). The first run
 * configures that copy once with {@code configure.cli} (PostgreSQL driver module, the {@code SessionFeedDS}
 * datasource whose URL and credentials are expressions, a 250 ms deployment scan); every run then copies its
 * {@code standalone/} to a fresh base directory, adds the test users to the ApplicationRealm's property files,
 * starts with a port offset, and deploys by the deployment scanner's marker files.
 */
final class WildFlyServer extends LaunchedServer {

    private static final String WAR = "sessionfeed.war";
    private static final Pattern SERVER_STARTED = Pattern.compile("WFLYSRV0025");

    private final Path base;
    private final Path war;

    private WildFlyServer(Path base, Path war, ServerProcess process, int httpPort, double startSeconds) {
        super(process, httpPort, startSeconds, Double.NaN);
        this.base = base;
        this.war = war;
    }

    static WildFlyServer start(Path home, Path pgjdbc, Path war, Path work, TestDatabase db, Map<String, String> users,
                               Map<String, String> roles) throws IOException {
        configureOnce(home, pgjdbc);
        Path base = work.resolve("wildfly-base");
        deleteTree(base);
        copyTree(home.resolve("standalone"), base);
        appendUsers(base.resolve("configuration"), users, roles);

        int offset = Ports.freeOffset(8080, 9990, 8443, 9993);
        int httpPort = 8080 + offset;
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base,
                "-Djboss.socket.binding.port-offset=" + offset,
                "-Djboss.bind.address=127.0.0.1",
                "-Dsessionfeed.db.url=" + db.jdbcUrl(),
                "-Dsessionfeed.db.user=" + db.user(),
                "-Dsessionfeed.db.password=" + db.password()));
        cmd.addAll(AppServers.sampleProperties(db, httpPort).entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList());
        ServerProcess p = ServerProcess.launch("WildFly", cmd, home, Map.of("LAUNCH_JBOSS_IN_BACKGROUND", "true",
                "JAVA_OPTS", "-Xms64m -Xmx512m -Djava.net.preferIPv4Stack=true"), work.resolve("wildfly-console.log"));
        try {
            p.awaitCount(SERVER_STARTED, 1, Duration.ofSeconds(120));
            WildFlyServer server = new WildFlyServer(base, war, p, httpPort, p.secondsSinceLaunch());
            long t0 = System.nanoTime();
            server.deploy(1);
            server.deployTook((System.nanoTime() - t0) / 1e9);
            return server;
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    private static void configureOnce(Path home, Path pgjdbc) throws IOException {
        Path marker = home.resolve(".sessionfeed-configured");
        String script;
        try (var in = WildFlyServer.class.getResourceAsStream("/wildfly/configure.cli")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String hash = sha256(script);
        if (Files.exists(marker) && Files.readString(marker).equals(hash)) {
            return;
        }
        // Start from the configuration as unpacked, whatever an interrupted earlier run left.
        Path xml = home.resolve("standalone/configuration/standalone.xml");
        Path pristine = home.resolve("standalone/configuration/standalone.xml.unpacked");
        if (!Files.exists(pristine)) {
            Files.copy(xml, pristine);
        }
        Files.copy(pristine, xml, StandardCopyOption.REPLACE_EXISTING);
        deleteTree(home.resolve("modules/org/postgresql"));
        Path cli = home.resolve("sessionfeed-configure.cli");
        Files.writeString(cli, script);
        Path props = home.resolve("sessionfeed-configure.properties");
        Files.writeString(props, "pgjdbc.jar=" + pgjdbc.toAbsolutePath() + "\n");
        try (ServerProcess p = ServerProcess.launch("jboss-cli", List.of(home.resolve("bin/jboss-cli.sh").toString(),
                "--properties=" + props, "--file=" + cli), home, Map.of(), home.resolve("sessionfeed-configure.log"))) {
            org.awaitility.Awaitility.await("jboss-cli configures WildFly").atMost(Duration.ofMinutes(2))
                    .until(() -> !p.isAlive());
            if (p.exitValue() != 0) {
                throw new IllegalStateException("configuring WildFly failed:\n" + p.tail());
            }
        }
        // A half-done configuration leaves no marker: the next run starts from a fresh unpack (mvn clean).
        Files.writeString(marker, hash);
    }

    private static void appendUsers(Path config, Map<String, String> users, Map<String, String> roles) throws IOException {
        StringBuilder u = new StringBuilder("\n");
        users.forEach((name, password) -> u.append(name).append('=').append(md5Hex(name + ":ApplicationRealm:" + password)).append('\n'));
        Files.writeString(config.resolve("application-users.properties"), u, java.nio.file.StandardOpenOption.APPEND);
        StringBuilder r = new StringBuilder("\n");
        roles.forEach((name, role) -> r.append(name).append('=').append(role).append('\n'));
        Files.writeString(config.resolve("application-roles.properties"), r, java.nio.file.StandardOpenOption.APPEND);
    }

    private void deploy(int startedCount) {
        Path deployments = base.resolve("deployments");
        try {
            for (String m : List.of(".deployed", ".failed", ".undeployed", ".isdeploying", ".isundeploying", ".pending")) {
                Files.deleteIfExists(deployments.resolve(WAR + m));
            }
            Path staged = base.resolve(WAR + ".staged");
            Files.copy(war, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, deployments.resolve(WAR), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.awaitility.Awaitility.await("WildFly deploys " + WAR).atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Path failed = deployments.resolve(WAR + ".failed");
                    if (Files.exists(failed)) {
                        throw new IllegalStateException("deploying failed: " + Files.readString(failed) + "\n" + process.tail());
                    }
                    return Files.exists(deployments.resolve(WAR + ".deployed"));
                });
        process.awaitCount(STARTED, startedCount, DEPLOY_TIMEOUT);
    }

    @Override
    public void redeploy() {
        Path deployments = base.resolve("deployments");
        int started = process.count(STARTED);
        int stopped = process.count(STOPPED);
        try {
            Files.delete(deployments.resolve(WAR));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.awaitility.Awaitility.await("WildFly undeploys " + WAR).atMost(DEPLOY_TIMEOUT).pollInterval(Duration.ofMillis(50))
                .until(() -> Files.exists(deployments.resolve(WAR + ".undeployed")));
        process.awaitCount(STOPPED, stopped + 1, DEPLOY_TIMEOUT);
        deploy(started + 1);
    }

    @Override
    public String name() {
        return "WildFly";
    }







    static String md5Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path rel = from.relativize(p);
                String top = rel.getNameCount() > 0 ? rel.getName(0).toString() : "";
                if (top.equals("data") || top.equals("tmp") || top.equals("log")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
