package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Payara Micro ({@code fish.payara.extras:payara-micro}, copied by the build into {@code target/servers}) with the
 * WAR deployed exploded: the file realm's users, the JDBC pool and resource come from a post-boot command file
 * (asadmin commands), pgjdbc from {@code --addlibs}, the settings from {@code --systemProperties}. Payara Micro has
 * no remote deployment; an exploded WAR is undeployed and deployed again when its {@code .reload} file is touched.
 */
final class PayaraMicroServer extends LaunchedServer {

    private static final Pattern READY = Pattern.compile("Payara Micro [^ ]+ \\(build \\d+\\) ready in ([\\d,.]+) \\(ms\\)");
    private static final Pattern DEPLOYED_IN = Pattern.compile("sessionfeed was successfully deployed in ([\\d,.]+) milliseconds");

    private final Path app;

    private PayaraMicroServer(Path app, ServerProcess process, int httpPort, double startSeconds, double deploySeconds) {
        super(process, httpPort, startSeconds, deploySeconds);
        this.app = app;
    }

    static PayaraMicroServer start(Path payaraJar, Path pgjdbc, Path war, Path work, TestDatabase db) throws IOException {
        Path dir = work.resolve("payara");
        WildFlyServer.deleteTree(dir);
        Path app = dir.resolve("apps/sessionfeed");
        unzip(war, app);
        int httpPort = Ports.free();

        Path passwords = dir.resolve("passwords");
        Files.createDirectories(passwords);
        StringBuilder commands = new StringBuilder();
        for (Map.Entry<String, String> u : AppServers.users().entrySet()) {
            Path pw = passwords.resolve(u.getKey());
            Files.writeString(pw, "AS_ADMIN_USERPASSWORD=" + u.getValue() + "\n");
            commands.append("create-file-user --groups ").append(AppServers.groups().get(u.getKey()))
                    .append(" --passwordfile ").append(pw).append(' ').append(u.getKey()).append('\n');
        }
        commands.append("create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource")
                .append(" --restype javax.sql.DataSource --property ")
                .append("url=").append(escape(db.jdbcUrl())).append(':')
                .append("user=").append(escape(db.user())).append(':')
                .append("password=").append(escape(String.valueOf(db.password())))
                .append(" sessionfeed-pool\n");
        commands.append("create-jdbc-resource --connectionpoolid sessionfeed-pool jdbc/sessionfeed\n");
        Path postBoot = dir.resolve("post-boot.asadmin");
        Files.writeString(postBoot, commands);

        Properties props = new Properties();
        props.putAll(AppServers.sampleProperties(db, httpPort));
        Path sysProps = dir.resolve("system.properties");
        try (var out = Files.newOutputStream(sysProps)) {
            props.store(out, "SessionFeed sample settings");
        }

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xms64m", "-Xmx512m", "-jar", payaraJar.toString(),
                // No data grid: nothing listens or looks for cluster members beyond the HTTP port on loopback.
                "--nocluster", "--nohazelcast", "--port", Integer.toString(httpPort),
                "--addlibs", pgjdbc.toString(),
                "--postbootcommandfile", postBoot.toString(),
                "--systemproperties", sysProps.toString(),
                "--rootdir", dir.resolve("root").toString(),
                "--contextroot", CONTEXT.substring(1),
                "--deploy", app.toString());
        ServerProcess p = ServerProcess.launch("Payara Micro", cmd, dir, Map.of(), work.resolve("payara-console.log"));
        try {
            p.awaitCount(READY, 1, Duration.ofSeconds(180));
            p.awaitCount(STARTED, 1, DEPLOY_TIMEOUT);
            double ready = seconds(READY, p.console());
            double deploy = seconds(DEPLOYED_IN, p.console());
            return new PayaraMicroServer(app, p, httpPort, ready - deploy, deploy);
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /** asadmin's --property separates with ':' and '='; both are escaped with a backslash. */
    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace(":", "\\:").replace("=", "\\=");
    }

    private static double seconds(Pattern p, String console) {
        Matcher m = p.matcher(console);
        if (!m.find()) {
            return Double.NaN;
        }
        return Double.parseDouble(m.group(1).replace(",", "")) / 1000;
    }

    private static void unzip(Path war, Path to) throws IOException {
        Files.createDirectories(to);
        try (InputStream in = Files.newInputStream(war); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                Path target = to.resolve(e.getName()).normalize();
                if (!target.startsWith(to)) {
                    throw new IOException("entry outside the WAR: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    @Override
    public void redeploy() {
        int started = process.count(STARTED);
        int stopped = process.count(STOPPED);
        // Payara polls the file's time: a touch within the second of the last reload can go unnoticed, so touch
        // again until the running deployment stops.
        long deadline = System.nanoTime() + DEPLOY_TIMEOUT.toNanos();
        while (process.count(STOPPED) <= stopped) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Payara Micro did not reload " + app + ":\n" + process.tail());
            }
            touchReload();
            try {
                process.awaitCount(STOPPED, stopped + 1, Duration.ofSeconds(5));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // not noticed yet: touch again
            }
        }
        process.awaitCount(STARTED, started + 1, DEPLOY_TIMEOUT);
    }

    private void touchReload() {
        try {
            Path reload = app.resolve(".reload");
            if (!Files.exists(reload)) {
                Files.writeString(reload, "");
            }
            Files.setLastModifiedTime(reload, FileTime.from(Instant.now()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String name() {
        return "Payara Micro";
    }






}
