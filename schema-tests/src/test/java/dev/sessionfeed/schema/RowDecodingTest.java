package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.jdbc.SessionTable.Column;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.RowChange;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A row carried by a change (logical replication) becomes what a read would show under the schema's mapping: a coded
 * status shows its name; a mapping a base-table row cannot answer (a view, an expression) is refused, so the feed
 * re-reads the row instead of showing something the read would not.
 */
class RowDecodingTest {

    private static JdbcSnapshotBuilder builder(SessionTable t) {
        return JdbcSnapshotBuilder.builder(new PGSimpleDataSource()).table(t).build();
    }

    private static RowChange row(String statusColumn, String status) {
        Map<String, String> columns = new HashMap<>();
        for (Column c : Column.values()) {
            columns.put(c.defaultName(), null);
        }
        columns.remove("status");
        columns.put(statusColumn, status);
        columns.put("session_id", "42");
        columns.put("created_at", "2026-12-04 21:00:00+00");
        columns.put("message_count", "3");
        return new RowChange(ChangeAction.UPDATE, "42", columns, Map.of("created_at", "timestamptz"), 0);
    }

    @Test
    void aCodedStatusIsShownByItsName() {
        SessionTable t = SessionTable.builder().column(Column.STATUS, "status_code").statusCodes(Schema.CODES).build();
        ChatSession s = builder(t).decodeRow(row("status_code", "1"), Instant.now()).orElseThrow();
        assertThat(s.status()).isEqualTo("active");
        assertThat(s.messageCount()).isEqualTo(3);
        // Archived (code 3) is hidden, as the read's scope hides it.
        assertThat(builder(t).decodeRow(row("status_code", "3"), Instant.now())).isEmpty();
    }

    @Test
    void aRowOfTheBaseTableIsNotDecodedForAViewOrAnExpression() {
        assertThatThrownBy(() -> builder(Schema.BIGINT_VIEW.table()).decodeRow(row("status_code", "1"), Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("read through a view");
        SessionTable expression = SessionTable.builder().expression(Column.SUBJECT, "upper(subject)").build();
        assertThatThrownBy(() -> builder(expression).decodeRow(row("status", "active"), Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject is an SQL expression");
    }
}
