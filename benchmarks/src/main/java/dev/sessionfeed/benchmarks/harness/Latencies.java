package dev.sessionfeed.benchmarks.harness;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency histogram in nanoseconds (HdrHistogram, 3 significant digits, up to 10 minutes).
 *
 * <p>Thread-safe for recording from many threads at once; read it after the writers are done.
 */
public final class Latencies {

    private static final long HIGHEST = TimeUnit.MINUTES.toNanos(10);

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(1, HIGHEST, 3);

    /**
     * Records one latency.
     *
     * @param nanos the latency in nanoseconds; negative values (clock reads that raced) count as zero
     */
    public void record(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(nanos, HIGHEST)));
    }

    /**
     * Records a latency measured from an intended start time until now.
     *
     * @param intendedStartNanos the {@link System#nanoTime()} at which the operation was meant to start
     */
    public void recordSince(long intendedStartNanos) {
        record(System.nanoTime() - intendedStartNanos);
    }

    /**
     * Adds all values of another histogram.
     *
     * @param other the other histogram
     */
    public void add(Latencies other) {
        histogram.add(other.histogram);
    }

    /**
     * The number of values recorded.
     *
     * @return the count
     */
    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * A percentile in milliseconds.
     *
     * @param percentile 0..100
     * @return the value at that percentile, in ms (NaN when empty)
     */
    public double percentileMs(double percentile) {
        if (count() == 0) {
            return Double.NaN;
        }
        return histogram.getValueAtPercentile(percentile) / 1e6;
    }

    /**
     * The largest value in milliseconds.
     *
     * @return the maximum in ms (NaN when empty)
     */
    public double maxMs() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1e6;
    }

    /**
     * The mean in milliseconds.
     *
     * @return the mean in ms (NaN when empty)
     */
    public double meanMs() {
        return count() == 0 ? Double.NaN : histogram.getMean() / 1e6;
    }

    /**
     * The usual summary: n, p50, p90, p95, p99, p99.9, max (ms).
     *
     * @return an ordered map for JSON
     */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", count());
        m.put("p50Ms", round(percentileMs(50)));
        m.put("p90Ms", round(percentileMs(90)));
        m.put("p95Ms", round(percentileMs(95)));
        m.put("p99Ms", round(percentileMs(99)));
        m.put("p999Ms", round(percentileMs(99.9)));
        m.put("maxMs", round(maxMs()));
        return m;
    }

    /**
     * A copy of the underlying histogram (for merging or export).
     *
     * @return a copy
     */
    public Histogram copy() {
        return histogram.copy();
    }

    /**
     * Rounds to 3 decimals for presentation; NaN stays NaN.
     *
     * @param v the value
     * @return the rounded value
     */
    public static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        return Math.round(v * 1000.0) / 1000.0;
    }
}
