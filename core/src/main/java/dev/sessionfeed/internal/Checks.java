package dev.sessionfeed.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks whose messages name the property and the value, shared by SessionFeed's builders.
 * Exported only to the other SessionFeed modules (qualified export), so they use the same wording.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Checks a duration lies within bounds.
     *
     * @param property the property name for the message
     * @param value    the value
     * @param min      the smallest allowed value
     * @param max      the largest allowed value
     * @return {@code value}
     * @throws NullPointerException     naming the property when {@code value} is null
     * @throws IllegalArgumentException naming the property, value and bounds otherwise
     */
    public static Duration durationBetween(String property, Duration value, Duration min, Duration max) {
        Objects.requireNonNull(value, property);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(property + " must be between " + human(min) + " and " + human(max)
                    + ", was " + human(value));
        }
        return value;
    }

    /**
     * Checks an int lies within bounds.
     *
     * @param property the property name for the message
     * @param value    the value
     * @param min      the smallest allowed value
     * @param max      the largest allowed value
     * @return {@code value}
     * @throws IllegalArgumentException naming the property, value and bounds
     */
    public static int intBetween(String property, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(property + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /**
     * Checks a string is non-null and not blank.
     *
     * @param property the property name for the message
     * @param value    the value
     * @return {@code value}
     * @throws NullPointerException     naming the property when null
     * @throws IllegalArgumentException naming the property when blank
     */
    public static String notBlank(String property, String value) {
        Objects.requireNonNull(value, property);
        if (value.isBlank()) {
            throw new IllegalArgumentException(property + " must not be blank, was '" + value + "'");
        }
        return value;
    }

    private static String human(Duration d) {
        if (d.isZero()) {
            return "0ms";
        }
        if (d.toNanos() % 1_000_000 == 0 && d.toMillis() < 10_000) {
            return d.toMillis() + "ms";
        }
        return d.toString();
    }
}
