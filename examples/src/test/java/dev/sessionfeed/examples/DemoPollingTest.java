package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's report, end to end through the demo (Jetty, the adapter, the default feed and polling source): with
 * {@code --source polling --poll-interval 1s}, psql's {@code UPDATE chat_sessions SET status = ... WHERE session_id = ...}
 * (no {@code updated_at}) reached no admin before the 60 s reconcile; now each reaches the admin's socket within
 * five poll intervals.
 */
@SessionFeedPostgres
class DemoPollingTest {

    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static DemoApp app;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        db.execute("DELETE FROM chat_sessions");
        app = DemoApp.start(DemoOptions.parse(List.of("--port", "0", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
                "--db-password", db.password() == null ? "" : db.password(), "--admin-token", "poll-admin-token",
                "--viewer-token", "poll-viewer-token", "--simulate", "off", "--seed-sessions", "0", "--source", "polling",
                "--poll-interval", "1s"), Map.of()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void psqlStatusUpdatesWithoutUpdatedAtReachTheAdminWithinFivePollIntervals() {
        try (FeedWebSocketClient admin = FeedWebSocketClient.open(URI.create("ws://localhost:" + app.port() + DemoApp.ENDPOINT_PATH),
                Map.of("Authorization", "Bearer poll-admin-token", "Origin", app.baseUrl()))) {
            admin.subscribe(true);
            db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('psql-1', 'waiting', 'Ada')");
            await().atMost(POLL_INTERVAL.multipliedBy(5)).until(() -> admin.state().sessions().containsKey("psql-1"));

            // The five writes, each as psql would send it.
            for (String status : List.of("active", "waiting", "active", "ended", "active")) {
                db.execute("UPDATE chat_sessions SET status = '" + status + "' WHERE session_id = 'psql-1'");
                await().atMost(POLL_INTERVAL.multipliedBy(5))
                        .until(() -> status.equals(admin.state().sessions().get("psql-1").status()));
            }
            assertThat(admin.state().sessions().get("psql-1").visitorName()).isEqualTo("Ada");
        }
    }
}
