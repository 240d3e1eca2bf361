package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The JMH micro benchmarks (encode, rebuild/diff, client apply), run in a forked JVM with short iterations in the
 * quick suite and JMH's usual ones in the full suite. For other settings run JMH directly:
 * {@code java -jar benchmarks/target/sessionfeed-benchmarks.jar jmh [JMH options]}.
 */
public final class JmhScenario implements Scenario {

    @Override
    public String name() {
        return "jmh";
    }

    /** JMH forks its own JVMs and takes about a minute: run by {@code --full} or {@code --only jmh}. */
    @Override
    public boolean inQuickSuite() {
        return false;
    }

    @Override
    public String title() {
        return "Micro benchmarks (JMH): encode, rebuild (diff), client apply, metrics scrape";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        int warmups = ctx.pick(1, 3);
        int iterations = ctx.pick(3, 5);
        TimeValue time = ctx.full() ? TimeValue.seconds(1) : TimeValue.milliseconds(500);
        Options opt = new OptionsBuilder()
                .include("dev\\.sessionfeed\\.benchmarks\\.jmh\\..*")
                .warmupIterations(warmups).warmupTime(time)
                .measurementIterations(iterations).measurementTime(time)
                .forks(1)
                .jvmArgsAppend("-Xmx1g")
                .timeUnit(TimeUnit.MICROSECONDS)
                .build();
        Collection<RunResult> results = new Runner(opt).run();
        ScenarioResult.TableBuilder t = r.table("JMH, sampled time per operation (µs): median and p90 are robust to this "
                        + "machine's descheduling; the mean is not", "benchmark", "sessions", "p50 µs", "p90 µs", "mean µs", "samples");
        Map<String, Object> data = new LinkedHashMap<>();
        for (RunResult rr : results) {
            String bench = rr.getParams().getBenchmark().replace("dev.sessionfeed.benchmarks.jmh.", "");
            String sessions = rr.getParams().getParam("sessions");
            org.openjdk.jmh.util.Statistics st = rr.getPrimaryResult().getStatistics();
            double p50 = st.getPercentile(50);
            double p90 = st.getPercentile(90);
            double mean = st.getMean();
            t.row(bench, sessions == null ? "" : sessions, round(p50), round(p90), round(mean), st.getN());
            data.put(bench + "[" + sessions + "]", Map.of("p50", p50, "p90", p90, "mean", mean, "samples", st.getN(),
                    "unit", rr.getPrimaryResult().getScoreUnit()));
        }
        r.data("jmh", data);
        r.note("Forked JVM, " + warmups + " warm-up and " + iterations + " measurement iterations of " + time + ", 1 fork, "
                + "sample-time mode (each operation timed; percentiles reported). `EncodeBenchmark`: `ProtocolCodec.encode` of a one-session delta (with metrics) and of a full list. "
                + "`RebuildBenchmark`: `SessionFeed.refresh` of one changed session over an in-memory table (hand-off to the rebuild "
                + "thread, read, diff, stamp, publish; no I/O, no broadcaster). `ApplyBenchmark`: the benchmark dashboard client "
                + "parsing a frame and applying it to its state. `ScrapeBenchmark`: reading every meter of `SessionFeedMetrics` (feed, "
                + "source, endpoint with two command actions: 65 meters) once, as a registry's publish or a Prometheus scrape does.");
        return r;
    }

    private static double round(double v) {
        return v >= 100 ? Math.round(v) : Math.round(v * 100) / 100.0;
    }
}
