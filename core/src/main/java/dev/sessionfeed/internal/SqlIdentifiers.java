package dev.sessionfeed.internal;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Validation and quoting of SQL identifiers that come from configuration (tables, columns, channels).
 * Exported only to the other SessionFeed modules.
 */
public final class SqlIdentifiers {

    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private SqlIdentifiers() {
    }

    /**
     * Checks an identifier is plain (letters, digits, {@code _}, {@code $}, not starting with a digit or
     * {@code $}, 1 to 63 characters).
     *
     * @param property the configuration property, for the message
     * @param value    the identifier
     * @return {@code value}
     * @throws NullPointerException     naming the property when null
     * @throws IllegalArgumentException naming the property and value when not plain
     */
    public static String validate(String property, String value) {
        Objects.requireNonNull(value, property);
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(property + " must be 1-63 characters of [A-Za-z0-9_$] starting with a letter or '_', was: '"
                    + (value.length() > 80 ? value.substring(0, 80) + "..." : value) + "'");
        }
        return value;
    }

    /**
     * Double-quotes an identifier for SQL, doubling embedded quotes.
     *
     * @param identifier the identifier
     * @return the quoted identifier
     */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
