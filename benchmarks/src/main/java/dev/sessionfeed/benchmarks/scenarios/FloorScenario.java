package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Blocks;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.List;
import java.util.Map;

/**
 * The floors: a bare UPDATE commit and NOTIFY delivery to a bare pgjdbc listener, alternated in blocks. Needs only
 * PostgreSQL.
 */
public final class FloorScenario implements Scenario {

    static final double RATE = 100;

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public String title() {
        return "Floor: bare UPDATE commit, NOTIFY to a bare pgjdbc listener";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        TestDatabase db = ctx.newDatabase("bench_floor");
        ctx.serverInfo(db);
        ScenarioResult r = new ScenarioResult(name(), title());
        int rounds = ctx.pick(4, 12);
        int perBlock = OpenLoop.countFor(RATE, ctx.seconds(2, 5));
        try (FloorProbe probe = new FloorProbe(db)) {
            probe.block(false, RATE, 200, false);
            probe.block(true, RATE, 200, false);
            Blocks blocks = new Blocks(List.of("plain", "notify"))
                    .run(rounds, (mode, block) -> probe.block(mode.equals("notify"), RATE, perBlock, true));
            addFloorTable(r, blocks, "plain", "notify", RATE);
            Map<String, Object> ratio = Stats.spread(blocks.ratios("notify", "delivery", "plain", "commit", l -> l.percentileMs(50)));
            r.table("Per-block ratio (same block pair)", "ratio", "median (min–max)", "blocks")
                    .row("NOTIFY delivery p50 / bare commit p50", Stats.cell(ratio, "×"), ratio.get("blocks"));
            r.data("deliveryOverCommitP50", ratio);
        }
        r.note("Open loop at " + (int) RATE + " writes/s, one writer connection in auto-commit, " + rounds
                + " rounds of " + perBlock + " writes per mode (order reversed every other round), after 200 warm-up writes per mode. "
                + "Latency is measured from each write's intended start on one System.nanoTime clock.");
        r.note("The NOTIFY trigger here is a minimal `AFTER UPDATE FOR EACH ROW` plpgsql trigger calling `pg_notify` "
                + "with the row's counter; the listener is a dedicated pgjdbc connection blocked in `getNotifications(250)`.");
        return r;
    }

    static void addFloorTable(ScenarioResult r, Blocks blocks, String plain, String notify, double rate) {
        ScenarioResult.TableBuilder t = r.table("Floor latencies (ms, from intended start, open loop " + (int) rate + "/s)",
                "what", "n", "p50", "p90", "p99", "p99.9", "max");
        row(t, "bare UPDATE commit (no trigger)", blocks.merged(plain, "commit"));
        row(t, "UPDATE commit with row NOTIFY trigger", blocks.merged(notify, "commit"));
        row(t, "NOTIFY delivered to bare pgjdbc listener", blocks.merged(notify, "delivery"));
        r.data("bareCommit", blocks.merged(plain, "commit").summary());
        r.data("notifyCommit", blocks.merged(notify, "commit").summary());
        r.data("notifyDelivery", blocks.merged(notify, "delivery").summary());
    }

    static void row(ScenarioResult.TableBuilder t, String what, Latencies l) {
        t.row(what, l.count(), Latencies.round(l.percentileMs(50)), Latencies.round(l.percentileMs(90)),
                Latencies.round(l.percentileMs(99)), Latencies.round(l.percentileMs(99.9)), Latencies.round(l.maxMs()));
    }
}
