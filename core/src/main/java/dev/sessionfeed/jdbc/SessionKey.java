package dev.sessionfeed.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The SQL type of the sessions' primary key, and how a key crosses between the protocol (where an id is always a
 * string) and the database (where it is bound with its real type, so a by-id read uses the primary key's index and
 * never fails with {@code operator does not exist: uuid = character varying}).
 *
 * <p>Supported: {@link #text()} ({@code text}, {@code varchar}, {@code char}), {@link #uuid()}, {@link #bigint()}
 * and {@link #integer()} ({@code smallint} too). Composite keys are not supported: a session is addressed by one
 * column. {@link #forSqlType(String)} maps a catalog type name ({@code format_type}) to a key and refuses any other
 * type, naming it.
 *
 * <p>The protocol form of a key is PostgreSQL's text output of the value ({@code CAST(id AS text)}): a uuid in lower
 * case with hyphens, a number in decimal. {@link #canonical(String)} turns what a client sent into that form, or
 * says that no row can have that key (a command for {@code "abc"} on a {@code bigint} table is answered
 * {@code not_found}, never {@code internal}). A row-carrying change source turns a column value into the protocol
 * form with {@link #toProtocol(Object)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SessionKey {

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern INTEGER_TEXT = Pattern.compile("-?[0-9]{1,19}");

    private static final SessionKey TEXT = new SessionKey("text", "text");
    private static final SessionKey UUID_KEY = new SessionKey("uuid", "uuid");
    private static final SessionKey BIGINT = new SessionKey("bigint", "int8");
    private static final SessionKey INTEGER = new SessionKey("integer", "int4");

    private final String sqlType;
    private final String arrayElementType;

    private SessionKey(String sqlType, String arrayElementType) {
        this.sqlType = sqlType;
        this.arrayElementType = arrayElementType;
    }

    /**
     * A {@code text}, {@code varchar} or {@code char} key: ids are bound as strings. The default of the shipped schema.
     *
     * @return the text key
     */
    public static SessionKey text() {
        return TEXT;
    }

    /**
     * A {@code uuid} key: ids are bound as {@link UUID}s.
     *
     * @return the uuid key
     */
    public static SessionKey uuid() {
        return UUID_KEY;
    }

    /**
     * A {@code bigint} key: ids are bound as {@code long}s.
     *
     * @return the bigint key
     */
    public static SessionKey bigint() {
        return BIGINT;
    }

    /**
     * An {@code integer} (or {@code smallint}) key: ids are bound as {@code int}s.
     *
     * @return the integer key
     */
    public static SessionKey integer() {
        return INTEGER;
    }

    /**
     * The key for a column type as the catalog names it ({@code format_type(atttypid, atttypmod)}, or
     * {@code pg_typeof(...)::text}): {@code text}, {@code character varying(n)}, {@code character(n)}, {@code uuid},
     * {@code bigint}, {@code integer}, {@code smallint}, and their short names ({@code varchar}, {@code int8}, ...).
     *
     * @param typeName the type name
     * @return the key
     * @throws IllegalArgumentException naming the type when no supported key has it
     */
    public static SessionKey forSqlType(String typeName) {
        Objects.requireNonNull(typeName, "typeName");
        String t = typeName.strip().toLowerCase(Locale.ROOT);
        int paren = t.indexOf('(');
        String base = paren < 0 ? t : t.substring(0, paren).strip();
        switch (base) {
            case "text":
            case "character varying":
            case "varchar":
            case "character":
            case "char":
            case "bpchar":
                return TEXT;
            case "uuid":
                return UUID_KEY;
            case "bigint":
            case "int8":
                return BIGINT;
            case "integer":
            case "int":
            case "int4":
            case "smallint":
            case "int2":
                return INTEGER;
            default:
                throw new IllegalArgumentException("keyType must be one of text, varchar, char, uuid, bigint, integer, smallint"
                        + " (composite keys are not supported), was: '" + abbreviate(typeName) + "'");
        }
    }

    /**
     * The SQL type: {@code text}, {@code uuid}, {@code bigint} or {@code integer}. Also the type of the commands
     * table's {@code session_id} column the installers create.
     *
     * @return the type name
     */
    public String sqlType() {
        return sqlType;
    }

    /**
     * The protocol form of a client-supplied id, or empty when no row can have it: a string that is not a uuid, not
     * a number, or out of the type's range. Text keys are returned unchanged; uuids in lower case.
     *
     * @param id the id a client or a payload sent
     * @return the canonical id, or empty
     * @throws NullPointerException if {@code id} is null
     */
    public Optional<String> canonical(String id) {
        Object v = value(id);
        return v == null ? Optional.empty() : Optional.of(v.toString());
    }

    /**
     * The protocol form of a key value read from a row ({@link String}, {@link UUID} or a {@link Number} as pgjdbc
     * or a decoded WAL message gives it; a {@code String} holding the text form is accepted for every type).
     *
     * @param value the column value
     * @return the id string
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException naming the value when it is not a value of this type
     */
    public String toProtocol(Object value) {
        Objects.requireNonNull(value, "value");
        if (value instanceof String) {
            return canonical((String) value).orElseThrow(() -> new IllegalArgumentException(
                    "key value must be a " + sqlType + ", was: '" + abbreviate((String) value) + "'"));
        }
        if (this == UUID_KEY && value instanceof UUID || this != TEXT && this != UUID_KEY && value instanceof Number) {
            return canonical(value.toString()).orElseThrow(() -> new IllegalArgumentException(
                    "key value must be a " + sqlType + ", was: " + value));
        }
        throw new IllegalArgumentException("key value must be a " + sqlType + ", was a " + value.getClass().getName());
    }

    /**
     * Binds one id with the column's type.
     *
     * @param ps    the statement
     * @param index the 1-based parameter index
     * @param id    the id; must be {@linkplain #canonical(String) valid} for this type
     * @throws SQLException             from the driver
     * @throws IllegalArgumentException naming the id when it is not a value of this type
     */
    public void bind(PreparedStatement ps, int index, String id) throws SQLException {
        Object v = value(id);
        if (v == null) {
            throw new IllegalArgumentException("id must be a " + sqlType + ", was: '" + abbreviate(id) + "'");
        }
        if (v instanceof String) {
            ps.setString(index, (String) v);
        } else if (v instanceof Long) {
            ps.setLong(index, (Long) v);
        } else if (v instanceof Integer) {
            ps.setInt(index, (Integer) v);
        } else {
            ps.setObject(index, v);
        }
    }

    /**
     * Binds ids as one array parameter of the column's type ({@code id = ANY (?)}); ids that no row can have are left
     * out.
     *
     * @param ps    the statement
     * @param c     its connection, which creates the array
     * @param index the 1-based parameter index
     * @param ids   the ids
     * @return the number of ids bound
     * @throws SQLException from the driver
     */
    public int bindArray(PreparedStatement ps, Connection c, int index, Collection<String> ids) throws SQLException {
        List<Object> values = new ArrayList<>(ids.size());
        for (String id : ids) {
            Object v = value(id);
            if (v != null) {
                values.add(v);
            }
        }
        Object[] array;
        if (this == TEXT) {
            array = values.toArray(new String[0]);
        } else if (this == UUID_KEY) {
            array = values.toArray(new UUID[0]);
        } else if (this == BIGINT) {
            array = values.toArray(new Long[0]);
        } else {
            array = values.toArray(new Integer[0]);
        }
        ps.setArray(index, c.createArrayOf(arrayElementType, array));
        return array.length;
    }

    /** The Java value of an id, or null when no row can have it. */
    private Object value(String id) {
        Objects.requireNonNull(id, "id");
        if (this == TEXT) {
            return id;
        }
        if (this == UUID_KEY) {
            return UUID_TEXT.matcher(id).matches() ? UUID.fromString(id) : null;
        }
        if (!INTEGER_TEXT.matcher(id).matches() || id.startsWith("-0") || id.length() > 1 && id.startsWith("0")) {
            // Only the text form PostgreSQL prints: "007" would read as 7 and then not match the id the feed shows.
            return null;
        }
        try {
            long n = Long.parseLong(id);
            if (this == BIGINT) {
                return n;
            }
            return n >= Integer.MIN_VALUE && n <= Integer.MAX_VALUE ? (Object) (int) n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A type name or a client-supplied id for a message: escaped and capped (see {@link SessionColumns#sample}). */
    private static String abbreviate(String s) {
        return SessionColumns.sample(s);
    }

    @Override
    public String toString() {
        return "SessionKey{" + sqlType + '}';
    }
}
