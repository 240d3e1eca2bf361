package dev.sessionfeed.examples.jakartaee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.RawHandshake;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The same checks against the sample WAR deployed on each real application server: the server's security in
 * front of the endpoint, state equal to the table, live changes, commands by role, frame limits, resume, and
 * undeploy/redeploy five times without restarting the server (no thread, class loader or LISTEN connection of an
 * old deployment left). A subclass starts its server once for the class; the redeploy check runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DeployedWarKit {

    static final Path REPORT = Path.of("target", "app-servers-report.md");

    TestDatabase db;
    AppServer server;

    /** Starts the server with the WAR deployed, against {@code db}. */
    abstract AppServer startServer(TestDatabase db) throws IOException;

    @BeforeAll
    void startServerWithTheWar() throws IOException {
        db = PostgresServer.shared().createDatabase("jakartaee").installSchema();
        SessionFixtures.seed(db, "s", 12, new Random(14));
        server = startServer(db);
        report("%s: started in %.1f s, WAR deployed in %.1f s (JVM %d)", server.name(), server.startSeconds(),
                server.deploySeconds(), server.jvmPid());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    URI endpoint() {
        return URI.create("ws://127.0.0.1:" + server.httpPort() + AppServer.CONTEXT + "/ws/admin/chat");
    }

    String origin() {
        return AppServers.origin(server.httpPort());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    FeedWebSocketClient client(String name, String user, String password) {
        return FeedWebSocketClient.builder(endpoint()).name(name)
                .header("Authorization", basic(user, password))
                .header("Origin", origin())
                .build();
    }

    FeedWebSocketClient subscribed(String name, String user, String password) throws Exception {
        FeedWebSocketClient c = client(name, user, password);
        c.connect().get(20, TimeUnit.SECONDS);
        c.awaitType("hello");
        c.subscribe(true);
        c.awaitType("status");
        return c;
    }

    void awaitEqualsTable(FeedWebSocketClient c) {
        await(c.name() + " shows what the table holds").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Snapshot expected = FeedWebSocketClient.asReceived(FeedStateClient.readDatabase(db));
            assertThat(c.differencesFrom(expected, FeedStateClient.TIME_DEPENDENT_METRICS)).isEmpty();
        });
    }

    @Test
    @Order(1)
    void theServerRefusesAnUpgradeWithoutLoginWith401() {
        assertThat(RawHandshake.status(server.httpPort(), AppServer.CONTEXT + "/ws/admin/chat", Map.of("Origin", origin())))
                .isEqualTo(401);
    }

    @Test
    @Order(2)
    void aForeignOriginIsRefusedWith403EvenWithALogin() {
        assertThat(RawHandshake.status(server.httpPort(), AppServer.CONTEXT + "/ws/admin/chat",
                Map.of("Origin", "https://evil.example", "Authorization", basic(AppServers.ADMIN, AppServers.ADMIN_PASSWORD))))
                .isEqualTo(403);
    }

    @Test
    @Order(3)
    void aRealmUserInNeitherRoleIsRefusedWith403() {
        assertThat(RawHandshake.status(server.httpPort(), AppServer.CONTEXT + "/ws/admin/chat",
                Map.of("Origin", origin(), "Authorization", basic(AppServers.OUTSIDER, AppServers.OUTSIDER_PASSWORD))))
                .isEqualTo(403);
    }

    @Test
    @Order(4)
    void theDashboardPageAndTheBrowserClientAreServedBehindTheLogin() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI page = URI.create("http://127.0.0.1:" + server.httpPort() + AppServer.CONTEXT + "/");
        URI js = URI.create("http://127.0.0.1:" + server.httpPort() + AppServer.CONTEXT + "/sessionfeed/client.js");
        assertThat(http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);
        HttpResponse<String> index = http.send(HttpRequest.newBuilder(page).header("Authorization", basic(AppServers.VIEWER, AppServers.VIEWER_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.body()).contains("dashboard.js");
        HttpResponse<String> client = http.send(HttpRequest.newBuilder(js).header("Authorization", basic(AppServers.VIEWER, AppServers.VIEWER_PASSWORD)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.body()).contains("export function connectSessionFeed");
    }

    @Test
    @Order(5)
    void anAdminSeesTheTableAndAChangeWrittenWithSql() throws Exception {
        try (FeedWebSocketClient admin = subscribed("admin", AppServers.ADMIN, AppServers.ADMIN_PASSWORD)) {
            JsonNode hello = admin.frames().get(0);
            assertThat(hello.path("admin").path("name").asText()).isEqualTo(AppServers.ADMIN);
            awaitEqualsTable(admin);

            SessionFixtures.insertSession(db, "sql-1", "waiting");
            db.execute("UPDATE chat_sessions SET status = 'active', agent_name = 'Grace' WHERE session_id = ?", "s-1");
            await("the new session arrives").atMost(Duration.ofSeconds(20))
                    .until(() -> admin.state().sessions().containsKey("sql-1"));
            awaitEqualsTable(admin);
            assertThat(admin.statuses()).last().isEqualTo("live"); // LISTEN, not polling
        }
    }

    @Test
    @Order(6)
    void endSessionIsAckedAndWrittenToTheTable() throws Exception {
        SessionFixtures.insertSession(db, "end-me", "active");
        try (FeedWebSocketClient admin = subscribed("admin-end", AppServers.ADMIN, AppServers.ADMIN_PASSWORD)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> admin.state().sessions().containsKey("end-me"));
            String id = admin.command("end_session", "end-me");
            JsonNode ack = admin.await(f -> "ack".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), "the ack");
            assertThat(ack.path("result").path("outcome").asText()).isEqualTo("ended");
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'end-me' AND status = 'ended'")).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> "ended".equals(admin.state().sessions().get("end-me").status()));
        }
    }

    @Test
    @Order(7)
    void aViewerSeesTheFeedButMayNotEndASession() throws Exception {
        SessionFixtures.insertSession(db, "keep-me", "active");
        try (FeedWebSocketClient viewer = subscribed("viewer", AppServers.VIEWER, AppServers.VIEWER_PASSWORD)) {
            awaitEqualsTable(viewer);
            String id = viewer.command("end_session", "keep-me");
            JsonNode error = viewer.await(f -> "error".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), "the refusal");
            assertThat(error.path("code").asText()).isEqualTo("forbidden");
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'keep-me' AND status = 'active'")).isEqualTo(1);
        }
    }

    @Test
    @Order(8)
    void aOneMegabyteFrameIsClosedWith1009() throws Exception {
        try (FeedWebSocketClient admin = client("big", AppServers.ADMIN, AppServers.ADMIN_PASSWORD)) {
            admin.connect().get(20, TimeUnit.SECONDS);
            admin.awaitType("hello");
            try {
                admin.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}");
            } catch (IllegalStateException e) {
                // Tyrus (Payara) closes with 1009 while the frame is still being sent: the send fails, the code stays.
            }
            assertThat(admin.awaitClose()).isEqualTo(1009);
        }
    }

    @Test
    @Order(9)
    void aClientResumesWithEpochAndLastSeqAndGetsOnlyWhatItMissed() throws Exception {
        try (FeedWebSocketClient c = subscribed("resumer", AppServers.ADMIN, AppServers.ADMIN_PASSWORD)) {
            awaitEqualsTable(c);
            String epoch = c.epoch();
            long seq = c.seq();
            c.disconnect();
            c.awaitClose();

            SessionFixtures.updateStatus(db, "s-2", "ended");
            SessionFixtures.insertSession(db, "while-away", "waiting");
            // The feed has seen both changes once a fresh client shows them.
            try (FeedWebSocketClient other = subscribed("witness", AppServers.ADMIN, AppServers.ADMIN_PASSWORD)) {
                awaitEqualsTable(other);
            }

            int from = c.frameCount();
            c.connect().get(20, TimeUnit.SECONDS);
            c.awaitType(from, "hello");
            c.subscribe(true, epoch, seq);
            c.awaitType(from, "status");
            awaitEqualsTable(c);
            List<String> types = new ArrayList<>();
            c.frames().subList(from, c.frameCount()).forEach(f -> types.add(f.path("type").asText()));
            assertThat(types).contains("session_delta").doesNotContain("session_update");
        }
    }

    @Test
    @Order(100)
    void redeployingFiveTimesLeavesNoThreadClassLoaderOrListenConnectionBehind() throws Exception {
        JvmProbe jvm = new JvmProbe(server.jvmPid());
        List<String> threadsBefore = jvm.sessionFeedThreads();
        List<String> allThreadsBefore = jvm.threadNames();
        long heapBefore = jvm.heapUsedAfterGcMiB();
        assertThat(listenConnections()).isEqualTo(1);

        for (int i = 0; i < 5; i++) {
            server.redeploy();
        }

        // Each thread name at most as often as one deployment had it (command workers start on demand).
        await("the old deployments' threads end").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Long> after = jvm.sessionFeedThreads().stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
            Map<String, Long> before = threadsBefore.stream().collect(Collectors.groupingBy(n -> n, Collectors.counting()));
            after.forEach((name, n) -> assertThat(n).as("threads named " + name + " (before: " + threadsBefore + ")")
                    .isLessThanOrEqualTo(Math.max(1, before.getOrDefault(name, 0L))));
        });
        await("one LISTEN connection").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(listenConnections()).isEqualTo(1));
        List<String> newThreads = new ArrayList<>(jvm.threadNames());
        allThreadsBefore.forEach(newThreads::remove);
        long t0 = System.nanoTime();
        List<Long> loadersNow = jvm.liveInstancesPerLoader("dev.sessionfeed.FeedStatus");
        try {
            // An old deployment's class loader stays reachable for up to pgjdbc's cleaner-thread TTL (30 s) after
            // undeploy. Both servers then still keep the last undeployed application reachable (on WildFly from an
            // idle worker thread's last request, see docs/jakarta-ee.md): at most one old loader, never one per redeploy.
            await("the old deployments' class loaders are collected").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> jvm.liveInstancesPerLoader("dev.sessionfeed.FeedStatus").size() <= 2);
        } finally {
            List<Long> feeds = jvm.liveInstancesPerLoader("dev.sessionfeed.DefaultSessionFeed");
            List<Long> loaders = jvm.liveInstancesPerLoader("dev.sessionfeed.FeedStatus");
            long heapAfter = jvm.heapUsedAfterGcMiB();
            report("%s: redeployed 5 times: sessionfeed-* threads %d before, %d after (%s); LISTEN connections %d; live "
                            + "engines after GC %s; class loaders holding SessionFeed's classes %d right after the redeploys, %d "
                            + "after %.0f s; threads new since before: %s; heap after GC %d MiB before, %d MiB after",
                    server.name(), threadsBefore.size(), jvm.sessionFeedThreads().size(), String.join(", ", jvm.sessionFeedThreads()),
                    listenConnections(), feeds, loadersNow.size(), loaders.size(), (System.nanoTime() - t0) / 1e9, newThreads,
                    heapBefore, heapAfter);
            // The current deployment's engine, and at most the last undeployed one's (see the loaders above).
            assertThat(feeds).as("live SessionFeed engines (one per class loader)").hasSizeBetween(1, 2).containsOnly(1L);
        }

        try (FeedWebSocketClient fresh = subscribed("fresh", AppServers.ADMIN, AppServers.ADMIN_PASSWORD)) {
            awaitEqualsTable(fresh);
            SessionFixtures.insertSession(db, "after-redeploy", "waiting");
            await().atMost(Duration.ofSeconds(20)).until(() -> fresh.state().sessions().containsKey("after-redeploy"));
        }
    }

    long listenConnections() {
        return db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = ?",
                PgNotifyChangeSource.DEFAULT_APPLICATION_NAME);
    }

    static void report(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        PrintStream out = System.out;
        out.println(line);
        try {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, "- " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            out.println("cannot write " + REPORT + ": " + e);
        }
    }
}
