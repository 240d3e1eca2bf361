package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.SessionKey;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.jdbc.SessionTable.Column;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The start-up check: a mapping that does not fit the catalog fails at once, naming table, column and type. */
class MappingCheckTest {

    private static TestDatabase db;

    @BeforeAll
    static void schema() {
        db = PostgresServer.shared().createDatabase("mapping_check");
        db.executeScript("CREATE TABLE t_numeric (session_id numeric PRIMARY KEY, status text);\n"
                + "CREATE TABLE t_bool (session_id uuid PRIMARY KEY, status boolean, created_at timestamptz, updated_at timestamptz,"
                + " ended_at timestamptz, visitor_id text, visitor_name text, agent_id text, agent_name text, subject text,"
                + " first_response_at timestamptz, message_count int, last_message_at timestamptz);\n"
                + "CREATE TABLE t_local (LIKE t_bool);\n"
                + "ALTER TABLE t_local ALTER COLUMN status TYPE text, ALTER COLUMN created_at TYPE timestamp;\n"
                + "CREATE TABLE t_nocmd (LIKE t_local);\n"
                + "ALTER TABLE t_nocmd ALTER COLUMN created_at TYPE timestamptz;\n"
                + "CREATE TABLE t_wrongcmd (command_id text PRIMARY KEY, action text, session_id bigint, actor text, outcome text,"
                + " executed_at timestamptz);\n");
    }

    private static SessionTable table(String name) {
        return SessionTable.builder().table(name).build();
    }

    private static JdbcSnapshotBuilder reader(SessionTable t) {
        return JdbcSnapshotBuilder.builder(db.dataSource()).table(t).build();
    }

    @Test
    void aMissingTableIsNamed() {
        assertThatThrownBy(() -> reader(table("no_such_sessions")).verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("table \"no_such_sessions\" does not exist");
    }

    @Test
    void anUnsupportedKeyTypeNamesTheColumnAndItsType() {
        assertThatThrownBy(() -> reader(table("t_numeric")).verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("column \"session_id\" of \"t_numeric\" is numeric")
                .hasMessageContaining("composite keys are not supported");
    }

    @Test
    void aMissingColumnNamesTheTableTheColumnAndTheField() {
        assertThatThrownBy(() -> reader(SessionTable.builder().table("t_bool").column(Column.SUBJECT, "topic").build()).verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("\"t_bool\" has no column \"topic\" (mapped to subject)")
                .hasMessageContaining("visitor_name");
    }

    @Test
    void aStatusOfAnotherTypeNamesTheTypeAndWhatFits() {
        assertThatThrownBy(() -> reader(table("t_bool")).verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("column \"status\" of \"t_bool\" is boolean")
                .hasMessageContaining("text, varchar, an enum type, or an integer");
    }

    @Test
    void aTimestampWithoutTimeZoneNamesTheColumnAndTheExpressionThatFits() {
        assertThatThrownBy(() -> reader(table("t_local")).verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("column \"created_at\" of \"t_local\" is timestamp without time zone")
                .hasMessageContaining("AT TIME ZONE 'UTC'");
        // The same table fits with the column read through an expression.
        SessionTable fixed = SessionTable.builder().table("t_local").expression(Column.CREATED_AT, "created_at AT TIME ZONE 'UTC'").build();
        assertThat(reader(fixed).verify().keyType()).contains(SessionKey.uuid());
    }

    @Test
    void aConfiguredKeyTypeThatDiffersFromTheColumnIsRefused() {
        SessionTable t = SessionTable.builder().table("t_nocmd").keyType(SessionKey.bigint()).build();
        assertThatThrownBy(() -> reader(t).verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("\"session_id\" of \"t_nocmd\" is uuid but SessionTable.keyType is bigint");
    }

    @Test
    void aMissingCommandsTableFailsNamingItAndTheSqlThatCreatesIt() {
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource()).table(table("t_nocmd")).archivedAtColumn(null)
                .commandsTable(null, "t_nocmd_commands").build();
        assertThatThrownBy(handler::verify)
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("the commands table \"t_nocmd_commands\" does not exist")
                .hasMessageContaining("CREATE TABLE IF NOT EXISTS \"t_nocmd_commands\"")
                .hasMessageContaining("session_id  uuid");

        handler.installTable();
        handler.installTable();   // idempotent
        assertThat(db.queryForLong("SELECT count(*) FROM information_schema.columns WHERE table_name = 't_nocmd_commands'"
                + " AND column_name = 'session_id' AND data_type = 'uuid'")).isEqualTo(1);
    }

    @Test
    void aCommandsTableWhoseSessionIdDoesNotFitTheKeyIsRefused() {
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource()).table(table("t_nocmd")).archivedAtColumn(null)
                .commandsTable(null, "t_wrongcmd").build();
        assertThatThrownBy(handler::verify)
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("column \"session_id\" of the commands table \"t_wrongcmd\" is bigint")
                .hasMessageContaining("it must be uuid (or text)");
    }

    @Test
    void aCommandHandlerRefusesAColumnTheTableLacks() {
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource()).table(table("t_nocmd")).build();
        assertThatThrownBy(handler::verify)
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("\"t_nocmd\" has no column \"archived_at\"");
    }

    @Test
    void aCodedStatusNeedsACodeForEveryStatusCommandsWrite() {
        SessionTable t = SessionTable.builder().statusCodes(java.util.Map.of("waiting", 0, "ended", 2)).build();
        assertThatThrownBy(() -> JdbcCommandHandler.builder(db.dataSource()).table(t).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has none for 'archived'");
        assertThatThrownBy(() -> SessionTable.builder().hiddenStatuses(Set.of()).expression(Column.ID, "id::text"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expression.id is not supported");
    }
}
