package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real browser (Debian Chromium via Selenium) against the real app: embedded Jetty,
 * SessionFeed with the NOTIFY source, a real PostgreSQL from the testkit.
 */
@SessionFeedPostgres
class DashboardBrowserTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static TestDatabase db;
    private static DemoApp app;
    private static int port;
    private final List<WebDriver> browsers = new ArrayList<>();

    @BeforeAll
    static void startApp(TestDatabase database) throws Exception {
        Browser.assumeAvailable();
        db = database;
        db.installSchema();
        for (int i = 1; i <= 5; i++) {
            db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name, subject, message_count) VALUES (?, 'waiting', ?, 'Initial', 0)",
                    "init-" + i, "Initial visitor " + i);
        }
        app = startApp(0);
        port = app.port();
    }

    private static DemoApp startApp(int onPort) throws Exception {
        return DemoApp.start(DemoOptions.parse(List.of(
                "--port", String.valueOf(onPort), "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
                "--db-password", db.password() == null ? "" : db.password(),
                "--admin-token", "test-admin-token", "--viewer-token", "test-viewer-token",
                "--simulate", "off", "--seed-sessions", "0", "--source", "notify"), Map.of()));
    }

    @AfterAll
    static void stopApp() {
        if (app != null) {
            app.close();
        }
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
    }

    @Test
    void showsTheInitialSessions() {
        WebDriver browser = open("test-admin-token");
        for (int i = 1; i <= 5; i++) {
            String id = "init-" + i;
            await().atMost(DEADLINE).ignoreException(StaleElementReferenceException.class)
                    .untilAsserted(() -> assertThat(cellText(browser, id, "visitor")).isEqualTo("Initial visitor " + id.substring(5)));
        }
        assertThat(browser.findElement(By.id("connection-status")).getAttribute("data-status")).isEqualTo("live");
    }

    @Test
    void showsARowChangedInTheDatabase() {
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name, message_count) VALUES ('chg-1', 'waiting', 'Changing', 0)");
        WebDriver browser = open("test-admin-token");
        awaitCell(browser, "chg-1", "status", "waiting");

        db.execute("UPDATE chat_sessions SET status = 'active', agent_name = 'Maya', message_count = 42, updated_at = now() WHERE session_id = 'chg-1'");

        awaitCell(browser, "chg-1", "status", "active");
        assertThat(cellText(browser, "chg-1", "messages")).isEqualTo("42");
        assertThat(cellText(browser, "chg-1", "agent")).isEqualTo("Maya");
    }

    @Test
    void endInOneWindowChangesTheDatabaseAndTheOtherWindow() {
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name, message_count) VALUES ('end-1', 'active', 'To end', 3)");
        WebDriver first = open("test-admin-token");
        WebDriver second = open("test-admin-token");
        awaitCell(first, "end-1", "status", "active");
        awaitCell(second, "end-1", "status", "active");

        row(first, "end-1").findElement(By.cssSelector("button[data-action='end_session']")).click();

        await().atMost(DEADLINE).until(() -> statusInDb("end-1").equals("ended"));
        awaitCell(second, "end-1", "status", "ended");
        awaitCell(first, "end-1", "status", "ended");
    }

    @Test
    void reconnectsAfterTheServerRestartsAndShowsWhatTheDatabaseHas() throws Exception {
        WebDriver browser = open("test-admin-token");
        await().atMost(DEADLINE).until(() -> connectionStatus(browser).equals("live"));

        ((JavascriptExecutor) browser).executeScript(
                "window.closeCodes = []; window.sessionFeed.on('disconnect', (e) => window.closeCodes.push(e.code));");

        app.close();
        await().atMost(DEADLINE).until(() -> connectionStatus(browser).equals("reconnecting"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.closeCodes[0];"))
                .as("the server closes dashboards with 1001 (going away)").isEqualTo(1001L);
        // Changes made while the server is down must be on screen after the reconnect.
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('while-down', 'waiting', 'Came while down')");
        db.execute("UPDATE chat_sessions SET message_count = message_count + 7, updated_at = now() WHERE session_id = 'init-2'");

        app = startApp(port);

        await().atMost(Duration.ofSeconds(60)).until(() -> connectionStatus(browser).equals("live"));
        await().atMost(DEADLINE).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(tableRows(browser)).isEqualTo(databaseRows()));
    }

    @Test
    void aViewerCannotEndSessions() throws SQLException {
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('view-1', 'active', 'Viewed only')");
        WebDriver browser = open("test-viewer-token");
        awaitCell(browser, "view-1", "status", "active");

        assertThat(browser.findElement(By.tagName("body")).getAttribute("data-read-only")).isEqualTo("true");
        assertThat(browser.findElements(By.cssSelector("button[data-action]"))).isEmpty();
        assertThat(browser.findElement(By.id("readonly-badge")).isDisplayed()).isTrue();

        // Even a hand-made command over the same connection is refused by the server.
        Object outcome = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "window.sessionFeed.endSession('view-1').then(() => done('applied'), (e) => done(e.code));");
        assertThat(outcome).isEqualTo("forbidden");
        assertThat(statusInDb("view-1")).isEqualTo("active");
    }

    @Test
    void aPageOnAnotherSiteCannotLogTheAdminInAsSomeoneElseNorOut() throws Exception {
        WebDriver browser = open("test-admin-token");
        assertThat(browser.findElement(By.tagName("body")).getAttribute("data-read-only")).isEqualTo("false");

        // The attack of issue 12 #11, from another site (127.0.0.1 is another site than localhost): a form that
        // logs the victim in as the viewer, and a text/plain logout, both without a CORS preflight.
        String target = "http://localhost:" + port;
        String page = "<!doctype html><html><body>"
                + "<form id='login' method='POST' action='" + target + "/api/login'>"
                + "<input name='token' value='test-viewer-token'></form>"
                + "<script>fetch('" + target + "/api/logout', {method: 'POST', mode: 'no-cors', credentials: 'include',"
                + " headers: {'Content-Type': 'text/plain'}, body: '{}'}).finally(() => document.getElementById('login').submit());"
                + "</script></body></html>";
        com.sun.net.httpserver.HttpServer evil = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", exchange -> {
            byte[] body = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        evil.start();
        try {
            browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            await().atMost(DEADLINE).until(() -> browser.getCurrentUrl().startsWith(target + "/api/login"));
            assertThat(browser.findElement(By.tagName("body")).getText()).contains("forbidden");
        } finally {
            evil.stop(0);
        }

        browser.get(target + "/");
        await().atMost(DEADLINE).until(() -> connectionStatus(browser).equals("live"));
        assertThat(browser.findElement(By.tagName("body")).getAttribute("data-read-only"))
                .as("still signed in as the admin").isEqualTo("false");
        assertThat(browser.findElement(By.id("who-name")).getText()).isEqualTo("admin");
    }

    @Test
    void signingOutEndsTheLoginAndItsConnection() {
        WebDriver browser = open("test-admin-token");
        ((JavascriptExecutor) browser).executeScript(
                "window.closeCodes = []; window.sessionFeed.on('disconnect', (e) => window.closeCodes.push(e.code));");

        browser.findElement(By.id("logout")).click();

        await().atMost(DEADLINE).until(() -> browser.findElement(By.id("login")).isDisplayed());
        assertThat(((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch('/api/whoami', {credentials: 'same-origin'}).then(r => done(r.status));")).isEqualTo(401L);
    }

    // ---------------------------------------------------------------- helpers

    private WebDriver open(String token) {
        ChromeDriver browser = Browser.start(1280, 900);
        browsers.add(browser);
        browser.get("http://localhost:" + port + "/?access_token=" + token);
        await().atMost(DEADLINE).until(() -> connectionStatus(browser).equals("live"));
        return browser;
    }

    private static String connectionStatus(WebDriver browser) {
        return browser.findElement(By.id("connection-status")).getAttribute("data-status");
    }

    private static WebElement row(WebDriver browser, String id) {
        return browser.findElement(By.cssSelector("tr[data-session-id='" + id + "']"));
    }

    private static String cellText(WebDriver browser, String id, String col) {
        List<WebElement> rows = browser.findElements(By.cssSelector("tr[data-session-id='" + id + "']"));
        if (rows.isEmpty()) {
            return null;
        }
        return rows.get(0).findElement(By.cssSelector("td[data-col='" + col + "']")).getAttribute("textContent");
    }

    private static void awaitCell(WebDriver browser, String id, String col, String expected) {
        await().atMost(DEADLINE).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(cellText(browser, id, col)).isEqualTo(expected));
    }

    /** id → "status/messages" for every row of the table. */
    @SuppressWarnings("unchecked")
    private static Map<String, String> tableRows(WebDriver browser) {
        List<String> rows = (List<String>) ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#sessions-body tr')].map(tr => tr.dataset.sessionId + '=' + "
                        + "tr.querySelector('td[data-col=status]').textContent + '/' + tr.querySelector('td[data-col=messages]').textContent);");
        Map<String, String> m = new TreeMap<>();
        for (String r : rows) {
            int eq = r.indexOf('=');
            m.put(r.substring(0, eq), r.substring(eq + 1));
        }
        return m;
    }

    private static Map<String, String> databaseRows() throws SQLException {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT session_id, status, message_count FROM chat_sessions WHERE status <> 'archived'")) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getString(2) + "/" + rs.getLong(3));
            }
        }
        return m;
    }

    private static String statusInDb(String id) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM chat_sessions WHERE session_id = '" + id.replace("'", "''") + "'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
