package dev.sessionfeed.internal.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Reads result-set columns as JSON-compatible values ({@link String}, {@link Number}, {@link Boolean},
 * {@code null}, {@link java.util.Map}, {@link List}), for session attributes and metrics. Chooses a reader per
 * column from the result-set metadata once, so the per-row cost is one switch.
 */
public final class JdbcValues {

    /** Parses {@code json}/{@code jsonb} columns: plain JSON only, bounded nesting, no trailing tokens. */
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(10_000_000).build())
                    .build())
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JdbcValues() {
    }

    /** How one column is read. */
    public enum Kind {
        /** {@code json}/{@code jsonb}: parsed into maps and lists. */
        JSON,
        /** {@code timestamptz}: an ISO-8601 instant string. */
        INSTANT,
        /** {@code timestamp}: an ISO-8601 local date-time string. */
        LOCAL_DATE_TIME,
        /** {@code date}: an ISO-8601 date string. */
        LOCAL_DATE,
        /** {@code time}: an ISO-8601 time string. */
        LOCAL_TIME,
        /** An SQL array: a list of converted elements. */
        ARRAY,
        /** Anything else: numbers and booleans as they are, everything else as its string form. */
        PLAIN
    }

    /**
     * Chooses the reader for each column of a result set.
     *
     * @param md the metadata
     * @return one kind per column, index 0 for column 1
     * @throws SQLException from the driver
     */
    public static List<Kind> kinds(ResultSetMetaData md) throws SQLException {
        List<Kind> kinds = new ArrayList<>(md.getColumnCount());
        for (int i = 1; i <= md.getColumnCount(); i++) {
            kinds.add(kindOf(md.getColumnTypeName(i), md.getColumnType(i)));
        }
        return kinds;
    }

    static Kind kindOf(String typeName, int sqlType) {
        String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        switch (t) {
            case "json":
            case "jsonb":
                return Kind.JSON;
            case "timestamptz":
            case "timestamp with time zone":
                return Kind.INSTANT;
            case "timestamp":
            case "timestamp without time zone":
                return Kind.LOCAL_DATE_TIME;
            case "date":
                return Kind.LOCAL_DATE;
            case "time":
            case "time without time zone":
                return Kind.LOCAL_TIME;
            default:
                return sqlType == java.sql.Types.ARRAY ? Kind.ARRAY : Kind.PLAIN;
        }
    }

    /**
     * Reads one column as a JSON-compatible value.
     *
     * @param rs     the result set, on a row
     * @param column the 1-based column index
     * @param kind   the column's kind from {@link #kinds}
     * @return the value, or null for SQL NULL
     * @throws SQLException from the driver, or when a JSON column does not parse
     */
    public static Object read(ResultSet rs, int column, Kind kind) throws SQLException {
        switch (kind) {
            case JSON: {
                String text = rs.getString(column);
                return text == null ? null : parseJson(text, rs.getMetaData().getColumnLabel(column));
            }
            case INSTANT: {
                OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                return t == null ? null : t.toInstant().toString();
            }
            case LOCAL_DATE_TIME: {
                LocalDateTime t = rs.getObject(column, LocalDateTime.class);
                return t == null ? null : t.toString();
            }
            case LOCAL_DATE: {
                LocalDate t = rs.getObject(column, LocalDate.class);
                return t == null ? null : t.toString();
            }
            case LOCAL_TIME: {
                LocalTime t = rs.getObject(column, LocalTime.class);
                return t == null ? null : t.toString();
            }
            case ARRAY: {
                Array a = rs.getArray(column);
                if (a == null) {
                    return null;
                }
                try {
                    return arrayToList(a.getArray());
                } finally {
                    a.free();
                }
            }
            default:
                return plain(rs.getObject(column));
        }
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
                || v instanceof Short || v instanceof Double || v instanceof Float || v instanceof BigDecimal
                || v instanceof BigInteger) {
            return v;
        }
        if (v instanceof Object[]) {
            return arrayToList(v);
        }
        return v.toString();
    }

    private static List<Object> arrayToList(Object array) {
        if (!(array instanceof Object[])) {
            // Primitive arrays do not come from pgjdbc's getArray(); keep their string form rather than guess.
            return List.of(String.valueOf(array));
        }
        Object[] items = (Object[]) array;
        List<Object> out = new ArrayList<>(items.length);
        for (Object item : items) {
            if (item instanceof java.sql.Timestamp) {
                out.add(((java.sql.Timestamp) item).toInstant().toString());
            } else {
                out.add(plain(item));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Parses JSON text into maps, lists and scalars.
     *
     * @param text   the JSON text
     * @param column the column label, for the message
     * @return the value
     * @throws SQLException naming the column when the text is not valid JSON
     */
    public static Object parseJson(String text, String column) throws SQLException {
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("column " + column + " holds invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Converts a column's text form, as PostgreSQL prints it with {@code DateStyle = ISO} (what pgjdbc sets on every
     * connection, logical replication ones included), into the value {@link #read} returns for the same column, so
     * that a session decoded from a row equals the one a read returns.
     *
     * @param text     the text form, or null for SQL NULL
     * @param typeName the PostgreSQL type name ({@code int4}, {@code jsonb}, {@code timestamptz}, ...)
     * @param column   the column name, for messages
     * @return the value, or null
     * @throws IllegalArgumentException naming the column and type when the text does not parse, or for a type whose
     *                                  text form this method does not convert (arrays, for example)
     */
    public static Object fromText(String text, String typeName, String column) {
        if (text == null) {
            return null;
        }
        String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        try {
            switch (t) {
                case "json":
                case "jsonb":
                    return parseJson(text, column);
                case "timestamptz":
                    return instant(text, column).toString();
                case "timestamp":
                    return LocalDateTime.parse(text.replace(' ', 'T')).toString();
                case "date":
                    return LocalDate.parse(text).toString();
                case "time":
                    return LocalTime.parse(text).toString();
                case "bool":
                    return "t".equals(text) ? Boolean.TRUE : "f".equals(text) ? Boolean.FALSE : fail(text, t, column);
                case "int2":
                case "int4":
                    return Integer.valueOf(text);
                case "int8":
                case "oid":
                    return Long.valueOf(text);
                case "float4":
                    return Float.valueOf(text);
                case "float8":
                    return Double.valueOf(text);
                case "numeric":
                    return new BigDecimal(text);
                case "text":
                case "varchar":
                case "bpchar":
                case "name":
                case "uuid":
                case "citext":
                    return text;
                default:
                    // Arrays, ranges, money, geometric and user types: their JDBC form is not their text form.
                    throw new IllegalArgumentException("column " + column + " has type " + abbreviate(t)
                            + ", whose text form is not converted; the row is re-read");
            }
        } catch (SQLException | RuntimeException e) {
            if (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)) {
                throw (IllegalArgumentException) e;
            }
            throw new IllegalArgumentException("column " + column + " (" + abbreviate(t) + ") does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a {@code timestamptz} in PostgreSQL's ISO text form ({@code 2026-12-04 21:34:12.123456+00},
     * offsets {@code +05}, {@code +05:30}, {@code -03:30:15}).
     *
     * @param text   the text
     * @param column the column name, for messages
     * @return the instant
     * @throws IllegalArgumentException when it does not parse ({@code infinity}, BC dates, another DateStyle)
     */
    public static Instant instant(String text, String column) {
        int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
        if (sign < 11) {
            throw new IllegalArgumentException("column " + column + ": not an ISO timestamptz: '" + abbreviate(text) + "'");
        }
        try {
            LocalDateTime local = LocalDateTime.parse(text.substring(0, sign).replace(' ', 'T'));
            String offset = text.substring(sign);
            return local.toInstant(ZoneOffset.of(offset));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("column " + column + ": not an ISO timestamptz: '" + abbreviate(text) + "'", e);
        }
    }

    private static Object fail(String text, String type, String column) {
        throw new IllegalArgumentException("column " + column + ": not a " + type + ": '" + abbreviate(text) + "'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
