package dev.sessionfeed.jdbc;

import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.jdbc.SessionTable.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@link SessionTable} against PostgreSQL's catalog and finds the key type: the base table exists and has
 * the id column (whose type gives the {@link SessionKey}), every mapped column exists in the relation sessions are
 * read from, and every field has a type the read can handle. A failure is an {@link SQLException} (SQLSTATE class
 * 42, as the statement itself would fail) whose message names the table, the column (or field) and the type found, and what would fit.
 *
 * <p>Column types of a table or view come from {@code pg_attribute} / {@code format_type}; the type of an expression
 * or of a query's column from {@code pg_typeof} over a zero-row subquery (so nothing is read). Two to three
 * statements, run once per builder or handler. Stateless; thread-safe.
 */
final class CatalogCheck {

    /** Fields read as {@code timestamptz}. */
    private static final Set<Column> INSTANTS = Set.of(Column.CREATED_AT, Column.UPDATED_AT, Column.ENDED_AT,
            Column.FIRST_RESPONSE_AT, Column.LAST_MESSAGE_AT);
    private static final Set<String> INTEGERS = Set.of("smallint", "integer", "bigint");

    static final String UNDEFINED_TABLE = "42P01";
    static final String UNDEFINED_COLUMN = "42703";
    static final String DATATYPE_MISMATCH = "42804";

    private CatalogCheck() {
    }

    /** A check that reads the catalog on a connection. */
    @FunctionalInterface
    interface Check {
        void run(Connection c) throws SQLException;
    }

    /**
     * Runs a check on a connection of its own, leaving no transaction open on it (a connection not in auto-commit
     * mode is rolled back: the check only reads).
     *
     * @param what what is checked, for the message
     * @throws dev.sessionfeed.SessionFeedException naming {@code what} and the failure
     */
    static void onOwnConnection(javax.sql.DataSource dataSource, String what, Check check) {
        try (Connection c = dataSource.getConnection()) {
            try {
                check.run(c);
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
            }
        } catch (SQLException e) {
            throw new dev.sessionfeed.SessionFeedException("checking " + what + " against the catalog failed: " + e.getMessage(), e);
        }
    }

    /** The columns of a relation, name → type (as {@code format_type} prints it), or null when it does not exist. */
    static Map<String, String> columns(Connection c, String qualifiedRelation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL, a.attname, format_type(a.atttypid, a.atttypmod)"
                + " FROM (SELECT) AS one LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(?) AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, qualifiedRelation);
            ps.setString(2, qualifiedRelation);
            Map<String, String> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!rs.getBoolean(1)) {
                        return null;
                    }
                    if (rs.getString(2) != null) {
                        out.put(rs.getString(2), rs.getString(3));
                    }
                }
            }
            return out;
        }
    }

    /**
     * Checks the mapping for reading sessions.
     *
     * @return the key type (the configured one, or the id column's)
     * @throws SQLException naming table, column and type when the mapping does not fit, or when the catalog cannot be
     *                      read
     */
    static SessionKey checkRead(Connection c, SessionTable t) throws SQLException {
        Map<String, String> base = requireTable(c, t);
        String idColumn = t.column(Column.ID);
        String baseIdType = base.get(idColumn);
        if (baseIdType == null) {
            throw missing(t.qualifiedTable(), idColumn, Column.ID, base);
        }
        SessionKey key = key(t, t.qualifiedTable(), idColumn, baseIdType);
        Map<String, String> rel = base;
        if (t.readsThroughView() && t.query() == null) {
            rel = columns(c, t.relation());
            if (rel == null) {
                throw mismatch("view " + t.relation() + " does not exist (sessions are read from it; check the"
                        + " view's name and schema, and the connection's search_path)");
            }
        }
        if (t.query() == null) {
            for (Column col : Column.values()) {
                String name = t.column(col);
                if (name != null && !rel.containsKey(name)) {
                    throw missing(t.relation(), name, col, rel);
                }
            }
            for (String attr : t.attributeColumns()) {
                if (!rel.containsKey(attr)) {
                    throw mismatch(t.relation() + " has no column \"" + attr + "\" (an attributeColumn); its columns: "
                            + rel.keySet());
                }
            }
        }
        Map<Column, String[]> types = fieldTypes(c, t);
        key(t, name(t), String.valueOf(idColumn), types.get(Column.ID)[0]);
        for (Map.Entry<Column, String[]> e : types.entrySet()) {
            checkFieldType(t, e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        return key;
    }

    /** The base table's columns; fails naming the table when it does not exist. */
    static Map<String, String> requireTable(Connection c, SessionTable t) throws SQLException {
        Map<String, String> base = columns(c, t.qualifiedTable());
        if (base == null) {
            throw mismatch("table " + t.qualifiedTable() + " does not exist" + (t.schema() == null
                    ? " on the connection's search_path" : "") + " (create it, for example with sessionfeed/schema.sql, or set"
                    + " SessionTable.table/schema to the host's sessions table)");
        }
        return base;
    }

    private static SessionKey key(SessionTable t, String relation, String idColumn, String type) throws SQLException {
        SessionKey found;
        try {
            found = SessionKey.forSqlType(type);
        } catch (IllegalArgumentException e) {
            throw mismatch("column \"" + idColumn + "\" of " + relation + " is " + type + ": SessionFeed supports"
                    + " session keys of type text, varchar, char, uuid, bigint, integer and smallint (one column; composite keys"
                    + " are not supported)");
        }
        if (t.keyType() != null && t.keyType() != found) {
            throw mismatch("column \"" + idColumn + "\" of " + relation + " is " + type + " but SessionTable.keyType is "
                    + t.keyType().sqlType() + " (remove keyType to use the column's type)");
        }
        return found;
    }

    /** Field → {type name, type category} of every model field as the read statement reads it (zero rows). */
    private static Map<Column, String[]> fieldTypes(Connection c, SessionTable t) throws SQLException {
        Column[] cols = Column.values();
        StringBuilder inner = new StringBuilder("SELECT ");
        StringBuilder outer = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.length; i++) {
            String label = SqlIdentifiers.quote("c" + i);
            inner.append(i == 0 ? "" : ", ").append(t.quoted(cols[i])).append(" AS ").append(label);
            outer.append(i == 0 ? "" : ", ").append("format_type(pg_typeof(q.").append(label).append("), NULL), ")
                    .append("(SELECT ty.typcategory FROM pg_type ty WHERE ty.oid = pg_typeof(q.").append(label).append("))::text");
        }
        String sql = outer + " FROM (SELECT) AS one LEFT JOIN (" + inner + " FROM " + t.relation() + " LIMIT 0) AS q ON true";
        Map<Column, String[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            for (int i = 0; i < cols.length; i++) {
                out.put(cols[i], new String[] {rs.getString(2 * i + 1), rs.getString(2 * i + 2)});
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("42")) {
                // Syntax or an undefined column in an expression or the query: the host's SQL, named.
                throw new SQLException("the session mapping of " + name(t) + " does not fit: " + e.getMessage()
                        + " (check SessionTable's expressions and query)", e.getSQLState(), e);
            }
            throw e;
        }
        return out;
    }

    private static void checkFieldType(SessionTable t, Column col, String type, String category) throws SQLException {
        String where = describe(t, col);
        String base = baseName(type);
        if (col == Column.STATUS) {
            if (t.statusCodes() != null) {
                if (!INTEGERS.contains(base)) {
                    throw mismatch(where + " is " + type + " but SessionTable.statusCodes is set: a coded status must be"
                            + " smallint, integer or bigint");
                }
            } else if (!"S".equals(category) && !"E".equals(category)) {
                throw mismatch(where + " is " + type + ": the status must be text, varchar, an enum type, or an integer"
                        + " code with SessionTable.statusCodes");
            }
        } else if (INSTANTS.contains(col)) {
            if (!"timestamp with time zone".equals(base)) {
                throw mismatch(where + " is " + type + ": " + col.name().toLowerCase(Locale.ROOT) + " must be timestamp"
                        + " with time zone (for a timestamp column map an expression such as \"<column> AT TIME ZONE 'UTC'\","
                        + " for none \"NULL::timestamptz\")");
            }
        } else if (col == Column.MESSAGE_COUNT) {
            if (!INTEGERS.contains(base) && !"numeric".equals(base)) {
                throw mismatch(where + " is " + type + ": message_count must be an integer type (for none map the"
                        + " expression \"0\")");
            }
        }
    }

    private static String baseName(String type) {
        int paren = type.indexOf('(');
        return (paren < 0 ? type : type.substring(0, paren)).strip();
    }

    private static String describe(SessionTable t, Column col) {
        String name = t.column(col);
        return name != null ? "column \"" + name + "\" of " + name(t)
                : "the expression of " + col.name().toLowerCase(Locale.ROOT) + " (" + SessionColumns.sample(t.expression(col)) + ") on "
                        + name(t);
    }

    /** The relation sessions are read from, for a message: a query shortened and escaped. */
    static String name(SessionTable t) {
        return t.query() != null ? "the sessions query '" + SessionColumns.sample(t.query()) + "'" : t.relation();
    }

    static SQLException missing(String relation, String column, Column field, Map<String, String> found) {
        List<String> names = new ArrayList<>(found.keySet());
        return new SQLException(relation + " has no column \"" + column + "\" (mapped to "
                + field.name().toLowerCase(Locale.ROOT) + "); its columns: " + names
                + ". Map the field with SessionTable.column(" + field.name() + ", name) or SessionTable.expression(...)", UNDEFINED_COLUMN);
    }

    /**
     * A mapping that does not fit, as the driver would report it (SQLSTATE class 42, never a retryable state), so
     * that every caller's failure handling names its own context around the message.
     */
    static SQLException mismatch(String message) {
        return new SQLException(message, message.contains("does not exist") ? UNDEFINED_TABLE : DATATYPE_MISMATCH);
    }
}
