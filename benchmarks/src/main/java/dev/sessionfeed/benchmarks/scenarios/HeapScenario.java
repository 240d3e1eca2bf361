package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 7: server heap per idle, subscribed connection at 0 / 100 / 1,000 connections, with the clients in a
 * separate JVM so that only the server side (endpoint, Jetty, feed) is in the measured heap.
 */
public final class HeapScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(HeapScenario.class);

    @Override
    public String name() {
        return "heap";
    }

    @Override
    public String title() {
        return "Heap per idle connection (server side, incl. Jetty)";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_heap");
        ctx.serverInfo(db);
        Workload.seed(db, 200, 60);
        ScenarioResult.TableBuilder t = r.table("Used heap after full GC (server JVM; clients in a child JVM)",
                "connections", "used heap, KiB", "Δ vs 0, KiB", "per connection, KiB");
        Map<String, Object> data = new LinkedHashMap<>();
        double perConnAt1000 = Double.NaN;
        try (Rig rig = Rig.start(db, Rig.options())) {
            long base = usedAfterGc();
            t.row(0, base / 1024, 0, "");
            data.put("0", base);
            for (int n : List.of(100, 1000)) {
                Process child = startChild(rig, n);
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                    String line;
                    while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                        LOG.debug("child: {}", line);
                    }
                    if (line == null) {
                        throw new IllegalStateException("idle-clients child exited before READY (code " + child.waitFor() + ")");
                    }
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (rig.endpoint().connectionCount() < n && System.nanoTime() < deadline) {
                        OpenLoop.parkUntil(System.nanoTime() + 10_000_000);
                    }
                    long used = usedAfterGc();
                    double per = (used - base) / 1024.0 / n;
                    t.row(n, used / 1024, (used - base) / 1024, Math.round(per * 10) / 10.0);
                    data.put(Integer.toString(n), used);
                    LOG.info("  {} idle connections: {} KiB per connection", n, per);
                    if (n == 1000) {
                        perConnAt1000 = per;
                    }
                } finally {
                    child.getOutputStream().close();
                    if (!child.waitFor(20, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    }
                }
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (rig.endpoint().connectionCount() > 0 && System.nanoTime() < deadline) {
                    OpenLoop.parkUntil(System.nanoTime() + 10_000_000);
                }
            }
        }
        r.data("usedHeapBytes", data);
        r.goal("≤ 64 KB heap per idle connection incl. container (at 1,000)", Fmt.num(perConnAt1000) + " KiB", perConnAt1000 <= 64,
                "(used heap at 1,000 − used heap at 0) ÷ 1,000, after full GC");
        r.note("Clients run in a child JVM (`java -cp <this jar> ... idle-clients`), each subscribed with deltas and then idle. "
                + "Used heap of this JVM is read from the MemoryMXBean after three System.gc() calls; kernel socket buffers are not heap and not included.");
        return r;
    }

    private static Process startChild(Rig rig, int n) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.sessionfeed.benchmarks.BenchmarkMain", "idle-clients", rig.uri().toString(), Integer.toString(n)));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            OpenLoop.parkUntil(System.nanoTime() + 100_000_000L); // pacing between collections
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
