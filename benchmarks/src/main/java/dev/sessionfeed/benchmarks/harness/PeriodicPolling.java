package dev.sessionfeed.benchmarks.harness;

import java.util.SplittableRandom;

/**
 * The latency of periodic polling, computed rather than waited for: a browser that polls every {@code T} with a
 * random phase sees a change that happened at a random time after a wait uniform on {@code [0, T)}, plus the time
 * its fetch takes. This Monte-Carlo draws the wait from that uniform distribution and the fetch time from a
 * histogram measured in the same run, and records the sum.
 *
 * <p>Stateless apart from the seeded random source; not thread-safe.
 */
public final class PeriodicPolling {

    private PeriodicPolling() {
    }

    /**
     * Computes the latency distribution of polling every {@code periodNanos}.
     *
     * @param periodNanos the polling period
     * @param fetch       measured fetch (full read) latencies, sampled for the fetch part
     * @param samples     how many changes to simulate
     * @param seed        the random seed (fixed, so the run is repeatable)
     * @return the latency histogram
     */
    public static Latencies simulate(long periodNanos, Latencies fetch, int samples, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        // The measured fetch times, one entry per recorded value, to draw from uniformly.
        org.HdrHistogram.Histogram f = fetch.copy();
        long[] fetches = new long[(int) Math.min(f.getTotalCount(), 1_000_000)];
        int n = 0;
        for (org.HdrHistogram.HistogramIterationValue v : f.recordedValues()) {
            for (long c = 0; c < v.getCountAtValueIteratedTo() && n < fetches.length; c++) {
                fetches[n++] = v.getValueIteratedTo();
            }
        }
        Latencies out = new Latencies();
        for (int i = 0; i < samples; i++) {
            long wait = (long) (rnd.nextDouble() * periodNanos);
            long fetchNanos = n == 0 ? 0 : fetches[rnd.nextInt(n)];
            out.record(wait + fetchNanos);
        }
        return out;
    }
}
