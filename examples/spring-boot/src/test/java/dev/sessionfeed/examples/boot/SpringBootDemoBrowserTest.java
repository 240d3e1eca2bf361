package dev.sessionfeed.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Boot sample in a real Chromium, as a user meets it: the login page, the dashboard with the rows Flyway's
 * migrations put in, a row changed with plain SQL, End, and the viewer's read-only page. Skipped with a message
 * where Chromium and chromedriver are not installed.
 */
@SpringBootTest(classes = SpringBootDemoApp.class, webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class SpringBootDemoBrowserTest {

    private static final Path CHROMIUM = Path.of(System.getProperty("sessionfeed.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("sessionfeed.chromedriver", "/usr/bin/chromedriver"));
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    static final TestDatabase db = PostgresServer.shared().createDatabase("bootdemo");   // empty: Flyway migrates it
    static final int port = freePort();

    private final List<WebDriver> browsers = new ArrayList<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
        registry.add("server.port", () -> port);
        registry.add("sessionfeed.allowed-origins", () -> "http://127.0.0.1:" + port);
        registry.add("demo.admin-password", () -> "admin-test-password");
        registry.add("demo.viewer-password", () -> "viewer-test-password");
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "SKIPPED: real-browser tests need Chromium and chromedriver at " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (Debian: apt-get install -y chromium chromium-driver)");
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(WebDriver::quit);
    }

    @Test
    void adminLogsInSeesALiveRowChangeAndEndsAChat() {
        WebDriver browser = signIn("admin", "admin-test-password");
        awaitCell(browser, "demo-2", "status", "active");
        assertThat(browser.findElement(By.id("who-name")).getText()).isEqualTo("admin");
        await().atMost(DEADLINE).until(() -> "live".equals(browser.findElement(By.id("connection-status")).getAttribute("data-status")));

        db.execute("UPDATE chat_sessions SET status = 'active', agent_name = 'Maya', updated_at = now() WHERE session_id = 'demo-1'");
        awaitCell(browser, "demo-1", "status", "active");
        assertThat(cellText(browser, "demo-1", "agent")).isEqualTo("Maya");

        row(browser, "demo-3").findElement(By.cssSelector("button[data-action='end_session']")).click();
        await().atMost(DEADLINE).until(() -> db.queryForLong(
                "SELECT count(*) FROM chat_sessions WHERE session_id = 'demo-3' AND status = 'ended'") == 1);
        awaitCell(browser, "demo-3", "status", "ended");
    }

    @Test
    void viewerSeesTheTableReadOnly() {
        WebDriver browser = signIn("viewer", "viewer-test-password");
        awaitCell(browser, "demo-4", "status", "waiting");
        assertThat(browser.findElement(By.tagName("body")).getAttribute("data-read-only")).isEqualTo("true");
        assertThat(browser.findElements(By.cssSelector("button[data-action]"))).isEmpty();
    }

    private WebDriver signIn(String user, String password) {
        WebDriver browser = startBrowser();
        browser.get("http://127.0.0.1:" + port + "/");
        await().atMost(DEADLINE).until(() -> browser.getCurrentUrl().contains("/login"));
        browser.findElement(By.name("username")).sendKeys(user);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("button[type='submit']")).click();
        await().atMost(DEADLINE).until(() -> !browser.getCurrentUrl().contains("/login"));
        return browser;
    }

    private WebDriver startBrowser() {
        Path profile;
        try {
            profile = Files.createTempDirectory("sessionfeed-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        browsers.add(driver);
        return driver;
    }

    private static WebElement row(WebDriver browser, String id) {
        return browser.findElement(By.cssSelector("tr[data-session-id='" + id + "']"));
    }

    private static String cellText(WebDriver browser, String id, String col) {
        List<WebElement> rows = browser.findElements(By.cssSelector("tr[data-session-id='" + id + "']"));
        return rows.isEmpty() ? null : rows.get(0).findElement(By.cssSelector("td[data-col='" + col + "']")).getAttribute("textContent");
    }

    private static void awaitCell(WebDriver browser, String id, String col, String expected) {
        await().atMost(DEADLINE).ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> assertThat(cellText(browser, id, col)).isEqualTo(expected));
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
