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
        org.HdrHistogram.Histogram f = fetch.copy();
        Latencies out = new Latencies();
        for (int i = 0; i < samples; i++) {
            long wait = (long) (rnd.nextDouble() * periodNanos);
            long fetchNanos = f.getTotalCount() == 0 ? 0 : f.getValueAtPercentile(rnd.nextDouble() * 100.0);
            out.record(wait + fetchNanos);
        }
        return out;
    }
}
