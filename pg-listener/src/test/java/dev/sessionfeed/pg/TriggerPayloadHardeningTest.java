package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.pg.PgTriggerInstaller.InstallState;
import dev.sessionfeed.pg.PgTriggerInstaller.Mode;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 10 (data part): the NOTIFY payload carries the id only (no {@code status} that any role allowed to
 * LISTEN could watch), an id longer than the listener accepts turns into a RESYNC notice instead of a payload
 * NOTIFY refuses (which failed the host's write), and a trigger of the previous version is reported outdated.
 */
@SessionFeedPostgres
class TriggerPayloadHardeningTest {

    private static final String RESYNC = "{\"action\":\"RESYNC\"}";

    private final TestDatabase db;

    TriggerPayloadHardeningTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    @AfterEach
    void clean() {
        PgTriggerInstaller.defaults().uninstall(db.dataSource());
        db.execute("DELETE FROM chat_sessions");
        // A host schema without SessionFeed's id length check: the trigger must cope on its own.
        db.execute("ALTER TABLE chat_sessions DROP CONSTRAINT IF EXISTS chat_sessions_session_id_length");
    }

    @Test
    void rowPayloadsCarryNoStatus() throws Exception {
        PgTriggerInstaller.defaults().install(db.dataSource());
        try (RawListener l = new RawListener(db.connect(), "chat_session_change")) {
            db.execute("INSERT INTO chat_sessions (session_id, status) VALUES ('p-1', 'waiting')");
            db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'p-1'");
            db.execute("DELETE FROM chat_sessions WHERE session_id = 'p-1'");
            await().atMost(Duration.ofSeconds(10)).until(() -> l.payloads().size() >= 3);
            assertThat(l.payloads()).hasSize(3).noneMatch(p -> p.contains("status") || p.contains("waiting") || p.contains("active"));
        }
    }

    @Test
    void anOverLongIdNeverBreaksTheHostsWriteAndAsksForAResync() throws Exception {
        PgTriggerInstaller.defaults().install(db.dataSource());
        String maxId = "m".repeat(PayloadParser.MAX_ID_LENGTH);
        String longId = "l".repeat(PayloadParser.MAX_ID_LENGTH + 1);
        String hugeId = "h".repeat(7_990); // with the v1 trigger: "payload string too long", the INSERT failed
        try (RawListener l = new RawListener(db.connect(), "chat_session_change")) {
            db.execute("INSERT INTO chat_sessions (session_id) VALUES (?)", maxId);
            db.execute("INSERT INTO chat_sessions (session_id) VALUES (?)", longId);
            db.execute("INSERT INTO chat_sessions (session_id) VALUES (?)", hugeId);
            db.execute("UPDATE chat_sessions SET session_id = 'short' WHERE session_id = ?", hugeId);
            await().atMost(Duration.ofSeconds(10)).until(() -> l.payloads().size() >= 5);
            assertThat(l.payloads()).containsExactly(
                    "{\"action\" : \"INSERT\", \"session_id\" : \"" + maxId + "\"}",
                    RESYNC,
                    RESYNC,
                    RESYNC, // the DELETE of the old, over-long id
                    "{\"action\" : \"UPDATE\", \"session_id\" : \"short\"}");
        }
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions")).isEqualTo(3);
    }

    @Test
    void theStatementTriggerAsksForAResyncWhenAnIdIsTooLongForTheListener() throws Exception {
        PgTriggerInstaller.builder().mode(Mode.STATEMENT).build().install(db.dataSource());
        try (RawListener l = new RawListener(db.connect(), "chat_session_change")) {
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('ok-1'), (?)", "l".repeat(PayloadParser.MAX_ID_LENGTH + 1));
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('ok-2')");
            await().atMost(Duration.ofSeconds(10)).until(() -> l.payloads().size() >= 2);
            assertThat(l.payloads()).containsExactly(RESYNC, "{\"action\" : \"INSERT\", \"ids\" : [\"ok-2\"]}");
        }
    }

    @Test
    void checkReportsTheVersionOneTriggerAsOutdated() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(resource("sessionfeed/pg/v1/trigger-row.sql"));
        }
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.OUTDATED);
        PgTriggerInstaller.defaults().install(db.dataSource());
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.CURRENT);
    }

    private static String resource(String path) throws Exception {
        try (InputStream in = TriggerPayloadHardeningTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
