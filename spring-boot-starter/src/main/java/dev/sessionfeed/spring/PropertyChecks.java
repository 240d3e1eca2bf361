package dev.sessionfeed.spring;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Applies a {@code sessionfeed.*} value to a library builder and turns the builder's refusal into one that names
 * the property and the value: {@code sessionfeed.websocket.max-connections=0: maxConnections must be ...}.
 */
final class PropertyChecks {

    private PropertyChecks() {
    }

    static <T> void apply(String property, T value, Consumer<T> setter) {
        build(property, value, v -> {
            setter.accept(v);
            return null;
        });
    }

    static <T, R> R build(String property, T value, Function<T, R> setter) {
        if (value == null) {
            throw new IllegalArgumentException(property + " must be set, was empty");
        }
        try {
            return setter.apply(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(property + "=" + shown(property, value) + ": " + e.getMessage(), e);
        }
    }

    /** Values of properties that may hold secrets are never shown. */
    private static String shown(String property, Object value) {
        if (property.endsWith("password")) {
            return "******";
        }
        String text = Objects.toString(value);
        if (property.endsWith(".url")) {
            int q = text.indexOf('?');
            text = q < 0 ? text : text.substring(0, q) + "?...";
        }
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
