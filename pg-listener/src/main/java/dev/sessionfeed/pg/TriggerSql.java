package dev.sessionfeed.pg;

import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.jdbc.SessionTable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Generates the trigger SQL: the same text {@code PgTriggerInstaller} runs and the shipped resource files hold.
 * Identifiers are validated by their builders and always quoted here; the channel (a validated identifier)
 * is the only value inlined, as a string literal with quotes doubled. Immutable and thread-safe.
 */
final class TriggerSql {

    /**
     * Version of the generated SQL; part of the marker comment on the function. 2: payloads carry no
     * {@code status} (any role that can LISTEN could watch every session's status), and an id longer than
     * {@link PayloadParser#MAX_ID_LENGTH} characters sends a RESYNC notice instead of a payload NOTIFY may refuse.
     */
    static final int VERSION = 2;
    /** Prefix of the marker comment. */
    static final String MARKER_PREFIX = "sessionfeed-pg-trigger";

    /** Row-level trigger on INSERT/UPDATE/DELETE. */
    static final String ROW_TRIGGER = "sessionfeed_notify_row";
    /** Statement-level TRUNCATE trigger (both modes). */
    static final String TRUNCATE_TRIGGER = "sessionfeed_notify_truncate";
    /** Statement-level INSERT trigger. */
    static final String INSERT_TRIGGER = "sessionfeed_notify_insert";
    /** Statement-level UPDATE trigger. */
    static final String UPDATE_TRIGGER = "sessionfeed_notify_update";
    /** Statement-level DELETE trigger. */
    static final String DELETE_TRIGGER = "sessionfeed_notify_delete";
    /** BEFORE UPDATE trigger keeping updated_at current. */
    static final String TOUCH_TRIGGER = "sessionfeed_touch_updated_at";
    /** Every trigger name this library may create. */
    static final List<String> ALL_TRIGGERS = List.of(ROW_TRIGGER, TRUNCATE_TRIGGER, INSERT_TRIGGER, UPDATE_TRIGGER,
            DELETE_TRIGGER, TOUCH_TRIGGER);

    /** Largest payload the statement trigger sends before it falls back to RESYNC (NOTIFY's limit is 8000 bytes). */
    static final int MAX_STATEMENT_PAYLOAD_BYTES = 7900;

    private static final String BODY_QUOTE = "$sessionfeed$";

    private final SessionTable table;
    private final String channel;
    private final boolean statementLevel;
    private final String notifyFunction;
    private final String touchFunction;

    /**
     * Creates a generator.
     *
     * @param table          the table mapping
     * @param channel        the NOTIFY channel (a validated identifier)
     * @param statementLevel statement-level triggers with transition tables instead of row-level ones
     * @param notifyFunction the notify function's name (a validated identifier)
     * @param touchFunction  the updated_at function's name (a validated identifier)
     */
    TriggerSql(SessionTable table, String channel, boolean statementLevel, String notifyFunction, String touchFunction) {
        this.table = table;
        this.channel = channel;
        this.statementLevel = statementLevel;
        this.notifyFunction = notifyFunction;
        this.touchFunction = touchFunction;
    }

    /**
     * The default function name for a table: {@code sessionfeed_notify_<table>}, or null when too long.
     *
     * @param prefix {@code sessionfeed_notify_} or {@code sessionfeed_touch_}
     * @param table  the table name
     * @return the name, or null if it would exceed 63 characters
     */
    static String defaultFunctionName(String prefix, String table) {
        String name = prefix + table;
        return name.length() <= 63 ? name : null;
    }

    /**
     * The notify function, quoted and schema-qualified when the table is.
     *
     * @return for example {@code "public"."sessionfeed_notify_chat_sessions"}
     */
    String qualifiedNotifyFunction() {
        return qualify(notifyFunction);
    }

    /**
     * The touch function, quoted and schema-qualified when the table is.
     *
     * @return the qualified name
     */
    String qualifiedTouchFunction() {
        return qualify(touchFunction);
    }

    private String qualify(String function) {
        return table.schema() == null ? SqlIdentifiers.quote(function)
                : SqlIdentifiers.quote(table.schema()) + "." + SqlIdentifiers.quote(function);
    }

    /**
     * The triggers the configured mode creates.
     *
     * @return the trigger names
     */
    List<String> expectedTriggers() {
        return statementLevel ? List.of(INSERT_TRIGGER, UPDATE_TRIGGER, DELETE_TRIGGER, TRUNCATE_TRIGGER)
                : List.of(ROW_TRIGGER, TRUNCATE_TRIGGER);
    }

    /**
     * The marker stored as the notify function's comment: version, mode, channel and a hash of the SQL, so a
     * check can tell whether the installed trigger is exactly this one.
     *
     * @return the marker text
     */
    String marker() {
        return MARKER_PREFIX + " v" + VERSION + " mode=" + (statementLevel ? "statement" : "row") + " channel=" + channel
                + " sha256=" + sha256(String.join("\n", notifyStatementsWithoutComment())).substring(0, 16);
    }

    /**
     * The install statements, in order (no transaction control: the installer wraps them in one transaction,
     * migration tools do their own).
     *
     * @return the statements, without trailing semicolons
     */
    List<String> installStatements() {
        List<String> out = new ArrayList<>(notifyStatementsWithoutComment());
        out.add(1, "COMMENT ON FUNCTION " + qualifiedNotifyFunction() + "() IS " + literal(marker()));
        return out;
    }

    private List<String> notifyStatementsWithoutComment() {
        List<String> out = new ArrayList<>();
        out.add(statementLevel ? statementFunction() : rowFunction());
        for (String t : List.of(ROW_TRIGGER, TRUNCATE_TRIGGER, INSERT_TRIGGER, UPDATE_TRIGGER, DELETE_TRIGGER)) {
            out.add("DROP TRIGGER IF EXISTS " + SqlIdentifiers.quote(t) + " ON " + table.qualifiedTable());
        }
        String fn = qualifiedNotifyFunction() + "()";
        String on = " ON " + table.qualifiedTable();
        if (statementLevel) {
            out.add("CREATE TRIGGER " + SqlIdentifiers.quote(INSERT_TRIGGER) + " AFTER INSERT" + on
                    + " REFERENCING NEW TABLE AS sessionfeed_new FOR EACH STATEMENT EXECUTE FUNCTION " + fn);
            out.add("CREATE TRIGGER " + SqlIdentifiers.quote(UPDATE_TRIGGER) + " AFTER UPDATE" + on
                    + " REFERENCING OLD TABLE AS sessionfeed_old NEW TABLE AS sessionfeed_new FOR EACH STATEMENT EXECUTE FUNCTION " + fn);
            out.add("CREATE TRIGGER " + SqlIdentifiers.quote(DELETE_TRIGGER) + " AFTER DELETE" + on
                    + " REFERENCING OLD TABLE AS sessionfeed_old FOR EACH STATEMENT EXECUTE FUNCTION " + fn);
        } else {
            out.add("CREATE TRIGGER " + SqlIdentifiers.quote(ROW_TRIGGER) + " AFTER INSERT OR UPDATE OR DELETE" + on
                    + " FOR EACH ROW EXECUTE FUNCTION " + fn);
        }
        out.add("CREATE TRIGGER " + SqlIdentifiers.quote(TRUNCATE_TRIGGER) + " AFTER TRUNCATE" + on
                + " FOR EACH STATEMENT EXECUTE FUNCTION " + fn);
        return out;
    }

    /**
     * The statements installing the BEFORE UPDATE trigger that sets {@code updated_at} to {@code now()}.
     *
     * @return the statements
     */
    List<String> touchStatements() {
        String col = table.quoted(SessionTable.Column.UPDATED_AT);
        return List.of(
                "CREATE OR REPLACE FUNCTION " + qualifiedTouchFunction() + "() RETURNS trigger LANGUAGE plpgsql AS " + BODY_QUOTE + "\n"
                        + "BEGIN\n"
                        + "    NEW." + col + " := now();\n"
                        + "    RETURN NEW;\n"
                        + "END\n"
                        + BODY_QUOTE,
                "DROP TRIGGER IF EXISTS " + SqlIdentifiers.quote(TOUCH_TRIGGER) + " ON " + table.qualifiedTable(),
                "CREATE TRIGGER " + SqlIdentifiers.quote(TOUCH_TRIGGER) + " BEFORE UPDATE ON " + table.qualifiedTable()
                        + " FOR EACH ROW EXECUTE FUNCTION " + qualifiedTouchFunction() + "()");
    }

    /**
     * The statements removing every trigger and function this library may have created for the table.
     *
     * @return the statements
     */
    List<String> uninstallStatements() {
        List<String> out = new ArrayList<>();
        for (String t : ALL_TRIGGERS) {
            out.add("DROP TRIGGER IF EXISTS " + SqlIdentifiers.quote(t) + " ON " + table.qualifiedTable());
        }
        out.add("DROP FUNCTION IF EXISTS " + qualifiedNotifyFunction() + "()");
        out.add("DROP FUNCTION IF EXISTS " + qualifiedTouchFunction() + "()");
        return out;
    }

    /**
     * Joins statements into a script for psql or a migration tool.
     *
     * @param header    comment lines (without {@code --})
     * @param statements the statements
     * @return the script
     */
    static String script(List<String> header, List<String> statements) {
        StringBuilder sb = new StringBuilder();
        for (String h : header) {
            sb.append("-- ").append(h).append('\n');
        }
        sb.append('\n');
        for (String s : statements) {
            sb.append(s).append(";\n\n");
        }
        return sb.toString();
    }

    private String rowFunction() {
        String id = table.quoted(SessionTable.Column.ID);
        String ch = literal(channel);
        return "CREATE OR REPLACE FUNCTION " + qualifiedNotifyFunction() + "() RETURNS trigger LANGUAGE plpgsql AS " + BODY_QUOTE + "\n"
                + "BEGIN\n"
                + "    -- A hint only: SessionFeed re-reads the row by id and never trusts the payload. No row values other\n"
                + "    -- than the id: anyone allowed to LISTEN would see them. An id too long for the listener (or for NOTIFY's\n"
                + "    -- 8000 bytes, which would fail the host's write) asks for a full rebuild instead.\n"
                + "    IF TG_OP = 'TRUNCATE' THEN\n"
                + "        PERFORM pg_notify(" + ch + ", '{\"action\":\"TRUNCATE\"}');\n"
                + "    ELSIF TG_OP = 'DELETE' THEN\n"
                + "        PERFORM pg_notify(" + ch + ", " + rowPayload("TG_OP", "OLD." + id) + ");\n"
                + "    ELSE\n"
                + "        IF TG_OP = 'UPDATE' AND OLD." + id + " IS DISTINCT FROM NEW." + id + " THEN\n"
                + "            -- The primary key changed: the old id is gone.\n"
                + "            PERFORM pg_notify(" + ch + ", " + rowPayload("'DELETE'", "OLD." + id) + ");\n"
                + "        END IF;\n"
                + "        PERFORM pg_notify(" + ch + ", " + rowPayload("TG_OP", "NEW." + id) + ");\n"
                + "    END IF;\n"
                + "    RETURN NULL;\n"
                + "END\n"
                + BODY_QUOTE;
    }

    /** The row trigger's payload for one id, or the RESYNC notice when the id is null or too long. */
    private static String rowPayload(String action, String idRef) {
        return "CASE WHEN length(" + idRef + "::text) <= " + PayloadParser.MAX_ID_LENGTH
                + " THEN json_build_object('action', " + action + ", 'session_id', " + idRef + "::text)::text"
                + " ELSE '{\"action\":\"RESYNC\"}' END";
    }

    private String statementFunction() {
        String id = table.quoted(SessionTable.Column.ID);
        String ch = literal(channel);
        int limit = PayloadParser.MAX_IDS;
        return "CREATE OR REPLACE FUNCTION " + qualifiedNotifyFunction() + "() RETURNS trigger LANGUAGE plpgsql AS " + BODY_QUOTE + "\n"
                + "DECLARE\n"
                + "    ids json;\n"
                + "    n bigint;\n"
                + "    longest integer;\n"
                + "    payload text;\n"
                + "BEGIN\n"
                + "    -- A hint only: SessionFeed re-reads the rows by id and never trusts the payload.\n"
                + "    IF TG_OP = 'TRUNCATE' THEN\n"
                + "        payload := '{\"action\":\"TRUNCATE\"}';\n"
                + "    ELSE\n"
                + "        IF TG_OP = 'INSERT' THEN\n"
                + "            SELECT json_agg(c.id), count(*), max(length(c.id)) INTO ids, n, longest\n"
                + "              FROM (SELECT DISTINCT t." + id + "::text AS id FROM sessionfeed_new t LIMIT " + (limit + 1) + ") c;\n"
                + "        ELSIF TG_OP = 'UPDATE' THEN\n"
                + "            SELECT json_agg(c.id), count(*), max(length(c.id)) INTO ids, n, longest\n"
                + "              FROM (SELECT t." + id + "::text AS id FROM sessionfeed_new t\n"
                + "                    UNION SELECT t." + id + "::text FROM sessionfeed_old t LIMIT " + (limit + 1) + ") c;\n"
                + "        ELSE\n"
                + "            SELECT json_agg(c.id), count(*), max(length(c.id)) INTO ids, n, longest\n"
                + "              FROM (SELECT DISTINCT t." + id + "::text AS id FROM sessionfeed_old t LIMIT " + (limit + 1) + ") c;\n"
                + "        END IF;\n"
                + "        IF n = 0 THEN\n"
                + "            RETURN NULL;\n"
                + "        END IF;\n"
                + "        payload := json_build_object('action', TG_OP, 'ids', ids)::text;\n"
                + "        -- NOTIFY payloads must stay below 8000 bytes: too many ids, or an id too long for the listener,\n"
                + "        -- means \"rebuild everything\".\n"
                + "        IF n > " + limit + " OR longest > " + PayloadParser.MAX_ID_LENGTH + " OR octet_length(payload) > "
                + MAX_STATEMENT_PAYLOAD_BYTES + " THEN\n"
                + "            payload := '{\"action\":\"RESYNC\"}';\n"
                + "        END IF;\n"
                + "    END IF;\n"
                + "    PERFORM pg_notify(" + ch + ", payload);\n"
                + "    RETURN NULL;\n"
                + "END\n"
                + BODY_QUOTE;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
