package dev.sessionfeed.benchmarks;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Environment;
import dev.sessionfeed.benchmarks.harness.Profiler;
import dev.sessionfeed.benchmarks.harness.Report;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark suite's entry point.
 *
 * <pre>
 * java -jar benchmarks/target/sessionfeed-benchmarks.jar [--full] [--only a,b] [--profile] [--durable] [--results DIR] [--markdown FILE]
 * java -jar benchmarks/target/sessionfeed-benchmarks.jar --list
 * java -jar benchmarks/target/sessionfeed-benchmarks.jar jmh [JMH options]      (the micro benchmarks)
 * </pre>
 *
 * <p>Each scenario writes {@code <results>/<name>.json}; afterwards the results part of the Markdown file is
 * regenerated from all JSON files there.
 */
public final class BenchmarkMain {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkMain.class);

    private BenchmarkMain() {
    }

    /**
     * Runs the suite.
     *
     * @param args see the class documentation
     * @throws Exception when the JMH runner fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("idle-clients")) {
            dev.sessionfeed.benchmarks.scenarios.IdleClients.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        boolean full = false;
        boolean profile = false;
        boolean durable = false;
        boolean regenerateOnly = false;
        Set<String> only = new LinkedHashSet<>();
        Path results = defaultResultsDir();
        Path markdown = defaultMarkdown();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--full" -> full = true;
                case "--profile" -> profile = true;
                case "--durable" -> durable = true;
                case "--regenerate" -> regenerateOnly = true;
                case "--only" -> only.addAll(Arrays.asList(value(args, ++i, "--only").split(",")));
                case "--results" -> results = Path.of(value(args, ++i, "--results"));
                case "--markdown" -> markdown = Path.of(value(args, ++i, "--markdown"));
                case "--list" -> {
                    for (Scenario s : Suite.all()) {
                        System.out.println(s.name() + "\t" + s.title());
                    }
                    return;
                }
                case "--help", "-h" -> {
                    usage(System.out);
                    return;
                }
                default -> {
                    usage(System.err);
                    System.exit(2);
                }
            }
        }
        if (regenerateOnly) {
            Report.regenerateMarkdown(results, markdown);
            return;
        }
        List<Scenario> selected = new ArrayList<>();
        for (Scenario s : Suite.all()) {
            if (only.isEmpty() ? full || s.inQuickSuite() : only.contains(s.name())) {
                selected.add(s);
            }
        }
        Set<String> unknown = new LinkedHashSet<>(only);
        Suite.all().forEach(s -> unknown.remove(s.name()));
        if (!unknown.isEmpty()) {
            System.err.println("unknown scenario(s): " + unknown + "; --list shows them");
            System.exit(2);
        }
        int failures = run(selected, full, profile, durable, results, markdown);
        System.exit(failures == 0 ? 0 : 1);
    }

    /**
     * Runs scenarios, writes their JSON and regenerates the Markdown.
     *
     * @param scenarios the scenarios, in order
     * @param full      the full suite?
     * @param profile   record a JFR profile of each scenario and add its summary
     * @param durable   run PostgreSQL with {@code fsync = on} (see {@link BenchContext#DURABLE_CONFIG})
     * @param results   the results folder
     * @param markdown  the Markdown file, or null to skip it
     * @return the number of scenarios that failed
     */
    public static int run(List<Scenario> scenarios, boolean full, boolean profile, boolean durable, Path results,
            Path markdown) {
        int failures = 0;
        Map<String, Object> env = Environment.describe();
        long suiteStart = System.nanoTime();
        try (BenchContext ctx = new BenchContext(full, durable)) {
            for (Scenario s : scenarios) {
                LOG.info("=== {} — {} ({})", s.name(), s.title(), full ? "full" : "quick");
                Instant date = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                long t0 = System.nanoTime();
                ScenarioResult result;
                String error = null;
                try {
                    Profiler profiler = profile && !s.name().equals("jmh") ? Profiler.start(results.resolve("tmp"), s.name()) : null;
                    try {
                        result = s.run(ctx);
                        if (profiler != null) {
                            profiler.summarise(result);
                        }
                    } finally {
                        if (profiler != null) {
                            profiler.close();
                        }
                    }
                } catch (Exception | AssertionError e) {
                    LOG.error("scenario {} failed", s.name(), e);
                    failures++;
                    error = e.toString();
                    result = new ScenarioResult(s.name(), s.title());
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> header = new LinkedHashMap<>();
                header.put("suite", (full ? "full" : "quick") + (profile ? " + JFR profile" : "") + (durable ? " + durable (fsync on)" : ""));
                header.put("date", date.toString());
                header.put("durationSeconds", Math.round(secs * 10) / 10.0);
                header.put("environment", env);
                header.put("server", ctx.serverInfoIfKnown());
                if (error != null) {
                    header.put("error", error);
                }
                Path file = Report.writeJson(results, result, header);
                LOG.info("=== {} done in {} s -> {}", s.name(), String.format("%.1f", secs), file);
            }
        }
        if (markdown != null) {
            Report.regenerateMarkdown(results, markdown);
            LOG.info("updated {}", markdown);
        }
        LOG.info("suite finished in {} s, {} failure(s)", String.format("%.1f", (System.nanoTime() - suiteStart) / 1e9),
                failures);
        return failures;
    }

    private static Path defaultResultsDir() {
        return Files.isDirectory(Path.of("benchmarks")) ? Path.of("benchmarks", "results") : Path.of("results");
    }

    private static Path defaultMarkdown() {
        return Files.isDirectory(Path.of("benchmarks")) ? Path.of("BENCHMARKS.md") : Path.of("..", "BENCHMARKS.md");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void usage(PrintStream out) {
        out.println("usage: java -jar sessionfeed-benchmarks.jar [--full] [--only name,name] [--profile] [--durable] [--results DIR] "
                + "[--markdown FILE] | --regenerate (Markdown from the JSON files only) | --list | jmh [JMH options]");
    }
}
