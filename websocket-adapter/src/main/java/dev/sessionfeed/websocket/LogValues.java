package dev.sessionfeed.websocket;

/**
 * Renders a value that a client (or a host's data) supplied for a log line: always quoted, with quotes and
 * backslashes escaped, every control character (C0, DEL, C1 — CR, LF, ESC, NUL included), the Unicode line and
 * paragraph separators and lone surrogates written as {@code \}{@code uXXXX} (CR, LF and TAB as {@code \r},
 * {@code \n}, {@code \t}), and cut to {@link #MAX_CHARS} characters with the number of characters left out. So a
 * value can neither end a log line nor look like another {@code key=value} pair of it. Thread-safe (stateless).
 */
final class LogValues {

    /** The most characters of a value that reach a log line (before escaping). */
    static final int MAX_CHARS = 128;

    private LogValues() {
    }

    /**
     * @param value the client-supplied value, may be null
     * @return {@code -} for null, else the quoted, escaped and length-capped value
     */
    static String quote(String value) {
        return quote(value, MAX_CHARS);
    }

    /**
     * @param value    the client-supplied value, may be null
     * @param maxChars the most characters kept
     * @return {@code -} for null, else the quoted, escaped and length-capped value
     */
    static String quote(String value, int maxChars) {
        if (value == null) {
            return "-";
        }
        int keep = Math.min(value.length(), maxChars);
        if (keep < value.length() && Character.isHighSurrogate(value.charAt(keep - 1))) {
            keep--; // never cut a pair in two (it would show as a lone surrogate)
        }
        StringBuilder b = new StringBuilder(keep + 16).append('"');
        for (int i = 0; i < keep; i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' || loneSurrogate(value, i, keep)) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                        if (Character.isHighSurrogate(ch)) {
                            b.append(value.charAt(++i)); // the pair's low half, checked by loneSurrogate
                        }
                    }
            }
        }
        b.append('"');
        if (keep < value.length()) {
            b.append("...(+").append(value.length() - keep).append(" chars)");
        }
        return b.toString();
    }

    private static boolean loneSurrogate(String s, int i, int end) {
        char ch = s.charAt(i);
        if (Character.isHighSurrogate(ch)) {
            return i + 1 >= end || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        return Character.isLowSurrogate(ch); // a low half not consumed after its high half
    }
}
