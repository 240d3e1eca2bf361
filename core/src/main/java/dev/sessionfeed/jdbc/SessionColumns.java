package dev.sessionfeed.jdbc;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.internal.jdbc.JdbcValues;
import dev.sessionfeed.jdbc.SessionTable.Column;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session columns of {@link JdbcSnapshotBuilder}'s statement, and how one row becomes a {@link ChatSession},
 * within the table's data bounds (issue 12, item 5: one visitor-supplied 100 MB {@code subject} made every read run
 * out of memory):
 * <ul>
 *   <li>Text fields ({@code status}, visitor and agent ids and names, {@code subject}) are cut in SQL to
 *       {@link SessionTable#maxTextLength()} + 1 characters ({@code left(...)}), so the driver never receives more;
 *       a longer value is shown as its first {@code maxTextLength - 1} characters followed by {@value #MARKER}.</li>
 *   <li>The session's size — the UTF-8 bytes of those text fields and of every attribute value in its text form —
 *       is computed in SQL; above {@link SessionTable#maxSessionBytes()} the attributes are not sent (each shows as
 *       {@value #MARKER}), so no session costs more than that.</li>
 *   <li>The id is never cut (it is the key commands use): a row whose id is blank or longer than
 *       {@value #MAX_ID_LENGTH} characters (the limit of commands, the listener and the client) is left out.</li>
 * </ul>
 * Rows are kept, never failed: one bad row does not stop the feed. Each kind of cut is logged as a WARN at most once
 * per {@value #WARN_INTERVAL_MINUTES} minutes with a count and an escaped, shortened sample id.
 *
 * <p>Thread-safe: immutable apart from the warning counters, which are atomic.
 */
final class SessionColumns {

    /** What a cut value ends with, and what an attribute left out because of the session's size shows. */
    static final String MARKER = "\u2026";
    /** The longest session id shown: the limit of the commands, the NOTIFY payload parser and the client. */
    static final int MAX_ID_LENGTH = 256;
    static final int WARN_INTERVAL_MINUTES = 5;

    private static final Logger LOG = LoggerFactory.getLogger(JdbcSnapshotBuilder.class);
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(WARN_INTERVAL_MINUTES);
    /** The label of a session's size in bytes; present only with attribute columns. */
    private static final String SIZE = "sessionfeed$size";

    private static final Column[] MODEL = {
        Column.ID, Column.STATUS, Column.VISITOR_ID, Column.VISITOR_NAME, Column.AGENT_ID, Column.AGENT_NAME,
        Column.SUBJECT, Column.CREATED_AT, Column.UPDATED_AT, Column.ENDED_AT, Column.FIRST_RESPONSE_AT,
        Column.MESSAGE_COUNT, Column.LAST_MESSAGE_AT,
    };
    /** The model's text columns, which {@link SessionTable#maxTextLength()} bounds. */
    static final List<Column> TEXT = List.of(Column.STATUS, Column.VISITOR_ID, Column.VISITOR_NAME, Column.AGENT_ID,
            Column.AGENT_NAME, Column.SUBJECT);

    private final SessionTable table;
    private final int maxText;
    private final Warning idWarning = new Warning();
    private final Warning textWarning = new Warning();
    private final Warning sizeWarning = new Warning();

    SessionColumns(SessionTable table) {
        this.table = table;
        this.maxText = table.maxTextLength();
    }

    /** The number of columns {@link #selectList()} returns. */
    int count() {
        return MODEL.length + table.attributeColumns().size() + (table.attributeColumns().isEmpty() ? 0 : 1);
    }

    /**
     * The select list, model columns under fixed labels (so that an attribute column with a model column's name
     * cannot make a reference in the combined statement ambiguous), then the attributes, then the size.
     */
    String selectList() {
        StringBuilder sb = new StringBuilder();
        for (Column col : MODEL) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            if (col == Column.ID) {
                sb.append(cut(table.quoted(col), MAX_ID_LENGTH + 1));
            } else if (TEXT.contains(col)) {
                sb.append(cut(source(col), maxText + 1));
            } else {
                sb.append(table.quoted(col));
            }
            sb.append(" AS ").append(alias(col));
        }
        if (!table.attributeColumns().isEmpty()) {
            String size = SqlIdentifiers.quote(SIZE);
            for (String attr : table.attributeColumns()) {
                String a = SqlIdentifiers.quote(attr);
                sb.append(", CASE WHEN ").append(size).append(" <= ").append(table.maxSessionBytes()).append(" THEN ")
                        .append(a).append(" END AS ").append(a);
            }
            sb.append(", ").append(size);
        }
        return sb.toString();
    }

    /**
     * What follows the table in the FROM clause: the lateral subquery computing the session's size, or nothing
     * without attribute columns (the text fields alone always fit, see {@link SessionTable#maxSessionBytes()}).
     */
    String fromSuffix() {
        if (table.attributeColumns().isEmpty()) {
            return "";
        }
        StringBuilder sum = new StringBuilder();
        for (Column col : TEXT) {
            sum.append(sum.length() == 0 ? "" : " + ").append("coalesce(octet_length(").append(cut(source(col), maxText + 1))
                    .append("), 0)");
        }
        for (String attr : table.attributeColumns()) {
            sum.append(" + coalesce(octet_length(CAST(").append(SqlIdentifiers.quote(attr)).append(" AS text)), 0)");
        }
        return " CROSS JOIN LATERAL (SELECT CAST(" + sum + " AS bigint) AS " + SqlIdentifiers.quote(SIZE) + ") AS \"sessionfeed$z\"";
    }

    /** The SQL reading a model field: the status through its code mapping, every other field as mapped. */
    private String source(Column col) {
        return col == Column.STATUS ? table.statusText() : table.quoted(col);
    }

    /** The column a field is read from, or the field's name when it is an expression. */
    private String fieldName(Column col) {
        String name = table.column(col);
        return name != null ? name : col.name().toLowerCase(Locale.ROOT) + " (expression)";
    }

    /** The label of a model column in the combined statement. */
    static String alias(Column col) {
        return "\"sessionfeed$" + col.name().toLowerCase(Locale.ROOT) + "\"";
    }

    private static String cut(String column, int chars) {
        return "left(CAST(" + column + " AS text), " + chars + ")";
    }

    /**
     * Reads the session on the result set's current row (columns 1 to {@link #count()}).
     *
     * @return the session, or null when the row is left out (its id is blank or too long)
     */
    ChatSession read(ResultSet rs, List<JdbcValues.Kind> kinds) throws SQLException {
        String id = rs.getString(1);
        if (!showable(id)) {
            return null;
        }
        String status = text(rs, 2, id);
        List<String> attrNames = table.attributeColumns();
        Map<String, Object> attributes;
        if (attrNames.isEmpty()) {
            attributes = Map.of();
        } else {
            attributes = new LinkedHashMap<>();
            int first = MODEL.length + 1;
            long size = rs.getLong(first + attrNames.size());
            boolean oversized = size > table.maxSessionBytes();
            if (oversized) {
                oversized(id, size);
            }
            for (int i = 0; i < attrNames.size(); i++) {
                int col = first + i;
                attributes.put(attrNames.get(i), oversized ? MARKER : JdbcValues.read(rs, col, kinds.get(col - 1)));
            }
        }
        return new ChatSession(
                id,
                status == null ? "unknown" : status,
                text(rs, 3, id),
                text(rs, 4, id),
                text(rs, 5, id),
                text(rs, 6, id),
                text(rs, 7, id),
                instant(rs, 8),
                instant(rs, 9),
                instant(rs, 10),
                instant(rs, 11),
                Math.max(0, rs.getLong(12)),
                instant(rs, 13),
                attributes);
    }

    /** A text field, cut to {@code maxTextLength} characters (code points) with the marker when longer. */
    private String text(ResultSet rs, int column, String id) throws SQLException {
        return shown(rs.getString(column), MODEL[column - 1], id);
    }

    /**
     * A text field as shown: cut to {@code maxTextLength} characters (code points) with the marker when longer (and
     * the rate-limited WARN). Shared by the read statement's rows and {@link RowDecoder}.
     */
    String shown(String s, Column column, String id) {
        if (s == null || s.length() <= maxText || s.codePointCount(0, s.length()) <= maxText) {
            return s;
        }
        textWarning.warn("cut {} text value(s) of {} to maxTextLength {} characters, last: column {} of '{}'",
                table.qualifiedTable(), maxText, fieldName(column), sample(id));
        return s.substring(0, s.offsetByCodePoints(0, maxText - 1)) + MARKER;
    }

    /** Whether an id can be shown; logs the rate-limited WARN when not. Shared with {@link RowDecoder}. */
    boolean showable(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_ID_LENGTH) {
            idWarning.warn("left out {} session row(s) of {} whose id is blank or longer than {} characters, last: '{}'",
                    table.qualifiedTable(), MAX_ID_LENGTH, id == null ? "null" : sample(id));
            return false;
        }
        return true;
    }

    /** Logs the rate-limited WARN for a session shown without its attributes. Shared with {@link RowDecoder}. */
    void oversized(String id, long size) {
        sizeWarning.warn("showed {} session(s) of {} without their attributes: text and attributes exceed maxSessionBytes "
                + "{}, last: '{}' ({} bytes)", table.qualifiedTable(), table.maxSessionBytes(), sample(id), size);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** A row-supplied value for the log: at most 40 characters, control characters and quotes escaped. */
    static String sample(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "...(" + s.length() + " chars)" : s;
        StringBuilder sb = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\' || Character.isSurrogate(c) && !validPair(t, i)) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** A WARN at most once per interval, with the number of occurrences since the last one. Thread-safe. */
    private static final class Warning {
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong nextNanos = new AtomicLong(System.nanoTime());

        /** Logs {@code format} with the count first, then {@code args}, unless one was logged within the interval. */
        void warn(String format, Object... args) {
            long n = count.incrementAndGet();
            long now = System.nanoTime();
            long next = nextNanos.get();
            if (now - next >= 0 && nextNanos.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
                count.addAndGet(-n);
                Object[] all = new Object[args.length + 1];
                all[0] = n;
                System.arraycopy(args, 0, all, 1, args.length);
                LOG.warn(format, all);
            }
        }
    }
}
