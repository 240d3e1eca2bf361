package dev.sessionfeed.jdbc;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.internal.jdbc.JdbcValues;
import dev.sessionfeed.jdbc.SessionTable.Column;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.RowChange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a row carried by a change ({@link RowChange}: column text values, as logical replication delivers them) into
 * the {@link ChatSession} {@link JdbcSnapshotBuilder}'s statement would have read for it: the same scope (hidden
 * statuses, {@code endedRetention}), the same bounds and markers ({@link SessionColumns#shown}, the session's size
 * against {@code maxSessionBytes}), the same value types ({@link JdbcValues#fromText}). The one place a row's text
 * becomes a session, so a key codec for other key types (uuid, bigint) replaces {@link #id} only.
 *
 * <p>Thread-safe (immutable apart from {@link SessionColumns}' atomic warning counters).
 */
final class RowDecoder {

    private final SessionTable table;
    private final SessionColumns columns;

    RowDecoder(SessionTable table, SessionColumns columns) {
        this.table = table;
        this.columns = columns;
    }

    /**
     * The session for the change's new row, or empty when it is not in scope (or its id cannot be shown).
     *
     * @throws IllegalArgumentException when a column is missing or does not parse: the feed re-reads the row
     */
    Optional<ChatSession> decode(RowChange change, Instant now) {
        if (change.action() == ChangeAction.DELETE) {
            throw new IllegalArgumentException("a DELETE carries no row to decode");
        }
        if (table.readsThroughView()) {
            // The WAL row is the base table's; the view or query may add, change or filter what a read shows.
            throw new IllegalArgumentException("sessions are read through a " + (table.query() != null ? "query" : "view")
                    + ", not from the changed table's row");
        }
        Map<String, String> row = change.columns();
        String id = id(row);
        if (!columns.showable(id)) {
            return Optional.empty();
        }
        String status = status(row);
        if (status == null ? !table.hiddenStatuses().isEmpty() : table.hiddenStatuses().contains(status)) {
            return Optional.empty();
        }
        Instant endedAt = instant(change, Column.ENDED_AT);
        if (endedAt != null && !endedAt.isAfter(now.minus(table.endedRetention()))) {
            return Optional.empty();
        }
        long size = 0;
        String[] text = new String[SessionColumns.TEXT.size()];
        for (int i = 0; i < text.length; i++) {
            String v = SessionColumns.TEXT.get(i) == Column.STATUS ? status : value(row, SessionColumns.TEXT.get(i));
            if (v != null) {
                // The statement's size counts the text as cut to maxTextLength + 1 characters.
                String cut = v.codePointCount(0, v.length()) > table.maxTextLength() + 1
                        ? v.substring(0, v.offsetByCodePoints(0, table.maxTextLength() + 1)) : v;
                size += cut.getBytes(StandardCharsets.UTF_8).length;
            }
            text[i] = columns.shown(v, SessionColumns.TEXT.get(i), id);
        }
        List<String> attrNames = table.attributeColumns();
        Map<String, Object> attributes = Map.of();
        if (!attrNames.isEmpty()) {
            for (String attr : attrNames) {
                String v = present(row, attr);
                size += v == null ? 0 : v.getBytes(StandardCharsets.UTF_8).length;
            }
            boolean oversized = size > table.maxSessionBytes();
            if (oversized) {
                columns.oversized(id, size);
            }
            attributes = new LinkedHashMap<>();
            for (String attr : attrNames) {
                attributes.put(attr, oversized ? SessionColumns.MARKER
                        : JdbcValues.fromText(row.get(attr), change.types().get(attr), attr));
            }
        }
        String count = value(row, Column.MESSAGE_COUNT);
        long messageCount;
        try {
            messageCount = count == null ? 0 : Math.max(0, Long.parseLong(count));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("column " + table.column(Column.MESSAGE_COUNT) + " is not an integer", e);
        }
        return Optional.of(new ChatSession(id, text[0] == null ? "unknown" : text[0], text[1], text[2], text[3], text[4], text[5],
                instant(change, Column.CREATED_AT), instant(change, Column.UPDATED_AT), endedAt,
                instant(change, Column.FIRST_RESPONSE_AT), messageCount, instant(change, Column.LAST_MESSAGE_AT), attributes));
    }

    /**
     * The protocol id of a row: the key column's text form (identity for {@code text} keys, and the canonical text
     * of {@code uuid} and {@code bigint} keys).
     */
    String id(Map<String, String> row) {
        return value(row, Column.ID);
    }

    /** The status as the read shows it: through the {@linkplain SessionTable#statusCodes() code mapping}, if any. */
    private String status(Map<String, String> row) {
        String v = value(row, Column.STATUS);
        Map<String, Integer> codes = table.statusCodes();
        if (v == null || codes == null) {
            return v;
        }
        for (Map.Entry<String, Integer> e : codes.entrySet()) {
            if (v.equals(e.getValue().toString())) {
                return e.getKey();
            }
        }
        return v;
    }

    private String value(Map<String, String> row, Column column) {
        return present(row, name(column));
    }

    /** The column a field is read from; a field mapped to an SQL expression cannot be decoded from a row. */
    private String name(Column column) {
        String name = table.column(column);
        if (name == null) {
            throw new IllegalArgumentException(column.name().toLowerCase(java.util.Locale.ROOT) + " is an SQL expression, not a column");
        }
        return name;
    }

    private static String present(Map<String, String> row, String name) {
        if (!row.containsKey(name)) {
            throw new IllegalArgumentException("column " + name + " is not in the change (an unchanged out-of-line value, "
                    + "or not published)");
        }
        return row.get(name);
    }

    private Instant instant(RowChange change, Column column) {
        String name = name(column);
        String v = present(change.columns(), name);
        if (v == null) {
            return null;
        }
        String type = change.types().get(name);
        if (type != null && !"timestamptz".equals(type)) {
            throw new IllegalArgumentException("column " + name + " has type " + type + ", not timestamptz");
        }
        return JdbcValues.instant(v, name);
    }
}
