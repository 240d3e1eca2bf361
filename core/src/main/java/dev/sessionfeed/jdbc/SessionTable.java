package dev.sessionfeed.jdbc;

import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.SqlIdentifiers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where the sessions live and which of them a dashboard shows: table name, column mapping and scope.
 * Shared by {@link JdbcSnapshotBuilder}, {@link PollingChangeSource}, {@link JdbcCommandHandler} and the
 * pg-listener's trigger installer, so they always agree.
 *
 * <p>Every identifier is validated when set (letters, digits, {@code _} and {@code $}, starting with a letter or
 * {@code _}, at most 63 characters — PostgreSQL's limit) and always double-quoted in SQL, so configuration can
 * never inject SQL. Values are always bound parameters.
 *
 * <p>Fitting an existing table: every model field maps to a {@linkplain Builder#column column} of any name or to
 * an {@linkplain Builder#expression SQL expression} over the relation's columns (a field the table lacks can be
 * {@code NULL}); the status may be a text column, an enum type or an {@linkplain Builder#statusCodes integer code
 * with a mapping}; the key may be {@code text}, {@code varchar}, {@code uuid}, {@code bigint} or {@code integer}
 * ({@linkplain Builder#keyType configured}, or read from the catalog at start-up, see {@link SessionKey}); sessions
 * may be read {@linkplain Builder#view from a view} or {@linkplain Builder#query from a query} while the
 * {@linkplain #qualifiedTable() table} stays the base table that triggers, publications and commands use. The
 * snapshot builder and the command handler check the mapping against the catalog before their first use
 * ({@link JdbcSnapshotBuilder#verify()}, {@link JdbcCommandHandler#verify()}), naming the table, the column and the
 * type they found.
 *
 * <p>The default mapping is the shipped schema ({@code sessionfeed/schema.sql}): table {@code chat_sessions},
 * primary key {@code session_id}, scope "status not {@code archived}, and not ended more than 24 h ago",
 * newest first, at most 5,000 sessions. Data read through it is bounded ({@link #maxTextLength()},
 * {@link #maxSessionBytes()}; ids of 1 to 256 characters). Immutable and thread-safe.
 */
public final class SessionTable {

    /** The model fields that map to columns, with their default column names. */
    public enum Column {
        /** Primary key: {@code text}, {@code varchar}, {@code uuid}, {@code bigint} or {@code integer} (see {@link SessionKey}). */
        ID("session_id"),
        /** Status: {@code text}, an enum type, or an integer code with {@link Builder#statusCodes}. */
        STATUS("status"),
        /** Visitor id. */
        VISITOR_ID("visitor_id"),
        /** Visitor display name. */
        VISITOR_NAME("visitor_name"),
        /** Agent id. */
        AGENT_ID("agent_id"),
        /** Agent display name. */
        AGENT_NAME("agent_name"),
        /** Subject. */
        SUBJECT("subject"),
        /** Creation time ({@code timestamptz}). */
        CREATED_AT("created_at"),
        /** Last change ({@code timestamptz}); polling's change detection reads it. */
        UPDATED_AT("updated_at"),
        /** End time ({@code timestamptz}); the scope reads it. */
        ENDED_AT("ended_at"),
        /** First agent response ({@code timestamptz}). */
        FIRST_RESPONSE_AT("first_response_at"),
        /** Message count ({@code integer}/{@code bigint}). */
        MESSAGE_COUNT("message_count"),
        /** Last message time ({@code timestamptz}). */
        LAST_MESSAGE_AT("last_message_at");

        private final String defaultName;

        Column(String defaultName) {
            this.defaultName = defaultName;
        }

        /**
         * The default column name.
         *
         * @return the name in the shipped schema
         */
        public String defaultName() {
            return defaultName;
        }
    }

    private final String schema;
    private final String table;
    private final Map<Column, String> columns;
    private final Map<Column, String> expressions;
    private final Map<String, Integer> statusCodes;
    private final SessionKey keyType;
    private final String viewSchema;
    private final String view;
    private final String query;
    private final List<String> attributeColumns;
    private final Set<String> hiddenStatuses;
    private final Duration endedRetention;
    private final int maxSessions;
    private final int maxTextLength;
    private final int maxSessionBytes;

    private SessionTable(Builder b) {
        this.schema = b.schema;
        this.table = b.table;
        this.columns = Map.copyOf(b.columns);
        this.expressions = Map.copyOf(b.expressions);
        this.statusCodes = b.statusCodes == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.statusCodes));
        this.keyType = b.keyType;
        this.viewSchema = b.viewSchema;
        this.view = b.view;
        this.query = b.query;
        this.attributeColumns = List.copyOf(b.attributeColumns);
        this.hiddenStatuses = Set.copyOf(b.hiddenStatuses);
        this.endedRetention = b.endedRetention;
        this.maxSessions = b.maxSessions;
        this.maxTextLength = b.maxTextLength;
        this.maxSessionBytes = b.maxSessionBytes;
    }

    /**
     * The default mapping of the shipped schema.
     *
     * @return a table mapping with every default
     */
    public static SessionTable defaults() {
        return builder().build();
    }

    /**
     * Starts a mapping from the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The schema, or null for the connection's search path.
     *
     * @return the schema name, unquoted
     */
    public String schema() {
        return schema;
    }

    /**
     * The table name.
     *
     * @return the table name, unquoted
     */
    public String table() {
        return table;
    }

    /**
     * The base table as it appears in SQL: quoted and schema-qualified when a schema is set. Triggers, publications
     * and commands use it, also when sessions are read {@linkplain #relation() from a view or a query}.
     *
     * @return for example {@code "public"."chat_sessions"}
     */
    public String qualifiedTable() {
        return schema == null ? SqlIdentifiers.quote(table) : SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table);
    }

    /**
     * What sessions are read from, as a {@code FROM} item: the {@linkplain Builder#view view}, the
     * {@linkplain Builder#query query} as a subquery, or (by default) the {@linkplain #qualifiedTable() table}. The
     * mapped columns and expressions refer to its columns.
     *
     * @return for example {@code "chat_sessions"} or {@code (SELECT ...) AS "sessionfeed$source"}
     */
    public String relation() {
        if (query != null) {
            return "(" + query + "\n) AS \"sessionfeed$source\"";
        }
        if (view != null) {
            return viewSchema == null ? SqlIdentifiers.quote(view) : SqlIdentifiers.quote(viewSchema) + "." + SqlIdentifiers.quote(view);
        }
        return qualifiedTable();
    }

    /**
     * Whether sessions are read from somewhere other than the table itself (a view or a query).
     *
     * @return true with a view or a query
     */
    public boolean readsThroughView() {
        return view != null || query != null;
    }

    /**
     * The query sessions are read from, if one is configured.
     *
     * @return the SQL text, or null
     */
    public String query() {
        return query;
    }

    /**
     * The column name of a model field.
     *
     * @param column the field
     * @return the column name, unquoted, or null when the field is mapped to an {@linkplain #expression expression}
     */
    public String column(Column column) {
        return expressions.containsKey(column) ? null : columns.get(column);
    }

    /**
     * The SQL expression a model field is read from, if it is mapped to one.
     *
     * @param column the field
     * @return the expression as configured, or null when the field is a column
     */
    public String expression(Column column) {
        return expressions.get(column);
    }

    /**
     * The SQL that reads a model field: its quoted column, or its expression in parentheses.
     *
     * @param column the field
     * @return for example {@code "session_id"}
     */
    public String quoted(Column column) {
        String e = expressions.get(column);
        return e != null ? "(" + e + ")" : SqlIdentifiers.quote(columns.get(column));
    }

    /**
     * The status as {@code text} in SQL, as the scope, the metrics and the commands compare it: the column cast to
     * {@code text} (a no-op for a text column, the label for an enum), or the {@linkplain #statusCodes() code
     * mapping} as a {@code CASE} (an unmapped code reads as its number).
     *
     * @return SQL of type {@code text}
     */
    public String statusText() {
        String col = quoted(Column.STATUS);
        if (statusCodes == null) {
            return "CAST(" + col + " AS text)";
        }
        StringBuilder sb = new StringBuilder("CASE ").append(col);
        for (Map.Entry<String, Integer> e : statusCodes.entrySet()) {
            sb.append(" WHEN ").append(e.getValue()).append(" THEN ").append(literal(e.getKey()));
        }
        return sb.append(" ELSE CAST(").append(col).append(" AS text) END").toString();
    }

    /**
     * The integer codes of the statuses when the status column stores codes.
     *
     * @return status → code, in configuration order, or null when the status column holds the status text
     */
    public Map<String, Integer> statusCodes() {
        return statusCodes;
    }

    /**
     * The key type, when configured.
     *
     * @return the key type, or null to read it from the catalog at start-up
     */
    public SessionKey keyType() {
        return keyType;
    }

    /**
     * Extra host columns copied into {@link dev.sessionfeed.ChatSession#attributes()}.
     *
     * @return the column names, unquoted; empty by default
     */
    public List<String> attributeColumns() {
        return attributeColumns;
    }

    /**
     * Statuses never shown. Default {@code archived}.
     *
     * @return the statuses
     */
    public Set<String> hiddenStatuses() {
        return hiddenStatuses;
    }

    /**
     * How long an ended session stays in scope after {@code ended_at}. Default 24 h.
     *
     * @return the retention
     */
    public Duration endedRetention() {
        return endedRetention;
    }

    /**
     * The most sessions the feed shows: a full read returns the newest this many, and by-id refreshes never grow
     * the list beyond it. Default 5,000.
     *
     * @return the cap
     */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * The longest text field shown, in characters (code points): {@code status}, visitor and agent ids and names,
     * {@code subject}. The read statement fetches at most one character more ({@code left(...)}), so the driver never
     * receives a longer value; a longer one is shown as its first {@code maxTextLength - 1} characters followed by
     * {@code …} (U+2026). The id is never cut: a row whose id is blank or longer than 256 characters (the limit of
     * commands, the listener and the client) is left out, with a warning. Default 500.
     *
     * @return the cap, in characters
     */
    public int maxTextLength() {
        return maxTextLength;
    }

    /**
     * The most bytes one session may cost: the UTF-8 size of its text fields (after {@link #maxTextLength()}) and of
     * its {@linkplain #attributeColumns() attribute} values in their text form, computed in the read statement. A
     * session above it is shown with every attribute replaced by {@code …} (U+2026), and the attribute values are
     * not sent by the database; a warning says so (at most once per 5 minutes, with a count). At least
     * {@code 24 × maxTextLength} (six text fields of up to four bytes a character), so the text fields always fit.
     * Default 16,384 (16 KiB).
     *
     * @return the cap, in bytes
     */
    public int maxSessionBytes() {
        return maxSessionBytes;
    }

    /** A string literal for SQL (quotes doubled): status names from configuration, never from clients or rows. */
    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return "SessionTable{" + qualifiedTable() + (readsThroughView() ? ", from=" + (query != null ? "query" : relation()) : "")
                + (keyType != null ? ", key=" + keyType.sqlType() : "") + ", columns=" + columns
                + (expressions.isEmpty() ? "" : ", expressions=" + expressions.keySet())
                + (statusCodes == null ? "" : ", statusCodes=" + statusCodes) + ", attributes=" + attributeColumns
                + ", hiddenStatuses=" + hiddenStatuses + ", endedRetention=" + endedRetention + ", maxSessions=" + maxSessions
                + ", maxTextLength=" + maxTextLength + ", maxSessionBytes=" + maxSessionBytes + '}';
    }

    /** Builds a {@link SessionTable}; every setter validates and names the property and value. Not thread-safe. */
    public static final class Builder {
        private String schema;
        private String table = "chat_sessions";
        private final Map<Column, String> columns = new LinkedHashMap<>();
        private final Map<Column, String> expressions = new LinkedHashMap<>();
        private Map<String, Integer> statusCodes;
        private SessionKey keyType;
        private String viewSchema;
        private String view;
        private String query;
        private final List<String> attributeColumns = new ArrayList<>();
        private Set<String> hiddenStatuses = Set.of("archived");
        private Duration endedRetention = Duration.ofHours(24);
        private int maxSessions = 5000;
        private int maxTextLength = 500;
        private int maxSessionBytes = 16_384;

        private Builder() {
            for (Column c : Column.values()) {
                columns.put(c, c.defaultName());
            }
        }

        /**
         * The schema. Default: none (the connection's search path).
         *
         * @param schema a valid identifier, or null
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = schema == null ? null : SqlIdentifiers.validate("schema", schema);
            return this;
        }

        /**
         * The table. Default {@code chat_sessions}.
         *
         * @param table a valid identifier
         * @return this builder
         */
        public Builder table(String table) {
            this.table = SqlIdentifiers.validate("table", table);
            return this;
        }

        /**
         * Maps a model field to a column.
         *
         * @param column the field
         * @param name   a valid identifier
         * @return this builder
         */
        public Builder column(Column column, String name) {
            Objects.requireNonNull(column, "column");
            columns.put(column, SqlIdentifiers.validate("column." + column.name().toLowerCase(java.util.Locale.ROOT), name));
            expressions.remove(column);
            return this;
        }

        /**
         * Maps a model field to an SQL expression over the relation's columns instead of a column: for example
         * {@code first_name || ' ' || last_name} for {@link Column#VISITOR_NAME}, {@code NULL} for a field the table
         * lacks, {@code created_at AT TIME ZONE 'UTC'} for a {@code timestamp} column (timestamps must be
         * {@code timestamptz}). The expression is host configuration and goes into SQL as written (like a metrics
         * query), in parentheses. The {@link Column#ID} must stay a column (triggers and commands address rows by
         * it); a field that commands write ({@code status}, {@code ended_at}, {@code updated_at}) mapped to an
         * expression is not written (status: the command handler refuses to start).
         *
         * @param column the field, not {@link Column#ID}
         * @param sql    an SQL expression, not blank, without {@code ;}, at most 2,000 characters
         * @return this builder
         * @throws IllegalArgumentException naming the property and value when invalid
         */
        public Builder expression(Column column, String sql) {
            Objects.requireNonNull(column, "column");
            String property = "expression." + column.name().toLowerCase(java.util.Locale.ROOT);
            if (column == Column.ID) {
                throw new IllegalArgumentException(property + " is not supported: the id must be a column of the table, was: '"
                        + SessionColumns.sample(String.valueOf(sql)) + "'");
            }
            expressions.put(column, sqlText(property, sql, 2000));
            return this;
        }

        /**
         * Declares that the status column stores integer codes: {@code end_session} writes the code of its status,
         * the scope, the metrics and the dashboard see the status names. Default: none (the column holds the status
         * as text or as an enum label). Every status the command handler writes must have a code.
         *
         * @param codes status name → code; not empty, names not blank, codes distinct
         * @return this builder
         * @throws IllegalArgumentException naming the property and value when invalid
         */
        public Builder statusCodes(Map<String, Integer> codes) {
            Objects.requireNonNull(codes, "statusCodes");
            if (codes.isEmpty()) {
                throw new IllegalArgumentException("statusCodes must not be empty");
            }
            Map<String, Integer> copy = new LinkedHashMap<>();
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (Map.Entry<String, Integer> e : codes.entrySet()) {
                Checks.notBlank("statusCodes key", e.getKey());
                Objects.requireNonNull(e.getValue(), "statusCodes value");
                if (!seen.add(e.getValue())) {
                    throw new IllegalArgumentException("statusCodes must map each code once, was: " + e.getValue() + " twice in " + codes);
                }
                copy.put(e.getKey(), e.getValue());
            }
            this.statusCodes = copy;
            return this;
        }

        /**
         * The key's SQL type. Default: none, read from the catalog when the snapshot builder or the command handler
         * is first used (see {@link JdbcSnapshotBuilder#verify()}); set it to skip that look-up or to check it.
         *
         * @param key the key type, or null to read it from the catalog
         * @return this builder
         */
        public Builder keyType(SessionKey key) {
            this.keyType = key;
            return this;
        }

        /**
         * Reads sessions from a view instead of the table (for example one that joins a visitors table for the
         * visitor's name). The mapped columns are the view's; the {@link #table(String) table} stays the base table:
         * triggers and publications go on it, commands update it (by the mapped id, status, {@code ended_at} and
         * {@code updated_at} column names, which the base table must have). A change of another table the view joins
         * does not notify; the feed's reconcile interval picks it up. Default: none.
         *
         * @param schema the view's schema, or null for the search path
         * @param name   the view, a valid identifier
         * @return this builder
         */
        public Builder view(String schema, String name) {
            String s = schema == null ? null : SqlIdentifiers.validate("viewSchema", schema);
            this.view = SqlIdentifiers.validate("view", name);
            this.viewSchema = s;
            this.query = null;
            return this;
        }

        /**
         * Reads sessions from a query instead of the table, as with {@link #view(String, String)} (the same rules for
         * the base table). The query is host configuration, embedded as a subquery; it must not write and has no
         * parameters. Default: none.
         *
         * @param sql a single {@code SELECT} without a trailing {@code ;}, at most 20,000 characters
         * @return this builder
         * @throws IllegalArgumentException naming the property and value when blank, too long or ending with {@code ;}
         */
        public Builder query(String sql) {
            this.query = sqlText("query", sql, 20_000);
            this.view = null;
            this.viewSchema = null;
            return this;
        }

        private static String sqlText(String property, String sql, int max) {
            Checks.notBlank(property, sql);
            String t = sql.strip();
            if (t.length() > max) {
                throw new IllegalArgumentException(property + " must be at most " + max + " characters, was " + t.length());
            }
            if (t.endsWith(";")) {
                throw new IllegalArgumentException(property + " must be one statement or expression without a trailing ';', was: '"
                        + SessionColumns.sample(t) + "'");
            }
            return t;
        }

        /**
         * Adds a host column copied into each session's {@code attributes}, keyed by its name.
         *
         * @param name a valid identifier
         * @return this builder
         */
        public Builder attributeColumn(String name) {
            String n = SqlIdentifiers.validate("attributeColumn", name);
            if (attributeColumns.contains(n)) {
                throw new IllegalArgumentException("attributeColumn must not repeat, was: '" + n + "' twice");
            }
            attributeColumns.add(n);
            return this;
        }

        /**
         * Statuses that are never shown. Default {@code archived}.
         *
         * @param statuses the statuses, none blank; may be empty
         * @return this builder
         */
        public Builder hiddenStatuses(Set<String> statuses) {
            Objects.requireNonNull(statuses, "hiddenStatuses");
            for (String s : statuses) {
                Checks.notBlank("hiddenStatuses element", s);
            }
            this.hiddenStatuses = Set.copyOf(statuses);
            return this;
        }

        /**
         * How long ended sessions stay in scope. Default 24 h.
         *
         * @param retention zero (hide at once) up to 365 days
         * @return this builder
         */
        public Builder endedRetention(Duration retention) {
            this.endedRetention = Checks.durationBetween("endedRetention", retention, Duration.ZERO, Duration.ofDays(365));
            return this;
        }

        /**
         * The most sessions the feed shows: one full read returns the newest this many, and a by-id refresh that
         * brings in a new session drops the last ones shown beyond it (published as removed; usually the oldest,
         * as a full read would), and one that removes a session from a full list is followed by a full read that
     * back-fills the next one (see {@link dev.sessionfeed.SnapshotBuilder#maxSessions()}). Default 5,000.
         *
         * @param max 1 to 1,000,000
         * @return this builder
         */
        public Builder maxSessions(int max) {
            this.maxSessions = Checks.intBetween("maxSessions", max, 1, 1_000_000);
            return this;
        }

        /**
         * The longest text field shown, in characters; see {@link SessionTable#maxTextLength()}. Default 500.
         *
         * @param chars 16 to 100,000
         * @return this builder
         */
        public Builder maxTextLength(int chars) {
            this.maxTextLength = Checks.intBetween("maxTextLength", chars, 16, 100_000);
            return this;
        }

        /**
         * The most bytes of text and attributes one session may cost; see {@link SessionTable#maxSessionBytes()}.
         * Default 16,384.
         *
         * @param bytes at least {@code 24 × maxTextLength} (checked by {@link #build()}), at most 16 MiB
         * @return this builder
         */
        public Builder maxSessionBytes(int bytes) {
            this.maxSessionBytes = Checks.intBetween("maxSessionBytes", bytes, 384, 16 * 1024 * 1024);
            return this;
        }

        /**
         * Creates the mapping.
         *
         * @return the immutable mapping
         * @throws IllegalArgumentException when two fields map to the same column, or when {@code maxSessionBytes}
         *                                  is below {@code 24 × maxTextLength}
         */
        public SessionTable build() {
            if ((long) maxSessionBytes < 24L * maxTextLength) {
                throw new IllegalArgumentException("maxSessionBytes must be at least 24 x maxTextLength (six text fields of up to "
                        + "4 bytes a character) = " + 24L * maxTextLength + ", was " + maxSessionBytes + " (maxTextLength "
                        + maxTextLength + ")");
            }
            Map<String, String> seen = new LinkedHashMap<>();
            for (Map.Entry<Column, String> e : columns.entrySet()) {
                if (expressions.containsKey(e.getKey())) {
                    continue;
                }
                String prev = seen.put(e.getValue(), e.getKey().name());
                if (prev != null) {
                    throw new IllegalArgumentException("column names must be distinct, but " + prev + " and " + e.getKey()
                            + " both map to '" + e.getValue() + "'");
                }
            }
            return new SessionTable(this);
        }
    }
}
