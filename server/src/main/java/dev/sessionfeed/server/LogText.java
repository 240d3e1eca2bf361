package dev.sessionfeed.server;

/**
 * Client- or token-supplied text made safe for one log line: quoted, control and line-separator characters escaped,
 * capped at 120 characters. Stateless.
 */
final class LogText {

    private static final int MAX = 120;

    private LogText() {
    }

    /**
     * @param value the value, or null
     * @return {@code -} for null, else the quoted, escaped, capped value
     */
    static String of(String value) {
        if (value == null) {
            return "-";
        }
        StringBuilder out = new StringBuilder("'");
        for (int i = 0; i < value.length() && i < MAX; i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == '\'') {
                out.append('\\').append(c);
            } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(value.length() > MAX ? "'..." : "'").toString();
    }
}
