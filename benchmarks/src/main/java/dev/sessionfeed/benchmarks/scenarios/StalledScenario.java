package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Blocks;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.StalledSocket;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.testkit.TestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 6: one stalled client among 100: the others' latency with and without it (alternated in blocks), the
 * server's heap while it is stalled, and when the server closes it.
 */
public final class StalledScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(StalledScenario.class);
    private static final int SESSIONS = 200;
    private static final int K = 100;
    private static final double RATE = 50;

    /** The largest Send-Q of the server's sockets on {@code port}, from {@code ss}; -1 when ss is not available. */
    private static long maxSendQueue(int port) {
        try {
            Process p = new ProcessBuilder("ss", "-tnH", "sport = :" + port).redirectErrorStream(true).start();
            long max = 0;
            for (String line : new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[2].matches("\\d+")) {
                    max = Math.max(max, Long.parseLong(f[2]));
                }
            }
            p.waitFor();
            return max;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public String name() {
        return "stalled";
    }

    @Override
    public String title() {
        return "One stalled client among 100";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_stalled");
        ctx.serverInfo(db);
        Workload.seed(db, SESSIONS, 300);
        Workload wl = new Workload(SESSIONS);
        Duration grace = Duration.ofSeconds(ctx.pick(4, 10));
        int rounds = ctx.pick(2, 6);
        int writes = OpenLoop.countFor(RATE, ctx.seconds(3, 8));
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        Map<String, Object> data = new LinkedHashMap<>();
        try (Rig rig = Rig.start(db, Rig.options().webSocket(b -> b.slowClientGrace(grace)));
             Workload.Writer w = wl.writer(db)) {
            rig.connect(K, true, wl.events());
            wl.newSink();
            OpenLoop.run(RATE, 100, (i, at) -> w.write(at));
            Blocks blocks = new Blocks(List.of("without stalled client", "with stalled client"));
            blocks.run(rounds, (mode, b) -> {
                StalledSocket stalled = null;
                if (mode.startsWith("with ")) {
                    stalled = StalledSocket.open(rig.uri());
                }
                Latencies l = wl.newSink();
                OpenLoop.run(RATE, writes, (i, at) -> w.write(at));
                long expected = (long) writes * K;
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (l.count() < expected && System.nanoTime() < deadline) {
                    OpenLoop.parkUntil(System.nanoTime() + 2_000_000);
                }
                if (stalled != null) {
                    stalled.close();
                }
                // Only the K normal clients record: the stalled one has no events.
                return Map.of("delivery", l);
            });
            Latencies without = blocks.merged("without stalled client", "delivery");
            Latencies with = blocks.merged("with stalled client", "delivery");
            ScenarioResult.TableBuilder t = r.table("The other " + K + " clients' latency (ms), " + (int) RATE + " writes/s, " + rounds + " rounds",
                    "mode", "n", "p50", "p90", "p99", "p99.9", "max");
            FloorScenario.row(t, "without stalled client", without);
            FloorScenario.row(t, "with one stalled client", with);
            Map<String, Object> p99 = Stats.spread(blocks.ratios("with stalled client", "delivery", "without stalled client", "delivery",
                    l -> l.percentileMs(99)));
            Map<String, Object> p50 = Stats.spread(blocks.ratios("with stalled client", "delivery", "without stalled client", "delivery",
                    l -> l.percentileMs(50)));
            r.table("Per-block ratio with ÷ without", "statistic", "median (min–max)")
                    .row("p50", Stats.cell(p50, "×"))
                    .row("p99", Stats.cell(p99, "×"));
            double ratio = (Double) p99.get("median");
            r.goal("others' p99 with a stalled client ≤ 1.2× without", Stats.cell(p99, "×"), ratio <= 1.2,
                    "per-block ratio of the other clients' p99");

            // Memory and closing: one stalled client held until the server gives up on it.
            System.gc();
            long heap0 = mem.getHeapMemoryUsage().getUsed();
            int before = rig.endpoint().connectionCount();
            StalledSocket stalled = StalledSocket.open(rig.uri());
            long t0 = System.nanoTime();
            long maxHeapDelta = 0;
            int i = 0;
            // The server's close frame cannot reach a client that does not read: watch the server's connection count.
            long maxSendQ = 0;
            long nextSample = 0;
            double fastRate = 200;
            long holdNanos = ctx.seconds(12, 60).toNanos();
            while (rig.endpoint().connectionCount() > before && System.nanoTime() - t0 < holdNanos) {
                w.write(System.nanoTime());
                if (++i % 100 == 0) {
                    System.gc();
                    maxHeapDelta = Math.max(maxHeapDelta, mem.getHeapMemoryUsage().getUsed() - heap0);
                }
                if (System.nanoTime() > nextSample) {
                    maxSendQ = Math.max(maxSendQ, maxSendQueue(rig.uri().getPort()));
                    nextSample = System.nanoTime() + 250_000_000L;
                }
                OpenLoop.parkUntil(System.nanoTime() + (long) (1e9 / fastRate));
            }
            double closedAfter = (System.nanoTime() - t0) / 1e9;
            boolean closedByServer = rig.endpoint().connectionCount() <= before;

            r.table("A stalled full-list client held until the server acts (slowClientGrace = " + grace.toSeconds() + " s)",
                    "writes while stalled (200/s)", "closed by server after s", "max kernel send queue to it, KiB",
                    "max heap growth after GC, KiB")
                    .row(i, closedByServer ? Latencies.round(closedAfter) : "not closed within " + (holdNanos / 1_000_000_000L) + " s",
                            maxSendQ < 0 ? "n/a" : Math.round(maxSendQ / 1024.0), Math.round(maxHeapDelta / 1024.0));
            data.put("maxKernelSendQueueBytes", maxSendQ);
            data.put("stalledClosedAfterS", closedByServer ? closedAfter : null);
            data.put("maxHeapGrowthBytes", maxHeapDelta);
            r.goal("stalled client's memory bounded", "heap growth ≤ " + Fmt.num(maxHeapDelta / 1024.0) + " KiB over " + i
                            + " writes; " + (closedByServer ? "closed by the server after " + Fmt.num(closedAfter) + " s" : "not closed"),
                    closedByServer && maxHeapDelta < 16L * 1024 * 1024,
                    closedByServer ? "one send in flight plus the conflated latest state; the kernel's send buffer (up to "
                            + Math.round(maxSendQ / 1024.0) + " KiB seen) fills before the grace period starts" : "not closed: see note");
            stalled.close();
        }
        r.data("stall", data);
        r.note("The stalled client is a raw TCP socket with a 4 KiB receive buffer that completes the WebSocket handshake, "
                + "subscribes without deltas (a full list per change, " + SESSIONS + " sessions) and never reads again, like a hung "
                + "browser tab; the server's send to it stays in flight. Heap is the benchmark "
                + "JVM's used heap after System.gc(), relative to just before the stalled client connected; clients and server "
                + "share that heap, so the figure is an upper bound for the server side.");
        return r;
    }
}
