package dev.sessionfeed.benchmarks.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small statistics over per-block values (median and spread). Stateless. */
public final class Stats {

    private Stats() {
    }

    /**
     * Median, min and max of a list of per-block values, for JSON/Markdown.
     *
     * @param values the per-block values (NaN entries are ignored)
     * @return {@code {median, min, max, blocks}}
     */
    public static Map<String, Object> spread(List<Double> values) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) {
            if (d != null && !d.isNaN() && !d.isInfinite()) {
                v.add(d);
            }
        }
        Collections.sort(v);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", v.isEmpty() ? Double.NaN : Latencies.round(median(v)));
        m.put("min", v.isEmpty() ? Double.NaN : Latencies.round(v.get(0)));
        m.put("max", v.isEmpty() ? Double.NaN : Latencies.round(v.get(v.size() - 1)));
        m.put("blocks", v.size());
        return m;
    }

    /**
     * The median of sorted values.
     *
     * @param sorted ascending values, not empty
     * @return the median
     */
    public static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Formats {@code median (min–max)} for a Markdown cell.
     *
     * @param spread a map from {@link #spread(List)}
     * @param suffix appended to each number, e.g. "×"
     * @return the formatted cell
     */
    public static String cell(Map<String, Object> spread, String suffix) {
        return Fmt.num((Double) spread.get("median")) + suffix + " (" + Fmt.num((Double) spread.get("min")) + "–"
                + Fmt.num((Double) spread.get("max")) + ")";
    }
}
