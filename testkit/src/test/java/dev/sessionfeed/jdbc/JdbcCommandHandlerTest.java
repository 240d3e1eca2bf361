package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class JdbcCommandHandlerTest {

    private final TestDatabase db;
    private final JdbcCommandHandler handler;

    JdbcCommandHandlerTest(TestDatabase db) {
        this.db = db;
        this.handler = JdbcCommandHandler.builder(db.dataSource()).build();
    }

    @BeforeEach
    void emptyTables() {
        SessionFixtures.deleteAll(db);
        db.execute("DELETE FROM sessionfeed_commands");
    }

    private static SessionCommand cmd(String id, String action, String sessionId) {
        return new SessionCommand(id, action, sessionId, Map.of());
    }

    private boolean hasStatus(String id, String status) {
        return db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = ? AND status = ?", id, status) == 1;
    }

    @Test
    void endsASessionSettingEndedAtAndUpdatedAt() {
        SessionFixtures.insertSession(db, "s1", "active");
        db.execute("UPDATE chat_sessions SET updated_at = now() - interval '1 hour' WHERE session_id = 's1'");

        CommandResult r = handler.handle(cmd("c1", "end_session", "s1"), "admin@example.com");

        assertThat(r).isEqualTo(new CommandResult("ended", "s1", false));
        assertThat(hasStatus("s1", "ended")).isTrue();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 's1'"
                + " AND ended_at IS NOT NULL AND updated_at > now() - interval '1 minute'")).isEqualTo(1);
        assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands WHERE command_id = 'c1'"
                + " AND action = 'end_session' AND session_id = 's1' AND actor = 'admin@example.com' AND outcome = 'ended'"))
                .isEqualTo(1);
    }

    @Test
    void endingAnEndedSessionChangesNothing() {
        SessionFixtures.insertSession(db, "s2", "ended");
        long endedAt = db.queryForLong("SELECT extract(epoch FROM ended_at) * 1000000 FROM chat_sessions WHERE session_id = 's2'");

        assertThat(handler.handle(cmd("c2", "end_session", "s2"), "a").outcome()).isEqualTo("already_ended");
        assertThat(db.queryForLong("SELECT extract(epoch FROM ended_at) * 1000000 FROM chat_sessions WHERE session_id = 's2'"))
                .isEqualTo(endedAt);
    }

    @Test
    void archivesASessionSettingArchivedAt() {
        SessionFixtures.insertSession(db, "s3", "ended");

        assertThat(handler.handle(cmd("c3", "archive_session", "s3"), "a"))
                .isEqualTo(new CommandResult("archived", "s3", false));
        assertThat(hasStatus("s3", "archived")).isTrue();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 's3' AND archived_at IS NOT NULL"))
                .isEqualTo(1);
        assertThat(handler.handle(cmd("c4", "archive_session", "s3"), "a").outcome()).isEqualTo("already_archived");
        assertThat(handler.handle(cmd("c5", "end_session", "s3"), "a").outcome()).isEqualTo("already_ended");
    }

    @Test
    void refusesToArchiveAChatThatHasNotEndedNamingItsStatus() {
        SessionFixtures.insertSession(db, "live1", "active");
        SessionFixtures.insertSession(db, "live2", "waiting");

        for (String id : List.of("live1", "live2")) {
            String status = id.equals("live1") ? "active" : "waiting";
            assertThatThrownBy(() -> handler.handle(cmd("arch-" + id, "archive_session", id), "a"))
                    .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.INVALID))
                    .hasMessageContaining("'" + status + "'").hasMessageContaining("end_session");
            // Nothing changed and nothing was recorded: the same id works once the chat has ended.
            assertThat(hasStatus(id, status)).isTrue();
            assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = ? AND archived_at IS NULL", id))
                    .isEqualTo(1);
            assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands WHERE command_id = ?", "arch-" + id)).isZero();
        }

        handler.handle(cmd("end-live1", "end_session", "live1"), "a");
        assertThat(handler.handle(cmd("arch-live1", "archive_session", "live1"), "a"))
                .isEqualTo(new CommandResult("archived", "live1", false));
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'live1'"
                + " AND status = 'archived' AND ended_at IS NOT NULL AND archived_at IS NOT NULL")).isEqualTo(1);

        // A table with several end states names them all.
        SessionFixtures.insertSession(db, "missed1", "missed");
        JdbcCommandHandler several = JdbcCommandHandler.builder(db.dataSource())
                .archivableStatuses(java.util.Set.of("ended", "missed")).build();
        assertThat(several.handle(cmd("arch-missed1", "archive_session", "missed1"), "a").outcome()).isEqualTo("archived");
        assertThatThrownBy(() -> several.handle(cmd("arch-live2", "archive_session", "live2"), "a"))
                .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.INVALID));
        assertThatThrownBy(() -> JdbcCommandHandler.builder(db.dataSource()).archivableStatuses(java.util.Set.of("archived")).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("archivableStatuses");
    }

    @Test
    void unknownSessionIsNotFoundAndNotRecorded() {
        assertThatThrownBy(() -> handler.handle(cmd("c6", "end_session", "nope"), "a"))
                .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.NOT_FOUND))
                .hasMessageContaining("nope");
        assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands")).isZero();

        // The same command id works once the session exists.
        SessionFixtures.insertSession(db, "nope", "waiting");
        assertThat(handler.handle(cmd("c6", "end_session", "nope"), "a").outcome()).isEqualTo("ended");
    }

    @Test
    void repeatedCommandIdIsAppliedOnceAndReplaysTheFirstOutcome() {
        SessionFixtures.insertSession(db, "s7", "waiting");
        assertThat(handler.handle(cmd("c7", "end_session", "s7"), "a")).isEqualTo(new CommandResult("ended", "s7", false));
        // Reopen the session: a second application would end it again; a replay must not.
        SessionFixtures.updateStatus(db, "s7", "active");

        CommandResult again = handler.handle(cmd("c7", "end_session", "s7"), "a");

        assertThat(again).isEqualTo(new CommandResult("ended", "s7", true));
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 's7' AND status = 'active'")).isEqualTo(1);
    }

    @Test
    void rejectsACommandIdReusedForAnotherCommand() {
        SessionFixtures.insertSession(db, "s8", "waiting");
        SessionFixtures.insertSession(db, "s9", "waiting");
        handler.handle(cmd("c8", "end_session", "s8"), "a");

        assertThatThrownBy(() -> handler.handle(cmd("c8", "end_session", "s9"), "a"))
                .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.INVALID));
        assertThatThrownBy(() -> handler.handle(cmd("c8", "archive_session", "s8"), "a"))
                .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.INVALID));
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 's9' AND status = 'waiting'")).isEqualTo(1);
    }

    @Test
    void concurrentDuplicatesAreAppliedExactlyOnce() throws Exception {
        // Eight at once on one session: above the default per-session cap (1), so that the database's serialization
        // of one command id (the primary key) is what is tested here; JdbcCommandHandlerHotRowTest tests the cap.
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource()).maxCommandsPerSession(8).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String session = "cc" + round;
                String commandId = "dup-" + round;
                SessionFixtures.insertSession(db, session, "ended");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<CommandResult>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    Callable<CommandResult> task = () -> {
                        go.await();
                        return handler.handle(cmd(commandId, "archive_session", session), "a");
                    };
                    futures.add(pool.submit(task));
                }
                go.countDown();
                List<CommandResult> results = new ArrayList<>();
                for (Future<CommandResult> f : futures) {
                    results.add(f.get(30, TimeUnit.SECONDS));
                }
                assertThat(results).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("archived"));
                assertThat(results).filteredOn(r -> !r.replayed()).hasSize(1);
                assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands WHERE command_id = ?", commandId))
                        .isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void worksWithACustomTableStatusesAndNoArchivedAtColumn() {
        db.executeScript("CREATE SCHEMA IF NOT EXISTS crm;"
                + " CREATE TABLE IF NOT EXISTS crm.tickets (tid text PRIMARY KEY, state text NOT NULL, status text,"
                + " created_at timestamptz, changed timestamptz, ended_at timestamptz);"
                + " CREATE TABLE IF NOT EXISTS crm.done (command_id text PRIMARY KEY, action text, session_id text,"
                + " actor text, outcome text, executed_at timestamptz);"
                + " INSERT INTO crm.tickets (tid, state) VALUES ('t1', 'open') ON CONFLICT DO NOTHING");
        SessionTable table = SessionTable.builder().schema("crm").table("tickets")
                .column(SessionTable.Column.ID, "tid").column(SessionTable.Column.STATUS, "state")
                .column(SessionTable.Column.VISITOR_ID, "status") // any spare column name, to keep names distinct
                .column(SessionTable.Column.UPDATED_AT, "changed").build();
        JdbcCommandHandler custom = JdbcCommandHandler.builder(db.dataSource()).table(table)
                .commandsTable("crm", "done").archivedAtColumn(null).endedStatus("closed").archivedStatus("hidden").build();

        assertThat(custom.handle(cmd("k1", "end_session", "t1"), "a").outcome()).isEqualTo("ended");
        assertThat(db.queryForLong("SELECT count(*) FROM crm.tickets WHERE tid = 't1' AND state = 'closed'"
                + " AND changed IS NOT NULL AND ended_at IS NOT NULL")).isEqualTo(1);
        assertThat(custom.handle(cmd("k2", "archive_session", "t1"), "a").outcome()).isEqualTo("archived");
        assertThat(db.queryForLong("SELECT count(*) FROM crm.tickets WHERE state = 'hidden'")).isEqualTo(1);
        assertThat(db.queryForLong("SELECT count(*) FROM crm.done")).isEqualTo(2);
    }

    @Test
    void databaseFailureNamesTheCommandAndTables() {
        JdbcCommandHandler broken = JdbcCommandHandler.builder(db.dataSource()).commandsTable(null, "missing_commands").build();
        SessionFixtures.insertSession(db, "s10", "waiting");

        assertThatThrownBy(() -> broken.handle(cmd("c10", "end_session", "s10"), "a"))
                .isInstanceOf(SessionFeedException.class)
                .isNotInstanceOf(CommandException.class)
                .hasMessageContaining("c10").hasMessageContaining("end_session").hasMessageContaining("s10")
                .hasMessageContaining("\"missing_commands\"");
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 's10' AND status = 'waiting'")).isEqualTo(1);
    }

    @Test
    void rejectsUnknownActionsAndBadConfiguration() {
        assertThat(handler.actions()).containsExactlyInAnyOrder("end_session", "archive_session");
        assertThatThrownBy(() -> handler.handle(cmd("c11", "delete_session", "x"), "a"))
                .isInstanceOfSatisfying(CommandException.class, e -> assertThat(e.failure()).isEqualTo(CommandFailure.INVALID));
        JdbcCommandHandler.Builder b = JdbcCommandHandler.builder(db.dataSource());
        String hostile = "x\"; DROP TABLE y; --";
        assertThatThrownBy(() -> b.archivedAtColumn(hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("archivedAtColumn").hasMessageContaining(hostile);
        assertThatThrownBy(() -> b.commandsTable(null, hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandsTable").hasMessageContaining(hostile);
        assertThatThrownBy(() -> b.commandsTable(hostile, "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandsSchema").hasMessageContaining(hostile);
        assertThatThrownBy(() -> b.endedStatus(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endedStatus");
        assertThatThrownBy(() -> b.archivedStatus("y".repeat(65)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("archivedStatus").hasMessageContaining("65");
        assertThatThrownBy(() -> JdbcCommandHandler.builder(db.dataSource()).endedStatus("archived").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endedStatus").hasMessageContaining("archived");
        assertThatThrownBy(() -> b.table(null)).isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> handler.handle(null, "a")).isInstanceOf(NullPointerException.class).hasMessage("command");
        assertThatThrownBy(() -> handler.handle(cmd("c12", "end_session", "x"), null))
                .isInstanceOf(NullPointerException.class).hasMessage("actor");
    }
}
