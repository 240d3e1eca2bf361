package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.SessionKey;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.jdbc.SessionTable.Column;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sessions read from a query instead of a table or view: full and by-id reads, and a query that does not fit. */
class QuerySourceTest {

    private static final String QUERY = "SELECT c.chat_id, c.status_code, c.visitor_id, v.display_name AS visitor_name, c.agent,"
            + " c.subject, c.created_at, c.updated_at, c.ended_at, c.messages FROM support_chats c"
            + " LEFT JOIN visitors v ON v.visitor_id = c.visitor_id";

    private static SessionTable.Builder mapping() {
        return SessionTable.builder().table("support_chats").query(QUERY)
                .column(Column.ID, "chat_id").column(Column.STATUS, "status_code").statusCodes(Schema.CODES)
                .column(Column.AGENT_ID, "agent").expression(Column.AGENT_NAME, "NULL")
                .expression(Column.FIRST_RESPONSE_AT, "NULL::timestamptz").expression(Column.LAST_MESSAGE_AT, "NULL::timestamptz")
                .column(Column.MESSAGE_COUNT, "messages");
    }

    @Test
    void sessionsAreReadThroughTheQueryInFullAndById() {
        TestDatabase db = PostgresServer.shared().createDatabase("query_source");
        Schema.BIGINT_VIEW.install(db);
        String first = Schema.BIGINT_VIEW.insert(db, "waiting", "one");
        String second = Schema.BIGINT_VIEW.insert(db, "active", "two");
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(db.dataSource()).table(mapping().build()).build().verify();

        assertThat(snapshots.keyType()).contains(SessionKey.bigint());
        assertThat(snapshots.buildFull().sessions()).extracting(ChatSession::id).containsExactly(second, first);
        ChatSession byId = snapshots.refresh(Set.of(first, "not-a-number")).sessions().get(0);
        assertThat(byId.id()).isEqualTo(first);
        assertThat(byId.visitorName()).isEqualTo("Ada");
        assertThat(byId.status()).isEqualTo("waiting");
        assertThat(snapshots.buildFull().metrics().get("totalSessions")).isEqualTo(2L);
    }

    @Test
    void aMappingThatDoesNotFitTheQueryIsNamed() {
        TestDatabase db = PostgresServer.shared().createDatabase("query_misfit");
        Schema.BIGINT_VIEW.install(db);
        SessionTable t = mapping().expression(Column.SUBJECT, "no_such_column").build();

        assertThatThrownBy(() -> JdbcSnapshotBuilder.builder(db.dataSource()).table(t).build().verify())
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("the session mapping of the sessions query 'SELECT c.chat_id")
                .hasMessageContaining("does not fit")
                .hasMessageContaining("no_such_column");
    }
}
