package dev.sessionfeed.benchmarks.harness;

import java.util.Locale;

/** Number formatting for the Markdown report. Stateless. */
public final class Fmt {

    private Fmt() {
    }

    /**
     * Formats a number with up to 3 significant decimals, grouping thousands.
     *
     * @param v the value
     * @return for example {@code 1.23}, {@code 12,345}, {@code n/a} for NaN
     */
    public static String num(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * Formats a value for a table cell: numbers via {@link #num(double)}, anything else via {@code toString}.
     *
     * @param o the value, may be null
     * @return the cell text
     */
    public static String cell(Object o) {
        if (o == null) {
            return "";
        }
        if (o instanceof Double || o instanceof Float) {
            return num(((Number) o).doubleValue());
        }
        if (o instanceof Long || o instanceof Integer) {
            long l = ((Number) o).longValue();
            return Math.abs(l) >= 10_000 ? String.format(Locale.ROOT, "%,d", l) : Long.toString(l);
        }
        return o.toString().replace("|", "\\|");
    }
}
