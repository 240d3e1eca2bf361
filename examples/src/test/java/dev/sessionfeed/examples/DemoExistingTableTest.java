package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17: the sample app, unchanged, against an existing {@code chat_sessions} whose key is {@code uuid} or
 * {@code bigint} and whose rows someone else writes ({@code --seed-sessions 0}): the dashboard gets the rows, follows a
 * psql-style UPDATE, and End and Archive work (before: every by-id read failed with
 * {@code operator does not exist: uuid = character varying}, the feed stayed recovering, commands answered internal).
 */
class DemoExistingTableTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(strings = {"uuid", "bigint"})
    void theDemoFollowsAnExistingTableAndEndsAndArchivesItsChats(String keyType) throws Exception {
        TestDatabase db = PostgresServer.shared().createDatabase("demo_" + keyType);
        String key = keyType.equals("uuid") ? "uuid PRIMARY KEY DEFAULT gen_random_uuid()" : "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
        db.executeScript("CREATE TABLE chat_sessions (session_id " + key + ", status text NOT NULL DEFAULT 'waiting',"
                + " visitor_id text, visitor_name text, agent_id text, agent_name text, subject text,"
                + " created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),"
                + " ended_at timestamptz, first_response_at timestamptz, message_count integer NOT NULL DEFAULT 0,"
                + " last_message_at timestamptz, archived_at timestamptz);\n"
                + "INSERT INTO chat_sessions (status, visitor_name, subject) VALUES ('active', 'Ada', 'refund'), ('waiting', 'Grace', 'login');");
        try (DemoApp app = DemoApp.start(DemoOptions.parse(List.of("--port", "0", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
                "--db-password", db.password() == null ? "" : db.password(), "--admin-token", "existing-admin-token",
                "--viewer-token", "existing-viewer-token", "--simulate", "off", "--seed-sessions", "0"), Map.of()));
             FeedWebSocketClient admin = FeedWebSocketClient.open(URI.create("ws://localhost:" + app.port() + DemoApp.ENDPOINT_PATH),
                     Map.of("Authorization", "Bearer existing-admin-token", "Origin", app.baseUrl()))) {
            admin.awaitType("hello");
            admin.subscribe(true);
            await().atMost(WAIT).until(() -> admin.state().sessions().size() == 2);
            String id = admin.state().sessions().values().stream().filter(s -> "refund".equals(s.subject())).findFirst()
                    .orElseThrow().id();

            // Someone else's write, as with psql.
            db.execute("UPDATE chat_sessions SET status = 'active', agent_name = 'Linus' WHERE session_id::text = ?", id);
            await().atMost(WAIT).until(() -> "Linus".equals(admin.state().sessions().get(id).agentName()));
            db.execute("INSERT INTO chat_sessions (status, subject) VALUES ('waiting', 'new one')");
            await().atMost(WAIT).until(() -> admin.state().sessions().size() == 3);

            String end = admin.command("end_session", id);
            assertThat(ack(admin, end).path("result").path("outcome").asText()).isEqualTo("ended");
            await().atMost(WAIT).until(() -> "ended".equals(admin.state().sessions().get(id).status()));

            String archive = admin.command("archive_session", id);
            assertThat(ack(admin, archive).path("result").path("outcome").asText()).isEqualTo("archived");
            await().atMost(WAIT).until(() -> !admin.state().sessions().containsKey(id));
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id::text = ? AND status = 'archived'"
                    + " AND archived_at IS NOT NULL", id)).isEqualTo(1);
            assertThat(app.feed().status().name()).isEqualTo("LIVE");
        }
    }

    private static JsonNode ack(FeedWebSocketClient admin, String commandId) {
        return admin.await(f -> ("ack".equals(f.path("type").asText()) || "error".equals(f.path("type").asText()))
                && commandId.equals(f.path("id").asText()), "the answer to " + commandId);
    }
}
