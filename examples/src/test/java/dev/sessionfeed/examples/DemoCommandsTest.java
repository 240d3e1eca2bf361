package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Commands end to end through the demo's real stack (Jetty, the WebSocket adapter with its 8 command workers,
 * JdbcCommandHandler with its defaults, PostgreSQL): issue 12 #6 (a row locked elsewhere) and #9 (archiving a live
 * chat), as an admin's dashboard sees them.
 */
@SessionFeedPostgres
class DemoCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static DemoApp app;
    private static TestDatabase db;

    @BeforeAll
    static void start(TestDatabase database) throws Exception {
        db = database;
        app = DemoApp.start(DemoOptions.parse(List.of("--port", "0", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
                "--db-password", db.password() == null ? "" : db.password(), "--admin-token", "cmd-admin-token",
                "--viewer-token", "cmd-viewer-token", "--simulate", "off", "--seed-sessions", "0", "--source", "polling"),
                Map.of()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    /** An admin connection that records every frame it receives. */
    private static final class Admin implements AutoCloseable {
        final List<JsonNode> frames = new CopyOnWriteArrayList<>();
        final WebSocket ws;

        Admin() throws Exception {
            ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer cmd-admin-token").header("Origin", app.baseUrl())
                    .buildAsync(URI.create("ws://localhost:" + app.port() + DemoApp.ENDPOINT_PATH), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                try {
                                    frames.add(JSON.readTree(text.toString()));
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                                text.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
        }

        void command(String id, String action, String sessionId) {
            ws.sendText("{\"type\":\"command\",\"id\":\"" + id + "\",\"action\":\"" + action + "\",\"sessionId\":\""
                    + sessionId + "\"}", true).join();
        }

        /** The ack or error answering a command id, once it arrived. */
        JsonNode answer(String id, Duration within) {
            return await().atMost(within).until(() -> frames.stream()
                    .filter(f -> id.equals(f.path("id").asText()) && (f.path("type").asText().equals("ack")
                            || f.path("type").asText().equals("error"))).findFirst().orElse(null), f -> f != null);
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    @Test
    void aRowLockedElsewhereDoesNotStallAnotherSessionsCommand() throws Exception {
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('e2e-hot', 'active', 'Hot'),"
                + " ('e2e-other', 'active', 'Other')");
        // Two admins: one sends ten commands on the locked row (its whole burst), the other one command elsewhere.
        try (Admin admin = new Admin(); Admin second = new Admin(); Connection locker = db.connect()) {
            locker.setAutoCommit(false);
            try (PreparedStatement ps = locker.prepareStatement("SELECT * FROM chat_sessions WHERE session_id = 'e2e-hot' FOR UPDATE")) {
                ps.executeQuery().close();
            }
            for (int i = 0; i < 10; i++) {
                admin.command("hot-" + i, "end_session", "e2e-hot");
            }
            // Until the ten occupy what they can: every worker (8) blocked on the lock, or answered.
            await().atMost(Duration.ofSeconds(10)).until(() -> lockWaiters() + admin.frames.stream()
                    .filter(f -> f.path("id").asText().startsWith("hot-")).count() >= 8);
            long start = System.nanoTime();
            second.command("other-1", "end_session", "e2e-other");
            JsonNode other = second.answer("other-1", Duration.ofSeconds(5));
            long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(other.path("type").asText()).isEqualTo("ack");
            assertThat(other.path("result").path("outcome").asText()).isEqualTo("ended");
            assertThat(answeredMs).as("ms until the other session's command was acknowledged").isLessThan(1_000);
            // Every command on the locked row is answered while it is still locked: rate_limited, retry later.
            for (int i = 0; i < 10; i++) {
                JsonNode hot = admin.answer("hot-" + i, Duration.ofSeconds(6));
                assertThat(hot.path("type").asText()).as("hot-" + i).isEqualTo("error");
                assertThat(hot.path("code").asText()).as("hot-" + i).isEqualTo("rate_limited");
            }
            System.out.printf("e2e hot row: other session's ack after %d ms; 10 commands on the locked row all answered"
                    + " rate_limited while it stayed locked%n", answeredMs);
            locker.rollback();

            admin.command("hot-0", "end_session", "e2e-hot");
            await().atMost(Duration.ofSeconds(5)).until(() -> admin.frames.stream().anyMatch(f ->
                    f.path("type").asText().equals("ack") && f.path("id").asText().equals("hot-0")));
        }
    }

    private static long lockWaiters() {
        return db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'");
    }

    @Test
    void archivingALiveChatIsABadRequestNamingItsStatus() throws Exception {
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name) VALUES ('e2e-live', 'waiting', 'Live')");
        try (Admin admin = new Admin()) {
            admin.command("arch-1", "archive_session", "e2e-live");
            JsonNode answer = admin.answer("arch-1", Duration.ofSeconds(5));
            assertThat(answer.path("type").asText()).isEqualTo("error");
            assertThat(answer.path("code").asText()).isEqualTo("bad_request");
            assertThat(answer.path("message").asText()).contains("'waiting'", "end_session");
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'e2e-live' AND status = 'waiting'"))
                    .isEqualTo(1);
        }
    }
}
