package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.example.admin.AdminFeedApp;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.RawHandshake;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The README's "Quickstart in your app" is these files, and they run as pasted: {@link AdminFeedApp} (started in
 * its own JVM with the environment the README names) and {@code public/index.html} (in real Chromium where
 * installed). What a newcomer checks: the browser's token and cookie are accepted, others refused before the
 * upgrade, the state equals the table, a change arrives, {@code end_session} works (the schema step created the
 * commands table), {@code /sessionfeed/client.js} is served, and Ctrl-C closes dashboards with 1001.
 */
@SessionFeedPostgres
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QuickstartTest {

    private static final Path JAVA_FILE = Path.of("src/main/java/com/example/admin/AdminFeedApp.java");
    private static final Path PAGE = Path.of("src/main/resources/public/index.html");
    private static final String TOKEN = "quickstart-token";

    private TestDatabase db;
    private Process app;
    private final List<String> output = new ArrayList<>();
    private int port;
    private String base;

    @BeforeAll
    void startTheAppAsAUserWould(TestDatabase database) throws Exception {
        db = database;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        base = "http://localhost:" + port;
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, AdminFeedApp.class.getName()).redirectErrorStream(true);
        pb.environment().put("JDBC_URL", db.jdbcUrl());
        pb.environment().put("DB_USER", db.user());
        if (db.password() != null) {
            pb.environment().put("DB_PASSWORD", db.password());
        }
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("ADMIN_TOKEN", TOKEN);
        app = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    System.out.println("[quickstart] " + line);
                    synchronized (output) {
                        output.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "quickstart-output");
        reader.setDaemon(true);
        reader.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> printed("Admin dashboard on http://localhost:" + port) || !app.isAlive());
        assertThat(app.isAlive()).as("the quickstart app is running; its output: %s", output()).isTrue();
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('qs-1', 'waiting', 'Ada')");
    }

    @AfterAll
    void stop() throws Exception {
        if (app != null && app.isAlive()) {
            app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private boolean printed(String text) {
        synchronized (output) {
            return output.stream().anyMatch(l -> l.contains(text));
        }
    }

    private String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    private static String quickstartSection() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf("## Quickstart in your app");
        assertThat(start).as("README has a Quickstart section").isPositive();
        int end = readme.indexOf("\n## ", start + 3);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static List<String> blocks(String section, String language) {
        List<String> blocks = new ArrayList<>();
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    @Test
    @Order(1)
    void readmeShowsTheQuickstartFilesAsTheyAre() throws Exception {
        String section = quickstartSection();
        assertThat(blocks(section, "java")).as("the README's Java block is AdminFeedApp.java, whole")
                .contains(Files.readString(JAVA_FILE));
        assertThat(blocks(section, "html")).as("the README's page is public/index.html, whole")
                .contains(Files.readString(PAGE));
        assertThat(section).contains("src/main/resources/public/index.html", "slf4j");
    }

    @Test
    @Order(1)
    void readmeDependenciesAreTheArtifactsTheQuickstartCompilesWith() throws Exception {
        String xml = blocks(quickstartSection(), "xml").stream().collect(Collectors.joining("\n"));
        Set<String> named = new TreeSet<>();
        Matcher m = Pattern.compile("<dependency>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL).matcher(xml);
        while (m.find()) {
            named.add(m.group(1));
        }
        Set<String> onClassPath = new TreeSet<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            // target/classes of a reactor module: its artifactId is the module's folder's pom name.
            String name = p.getFileName().toString();
            if (name.equals("classes") && p.getParent() != null && p.getParent().getParent() != null) {
                onClassPath.add("sessionfeed-" + p.getParent().getParent().getFileName());
            } else {
                onClassPath.add(name.replaceAll("-\\d[^-]*(-SNAPSHOT)?\\.jar$", ""));
            }
        }
        named.remove("sessionfeed-bom");
        named.remove("slf4j-simple"); // the README's logging provider; this module's is Logback (any provider works)
        assertThat(named).as("artifacts the README's pom names").isNotEmpty();
        assertThat(onClassPath).as("the quickstart's class path").containsAll(named);
    }

    @Test
    @Order(2)
    void acceptsTheBrowsersTokenOrCookieAndRefusesOthersBeforeTheUpgrade() {
        FeedWebSocketClient byToken = FeedWebSocketClient.open(URI.create("ws://localhost:" + port + "/ws/admin/chat?access_token=" + TOKEN),
                Map.of("Origin", base));
        FeedWebSocketClient byCookie = FeedWebSocketClient.open(URI.create("ws://localhost:" + port + "/ws/admin/chat"),
                Map.of("Origin", base, "Cookie", "admin_token=" + TOKEN));
        try {
            assertThat(byToken.awaitType("hello").path("admin").path("name").asText()).isEqualTo("admin");
            byCookie.awaitType("hello");
        } finally {
            byToken.close();
            byCookie.close();
        }
        assertThat(RawHandshake.status(port, "/ws/admin/chat?access_token=wrong", Map.of("Origin", base))).isEqualTo(401);
        assertThat(RawHandshake.status(port, "/ws/admin/chat?access_token=" + TOKEN, Map.of("Origin", "http://evil.test")))
                .isEqualTo(403);
    }

    @Test
    @Order(3)
    void showsTheTableThenItsChangesAndEndsSessions() {
        FeedWebSocketClient c = FeedWebSocketClient.open(URI.create("ws://localhost:" + port + "/ws/admin/chat?access_token=" + TOKEN),
                Map.of("Origin", base));
        try {
            c.subscribe(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.state().sessions().containsKey("qs-1"));
            db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('qs-2', 'active', 'Grace')");
            await().atMost(Duration.ofSeconds(10)).until(() -> c.state().sessions().containsKey("qs-2"));
            String id = c.command("end_session", "qs-2");
            JsonNode ack = c.await(f -> f.path("type").asText().equals("ack") && f.path("id").asText().equals(id), "ack of " + id);
            assertThat(ack.path("result").path("outcome").asText()).isEqualTo("ended");
            await().atMost(Duration.ofSeconds(10)).until(() -> "ended".equals(c.state().sessions().get("qs-2").status()));
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'qs-2' AND status = 'ended'")).isEqualTo(1);
        } finally {
            c.close();
        }
    }

    @Test
    @Order(4)
    void servesThePageAndTheBrowserClient() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo(Files.readString(PAGE));
        HttpResponse<String> client = http.send(HttpRequest.newBuilder(URI.create(base + "/sessionfeed/client.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(client.statusCode()).isEqualTo(200);
        assertThat(client.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
    }

    @Test
    @Order(5)
    void thePageShowsLiveSessionsAndEndsOneInChromium() {
        Browser.assumeAvailable();
        ChromeDriver driver = Browser.start(1000, 700);
        try {
            driver.get(base + "/?access_token=" + TOKEN);
            await().atMost(Duration.ofSeconds(20)).until(() -> driver.findElement(By.id("status")).getText().equals("live"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !driver.findElements(By.id("session-qs-1")).isEmpty());
            db.execute("UPDATE chat_sessions SET status = 'active', visitor_name = 'Ada L.' WHERE session_id = 'qs-1'");
            await().atMost(Duration.ofSeconds(10)).until(() -> text(driver, "session-qs-1").contains("active Ada L."));
            driver.findElement(By.cssSelector("#session-qs-1 button")).click();
            await().atMost(Duration.ofSeconds(10)).until(() -> text(driver, "session-qs-1").contains("ended"));
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'qs-1' AND status = 'ended'")).isEqualTo(1);
        } finally {
            driver.quit();
        }
    }

    private static String text(ChromeDriver driver, String id) {
        List<WebElement> found = driver.findElements(By.id(id));
        try {
            return found.isEmpty() ? "" : found.get(0).getText();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return ""; // re-rendered meanwhile; the next poll reads the new element
        }
    }

    @Test
    @Order(6)
    void ctrlCClosesDashboardsWith1001AndStopsTheApp() throws Exception {
        FeedWebSocketClient c = FeedWebSocketClient.open(URI.create("ws://localhost:" + port + "/ws/admin/chat?access_token=" + TOKEN),
                Map.of("Origin", base));
        c.awaitType("hello");
        app.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook runs
        assertThat(c.awaitClose()).isEqualTo(1001);
        assertThat(app.waitFor(20, TimeUnit.SECONDS)).as("the app exits; its output: %s", output()).isTrue();
        c.close();
    }
}
