package dev.sessionfeed.schema;

import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.SessionKey;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.jdbc.SessionTable.Column;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The host schemas every end-to-end check runs against: the shipped one; a uuid-keyed table with renamed columns
 * and a status enum; a bigint-keyed table with integer status codes, read through a view that joins a visitors
 * table. Each knows its DDL, its {@link SessionTable} mapping, and how a host writer inserts a session and changes
 * only its status (no {@code updated_at}), as psql or an ORM would.
 */
enum Schema {

    /** {@code sessionfeed/schema.sql}: text keys, the default mapping. */
    SHIPPED(SessionKey.text(), "chat_sessions") {
        @Override
        void install(TestDatabase db) {
            db.installSchema();
        }

        @Override
        SessionTable table() {
            return SessionTable.defaults();
        }

        @Override
        String insert(TestDatabase db, String status, String subject) {
            String id = "s-" + COUNTER.incrementAndGet();
            db.execute("INSERT INTO chat_sessions (session_id, status, visitor_name, subject) VALUES (?, ?, 'Ada', ?)", id, status, subject);
            return id;
        }

        @Override
        void setStatusOnly(TestDatabase db, String id, String status) {
            db.execute("UPDATE chat_sessions SET status = ? WHERE session_id = ?", status, id);
        }

        @Override
        String storedStatus(TestDatabase db, String id) {
            return text(db, "SELECT status FROM chat_sessions WHERE session_id = ?", id);
        }
    },

    /** A uuid key, every column renamed, the status an enum type, an extra attribute column. */
    UUID_RENAMED_ENUM(SessionKey.uuid(), "conversations") {
        @Override
        void install(TestDatabase db) {
            db.executeScript("CREATE TYPE conversation_state AS ENUM ('queued', 'waiting', 'active', 'ended', 'archived');\n"
                    + "CREATE TABLE conversations (\n"
                    + "  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n"
                    + "  state conversation_state NOT NULL DEFAULT 'waiting',\n"
                    + "  customer_ref text, customer_name text, assignee_ref text, assignee_name text, topic text,\n"
                    + "  opened_at timestamptz NOT NULL DEFAULT now(), modified_at timestamptz NOT NULL DEFAULT now(),\n"
                    + "  closed_at timestamptz, first_reply_at timestamptz, msg_total integer NOT NULL DEFAULT 0,\n"
                    + "  last_msg_at timestamptz, archived_on timestamptz, priority smallint NOT NULL DEFAULT 3);\n"
                    + "CREATE INDEX conversations_opened_idx ON conversations (opened_at DESC);\n");
        }

        @Override
        SessionTable table() {
            return SessionTable.builder().table("conversations")
                    .column(Column.ID, "id").column(Column.STATUS, "state")
                    .column(Column.VISITOR_ID, "customer_ref").column(Column.VISITOR_NAME, "customer_name")
                    .column(Column.AGENT_ID, "assignee_ref").column(Column.AGENT_NAME, "assignee_name")
                    .column(Column.SUBJECT, "topic").column(Column.CREATED_AT, "opened_at")
                    .column(Column.UPDATED_AT, "modified_at").column(Column.ENDED_AT, "closed_at")
                    .column(Column.FIRST_RESPONSE_AT, "first_reply_at").column(Column.MESSAGE_COUNT, "msg_total")
                    .column(Column.LAST_MESSAGE_AT, "last_msg_at")
                    .attributeColumn("priority")
                    .build();
        }

        @Override
        JdbcCommandHandler.Builder handler(JdbcCommandHandler.Builder b) {
            return b.archivedAtColumn("archived_on");
        }

        @Override
        String insert(TestDatabase db, String status, String subject) {
            String id = UUID.randomUUID().toString();
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO conversations (id, state, customer_name, topic) VALUES (?, CAST(? AS conversation_state), 'Ada', ?)")) {
                ps.setObject(1, UUID.fromString(id));
                ps.setString(2, status);
                ps.setString(3, subject);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return id;
        }

        @Override
        void setStatusOnly(TestDatabase db, String id, String status) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE conversations SET state = ? WHERE id = ?")) {
                ps.setObject(1, status, Types.OTHER);
                ps.setObject(2, UUID.fromString(id));
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        String storedStatus(TestDatabase db, String id) {
            return text(db, "SELECT state::text FROM conversations WHERE id = CAST(? AS uuid)", id);
        }
    },

    /**
     * A bigint identity key, the status as smallint codes, no agent name or first-response column (expressions), the
     * visitor's name from a visitors table through a view; triggers and commands on the base table.
     */
    BIGINT_VIEW(SessionKey.bigint(), "support_chats") {
        @Override
        void install(TestDatabase db) {
            db.executeScript("CREATE TABLE visitors (visitor_id bigint PRIMARY KEY, display_name text NOT NULL);\n"
                    + "INSERT INTO visitors VALUES (1, 'Ada'), (2, 'Grace');\n"
                    + "CREATE TABLE support_chats (\n"
                    + "  chat_id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000000000000) PRIMARY KEY,\n"
                    + "  status_code smallint NOT NULL DEFAULT 0,\n"
                    + "  visitor_id bigint REFERENCES visitors, agent text, subject text,\n"
                    + "  created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),\n"
                    + "  ended_at timestamptz, archived_at timestamptz, messages bigint NOT NULL DEFAULT 0);\n"
                    + "CREATE VIEW support_chats_v AS SELECT c.*, v.display_name AS visitor_name\n"
                    + "  FROM support_chats c LEFT JOIN visitors v ON v.visitor_id = c.visitor_id;\n");
        }

        @Override
        SessionTable table() {
            return SessionTable.builder().table("support_chats").view(null, "support_chats_v")
                    .column(Column.ID, "chat_id").column(Column.STATUS, "status_code")
                    .statusCodes(CODES)
                    .column(Column.AGENT_ID, "agent").expression(Column.AGENT_NAME, "NULL")
                    .expression(Column.FIRST_RESPONSE_AT, "NULL::timestamptz")
                    .expression(Column.LAST_MESSAGE_AT, "NULL::timestamptz")
                    .column(Column.MESSAGE_COUNT, "messages")
                    .build();
        }

        @Override
        String insert(TestDatabase db, String status, String subject) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO support_chats (status_code, visitor_id, subject) VALUES (?, 1, ?) RETURNING chat_id")) {
                ps.setInt(1, CODES.get(status));
                ps.setString(2, subject);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Long.toString(rs.getLong(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        void setStatusOnly(TestDatabase db, String id, String status) {
            db.execute("UPDATE support_chats SET status_code = ? WHERE chat_id = ?", CODES.get(status), Long.parseLong(id));
        }

        @Override
        String storedStatus(TestDatabase db, String id) {
            long code = db.queryForLong("SELECT status_code FROM support_chats WHERE chat_id = ?", Long.parseLong(id));
            return CODES.entrySet().stream().filter(e -> e.getValue() == code).findFirst().orElseThrow().getKey();
        }
    };

    static final Map<String, Integer> CODES = Map.of("waiting", 0, "active", 1, "ended", 2, "archived", 3);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final SessionKey key;
    final String baseTable;

    Schema(SessionKey key, String baseTable) {
        this.key = key;
        this.baseTable = baseTable;
    }

    /** Creates the host's tables (not SessionFeed's commands table, except for the shipped schema). */
    abstract void install(TestDatabase db);

    /** The mapping of the host's tables. */
    abstract SessionTable table();

    /** Host-specific command handler settings. */
    JdbcCommandHandler.Builder handler(JdbcCommandHandler.Builder b) {
        return b;
    }

    /** Inserts a session as a host writer would; returns its id in protocol form. */
    abstract String insert(TestDatabase db, String status, String subject);

    /** {@code UPDATE ... SET status = ...} and nothing else: {@code updated_at} stays as it was. */
    abstract void setStatusOnly(TestDatabase db, String id, String status);

    /** The status as the table stores it, as a name. */
    abstract String storedStatus(TestDatabase db, String id);

    private static String text(TestDatabase db, String sql, String param) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
