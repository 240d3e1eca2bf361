package dev.sessionfeed.benchmarks.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alternates the modes of a comparison in blocks within one run (A B, B A, A B, ...), so that drift of this noisy
 * machine (other processes, GC, CPU frequency) hits every mode alike. Keeps each block's histograms, so that
 * per-block ratios (median and spread) can be reported next to the merged absolute numbers.
 *
 * <p>Not thread-safe: driven by one thread.
 */
public final class Blocks {

    private static final Logger LOG = LoggerFactory.getLogger(Blocks.class);

    /** Runs one block of one mode. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs one block.
         *
         * @param mode  the mode's name
         * @param block 0-based block number
         * @return the block's histograms by metric name (e.g. "commit", "delivery")
         * @throws Exception any failure aborts the comparison
         */
        Map<String, Latencies> run(String mode, int block) throws Exception;
    }

    private final List<String> modes;
    private final Map<String, List<Map<String, Latencies>>> perBlock = new LinkedHashMap<>();

    /**
     * Creates a comparison of modes.
     *
     * @param modes the modes' names, in the order of the first block
     */
    public Blocks(List<String> modes) {
        this.modes = List.copyOf(modes);
        modes.forEach(m -> perBlock.put(m, new ArrayList<>()));
    }

    /**
     * Runs {@code rounds} rounds; each round runs every mode once, the order reversed every other round.
     *
     * @param rounds the number of rounds
     * @param body   the block body
     * @return this
     * @throws Exception the first failure
     */
    public Blocks run(int rounds, Body body) throws Exception {
        for (int r = 0; r < rounds; r++) {
            List<String> order = new ArrayList<>(modes);
            if (r % 2 == 1) {
                java.util.Collections.reverse(order);
            }
            for (String mode : order) {
                Map<String, Latencies> m = body.run(mode, r);
                perBlock.get(mode).add(m);
                LOG.info("  block {} {}: {}", r, mode, describe(m));
            }
        }
        return this;
    }

    /**
     * All blocks of a mode merged.
     *
     * @param mode   the mode
     * @param metric the metric
     * @return the merged histogram (empty when the mode never recorded that metric)
     */
    public Latencies merged(String mode, String metric) {
        Latencies all = new Latencies();
        for (Map<String, Latencies> b : perBlock.get(mode)) {
            Latencies l = b.get(metric);
            if (l != null) {
                all.add(l);
            }
        }
        return all;
    }

    /**
     * Per-block ratio {@code f(mode a) / f(mode b)} of block i of mode a and block i of mode b.
     *
     * @param a       numerator mode
     * @param metricA its metric
     * @param b       denominator mode
     * @param metricB its metric
     * @param f       the statistic (e.g. p50)
     * @return the ratios, one per block
     */
    public List<Double> ratios(String a, String metricA, String b, String metricB, ToDoubleFunction<Latencies> f) {
        List<Double> out = new ArrayList<>();
        List<Map<String, Latencies>> la = perBlock.get(a);
        List<Map<String, Latencies>> lb = perBlock.get(b);
        for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
            Latencies x = la.get(i).get(metricA);
            Latencies y = lb.get(i).get(metricB);
            if (x != null && y != null && x.count() > 0 && y.count() > 0) {
                out.add(f.applyAsDouble(x) / f.applyAsDouble(y));
            }
        }
        return out;
    }

    /**
     * Per-block values of a statistic for one mode.
     *
     * @param mode   the mode
     * @param metric the metric
     * @param f      the statistic
     * @return one value per block
     */
    public List<Double> values(String mode, String metric, ToDoubleFunction<Latencies> f) {
        List<Double> out = new ArrayList<>();
        for (Map<String, Latencies> b : perBlock.get(mode)) {
            Latencies l = b.get(metric);
            if (l != null && l.count() > 0) {
                out.add(f.applyAsDouble(l));
            }
        }
        return out;
    }

    private static String describe(Map<String, Latencies> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(" n=").append(v.count()).append(" p50=")
                .append(Fmt.num(v.percentileMs(50))).append(" p99=").append(Fmt.num(v.percentileMs(99)))
                .append(" max=").append(Fmt.num(v.maxMs())).append(" ms; "));
        return sb.toString();
    }
}
