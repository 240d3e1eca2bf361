package dev.sessionfeed.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.RawHandshake;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a Spring Boot application gets from the starter alone, over a real socket on the embedded container the
 * subclass runs (Tomcat or Jetty), against a real PostgreSQL: the table as the dashboard state, live changes from
 * plain JDBC updates, commands, roles, 401 before the upgrade, client.js, health and info.
 */
@SpringBootTest(classes = DashboardTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class StarterContract {

    static final String ORIGIN = "https://admin.example.test";
    static final String PATH = "/ws/admin/chat";

    /** One database per JVM (Tomcat and Jetty run in separate surefire executions), seeded before the app starts. */
    static final TestDatabase db = PostgresServer.shared().createDatabase("starter").installSchema();

    static {
        SessionFixtures.insertSession(db, "s-1", "waiting", Duration.ofMinutes(3));
        SessionFixtures.insertSession(db, "s-2", "active", Duration.ofMinutes(10));
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    ApplicationContext context;

    /** The pattern docs/spring-boot.md shows: testkit's database behind Spring's DataSource properties. */
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }

    abstract String expectedServer();

    /** Whether this JVM's class path is the one the subclass is about (surefire runs Tomcat and Jetty apart). */
    static boolean tomcatOnTheClassPath() {
        return ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", StarterContract.class.getClassLoader());
    }

    static String basicAdmin() {
        return "Basic " + Base64.getEncoder().encodeToString((DashboardTestApp.ADMIN + ":" + DashboardTestApp.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** An admin client (HTTP Basic) of the app on {@code port}, subscribed with deltas and holding the state. */
    static FeedWebSocketClient subscribedAdmin(int port) throws Exception {
        FeedWebSocketClient admin = FeedWebSocketClient.builder(URI.create("ws://127.0.0.1:" + port + PATH))
                .header("Origin", ORIGIN).header("Authorization", basicAdmin()).build();
        admin.connect().get(10, TimeUnit.SECONDS);
        admin.subscribe(true);
        admin.awaitType("status");
        return admin;
    }

    FeedWebSocketClient client(String cookie) throws Exception {
        FeedWebSocketClient client = FeedWebSocketClient.builder(URI.create("ws://127.0.0.1:" + port + PATH))
                .name("spring-" + cookie.hashCode())
                .header("Origin", ORIGIN)
                .header("Cookie", cookie)
                .build();
        client.connect().get(10, TimeUnit.SECONDS);
        client.subscribe(true);
        client.awaitType("status");
        return client;
    }

    @Test
    void loggedInAdminSeesTheTableLiveAndEndsASession() throws Exception {
        try (FeedWebSocketClient admin = client(FormLogin.sessionCookie(port, DashboardTestApp.ADMIN, DashboardTestApp.PASSWORD))) {
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(admin.differencesFrom(
                    FeedWebSocketClient.asReceived(FeedStateClient.readDatabase(db)), FeedStateClient.TIME_DEPENDENT_METRICS)).isEmpty());
            assertThat(admin.statuses()).last().isEqualTo("live");

            db.execute("UPDATE chat_sessions SET status = 'active', agent_name = 'Grace', updated_at = now() WHERE session_id = ?", "s-1");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(admin.state().sessions().get("s-1").status()).isEqualTo("active");
                assertThat(admin.state().sessions().get("s-1").agentName()).isEqualTo("Grace");
            });

            String toEnd = "end-" + System.nanoTime();
            SessionFixtures.insertSession(db, toEnd, "active");
            await().atMost(Duration.ofSeconds(15)).until(() -> admin.state().sessions().containsKey(toEnd));
            String id = admin.command("end_session", toEnd);
            JsonNode ack = admin.await(f -> "ack".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), "the ack");
            assertThat(ack.path("result").path("outcome").asText()).isEqualTo("ended");
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = ? AND status = 'ended'", toEnd)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(admin.state().sessions().get(toEnd).status()).isEqualTo("ended"));
        }
    }

    @Test
    void viewerWatchesButIsForbiddenToAct() throws Exception {
        try (FeedWebSocketClient viewer = client(FormLogin.sessionCookie(port, DashboardTestApp.VIEWER, DashboardTestApp.PASSWORD))) {
            assertThat(viewer.state().sessions()).isNotEmpty();
            String id = viewer.command("archive_session", "s-1");
            JsonNode error = viewer.await(f -> "error".equals(f.path("type").asText()) && id.equals(f.path("id").asText()), "the refusal");
            assertThat(error.path("code").asText()).isEqualTo("forbidden");
        }
    }

    @Test
    void handshakeWithoutLoginOrWithAnUnmappedRoleIsRefusedWith401BeforeTheUpgrade() throws Exception {
        assertThat(RawHandshake.status(port, PATH, Map.of("Origin", ORIGIN))).isEqualTo(401);
        String someone = FormLogin.sessionCookie(port, "someone", DashboardTestApp.PASSWORD);
        assertThat(RawHandshake.status(port, PATH, Map.of("Origin", ORIGIN, "Cookie", someone))).isEqualTo(401);
        String admin = FormLogin.sessionCookie(port, DashboardTestApp.ADMIN, DashboardTestApp.PASSWORD);
        assertThat(RawHandshake.status(port, PATH, Map.of("Origin", "https://evil.example", "Cookie", admin))).isEqualTo(403);
        assertThat(RawHandshake.status(port, PATH, Map.of("Origin", ORIGIN, "Cookie", admin))).isEqualTo(101);
    }

    @Test
    void httpBasicWorksTooBecauseTheHandshakeGoesThroughTheApplicationsFilterChain() throws Exception {
        assertThat(RawHandshake.status(port, PATH, Map.of("Origin", ORIGIN, "Authorization", basicAdmin()))).isEqualTo(101);
    }

    @Test
    void servesTheBrowserClient() throws Exception {
        HttpResponse<String> js = get("/sessionfeed/client.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.body()).contains("connectSessionFeed");
    }

    @Test
    void healthIndicatorAndInfoContributorDescribeTheFeed() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode feed = new ObjectMapper().readTree(health.body()).path("components").path("sessionfeed");
        assertThat(feed.path("status").asText()).as(health.body()).isEqualTo("UP");
        assertThat(feed.path("details").path("status").asText()).isEqualTo("live");
        int sessions = FeedStateClient.readDatabase(db).sessions().size();
        assertThat(feed.path("details").path("sessions").asInt()).isEqualTo(sessions);

        JsonNode info = new ObjectMapper().readTree(get("/actuator/info").body()).path("sessionfeed");
        assertThat(info.path("epoch").asText()).isNotBlank();
        assertThat(info.path("sessions").asInt()).isEqualTo(sessions);
        assertThat(info.has("connections")).isTrue();
    }

    @Test
    void theMicrometerBinderIsBoundToTheApplicationsRegistry() throws Exception {
        JsonNode names = new ObjectMapper().readTree(get("/actuator/metrics").body()).path("names");
        assertThat(names.toString()).contains("\"sessionfeed.feed.rebuilds\"", "\"sessionfeed.websocket.connections\"");
        HttpResponse<String> rebuilds = get("/actuator/metrics/sessionfeed.feed.rebuilds");
        assertThat(rebuilds.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(rebuilds.body()).path("measurements").get(0).path("value").asDouble()).isPositive();
    }

    @Test
    void runsOnTheExpectedContainer() throws Exception {
        // WebServerApplicationContext moved between Boot 3.5 and 4; its getWebServer() did not.
        Object server = context.getClass().getMethod("getWebServer").invoke(context);
        assertThat(server.getClass().getSimpleName()).startsWith(expectedServer());
    }

    HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", basicAdmin()).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
