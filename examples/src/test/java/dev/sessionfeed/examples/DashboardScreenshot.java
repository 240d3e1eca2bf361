package dev.sessionfeed.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Makes {@code docs/dashboard.png}: runs the demo (embedded PostgreSQL, simulator on), opens the dashboard in
 * headless Chromium and saves a screenshot once it is live and has seen a few changes. Not a test; run with
 * the test class path, for example from an IDE, with the output path as the only argument.
 */
public final class DashboardScreenshot {

    private DashboardScreenshot() {
    }

    /**
     * Entry point.
     *
     * @param args the PNG file to write (default {@code docs/dashboard.png})
     * @throws Exception if anything fails
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/dashboard.png");
        try (DemoApp app = DemoApp.start(DemoOptions.parse(List.of("--port", "0", "--simulate", "4", "--seed-sessions", "40"), Map.of()))) {
            ChromeDriver browser = Browser.start(1400, 1000);
            try {
                browser.get(app.baseUrl() + "/?access_token=" + app.adminToken());
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(d ->
                        "live".equals(d.findElement(By.id("connection-status")).getAttribute("data-status")));
                // Let the simulator change a few rows so the highlight shows.
                long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
                new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> System.nanoTime() > until
                        && !d.findElements(By.cssSelector("#sessions-body tr.changed")).isEmpty());
                Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.copy(png, out, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("Wrote " + out.toAbsolutePath());
            } finally {
                browser.quit();
            }
        }
    }
}
