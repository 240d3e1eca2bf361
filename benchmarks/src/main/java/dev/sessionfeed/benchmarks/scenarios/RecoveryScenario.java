package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.FeedClient;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.StatementStats;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 8: the listener's backend is killed ({@code pg_terminate_backend}) while writes go on: time until the
 * feed notices (status leaves live), until it has resynced (listening again and the resync rebuild published), and
 * until every client equals the table.
 */
public final class RecoveryScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryScenario.class);
    private static final int SESSIONS = 200;
    private static final int K = 10;
    private static final double RATE = 50;

    @Override
    public String name() {
        return "recovery";
    }

    @Override
    public String title() {
        return "Recovery after the listener's backend is killed";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_recovery");
        ctx.serverInfo(db);
        Workload.seed(db, SESSIONS, 60);
        Workload wl = new Workload(SESSIONS);
        int kills = ctx.pick(3, 8);
        ScenarioResult.TableBuilder t = r.table("Listener backend killed while " + (int) RATE + " writes/s continue for 1 s, " + K
                        + " clients (ms after the kill)",
                "kill", "status left live", "listening again (new backend)", "resync rebuild done", "status live again",
                "all clients equal DB", "… ms after the last write");
        List<Double> detect = new ArrayList<>();
        List<Double> resync = new ArrayList<>();
        List<Double> converge = new ArrayList<>();
        Map<String, Object> data = new LinkedHashMap<>();
        ExecutorService writerThread = Executors.newSingleThreadExecutor(rn -> {
            Thread th = new Thread(rn, "bench-recovery-writer");
            th.setDaemon(true);
            return th;
        });
        try (Rig rig = Rig.start(db, Rig.options());
             Workload.Writer w = wl.writer(db)) {
            PgNotifyChangeSource source = (PgNotifyChangeSource) rig.source();
            List<FeedClient> clients = rig.connect(K, true, FeedClient.Events.NONE);
            for (int k = 0; k < kills; k++) {
                awaitLive(rig, source, 30_000);
                int pid = source.stats().backendPid();
                long fullBefore = rig.fullRebuilds();
                AtomicBoolean stop = new AtomicBoolean();
                Future<?> writes = writerThread.submit(() -> {
                    OpenLoop.run(RATE, OpenLoop.countFor(RATE, java.time.Duration.ofMillis(1500)), (i, at) -> {
                        if (!stop.get()) {
                            w.write(at);
                        }
                    });
                    return null;
                });
                OpenLoop.parkUntil(System.nanoTime() + 500_000_000L);
                long t0 = System.nanoTime();
                // writes go on for about 1 s after the kill
                terminate(db, pid);
                long left = -1;
                long back = -1;
                long rebuilt = -1;
                long live = -1;
                long deadline = t0 + 60_000_000_000L;
                while (System.nanoTime() < deadline && (left < 0 || back < 0 || rebuilt < 0 || live < 0)) {
                    long now = System.nanoTime();
                    FeedStatus st = rig.feed().status();
                    if (left < 0 && st != FeedStatus.LIVE) {
                        left = now - t0;
                    }
                    int p = source.stats().backendPid();
                    if (back < 0 && p > 0 && p != pid) {
                        back = now - t0;
                    }
                    if (rebuilt < 0 && back >= 0 && rig.fullRebuilds() > fullBefore) {
                        rebuilt = now - t0;
                    }
                    if (live < 0 && left >= 0 && st == FeedStatus.LIVE) {
                        live = now - t0;
                    }
                    OpenLoop.parkUntil(now + 500_000);
                }
                writes.get();
                long lastWrite = System.nanoTime();
                Map<String, Long> expected = Workload.dbState(db);
                long conv = -1;
                long cdeadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < cdeadline) {
                    if (clients.stream().allMatch(c -> c.stateEquals(expected))) {
                        conv = System.nanoTime() - t0;
                        break;
                    }
                    OpenLoop.parkUntil(System.nanoTime() + 1_000_000);
                }
                t.row(k + 1, ms(left), ms(back), ms(rebuilt), ms(live), ms(conv), conv < 0 ? Double.NaN : ms(t0 + conv - lastWrite));
                LOG.info("  kill {}: left live {} ms, back {} ms, resync {} ms, converged {} ms, live {} ms | {}", k + 1, ms(left), ms(back),
                        ms(rebuilt), ms(conv), ms(live), rig.describe());
                detect.add(left < 0 ? Double.NaN : left / 1e6);
                resync.add(rebuilt < 0 ? Double.NaN : rebuilt / 1e6);
                converge.add(conv < 0 ? Double.NaN : conv / 1e6);
                data.put("kill" + (k + 1), Map.of("leftLiveMs", ms(left), "listeningAgainMs", ms(back), "resyncRebuiltMs", ms(rebuilt),
                        "convergedMs", ms(conv), "liveAgainMs", ms(live)));
                stop.set(true);
            }
        } finally {
            writerThread.shutdownNow();
        }
        r.data("kills", data);
        Map<String, Object> c = Stats.spread(converge);
        r.goal("recovers and converges after the listener is killed (no goal figure in the issue)",
                "detect " + Stats.cell(Stats.spread(detect), " ms") + "; resync " + Stats.cell(Stats.spread(resync), " ms")
                        + "; converge " + Stats.cell(c, " ms"),
                !Double.isNaN((Double) c.get("max")) && (int) c.get("blocks") == converge.size(),
                "median (min–max) over the kills; writes continue through the outage");
        r.note("The harness polls the feed's status, the listener's backend pid and the feed's full-rebuild count every 0.5 ms. "
                + "\"Status left live\" is what dashboards are told (`status` frame); \"resync rebuild done\" is the first full rebuild "
                + "after the new LISTEN. Writes that committed while no one listened are recovered by that rebuild. "
                + "Default source settings (poll timeout 500 ms, reconnect backoff from 100 ms).");
        return r;
    }

    private static void awaitLive(Rig rig, PgNotifyChangeSource source, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!(rig.feed().status() == FeedStatus.LIVE && source.stats().backendPid() > 0)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("feed not live within " + timeoutMs + " ms: " + rig.feed().status());
            }
            OpenLoop.parkUntil(System.nanoTime() + 5_000_000);
        }
    }

    private static void terminate(TestDatabase db, int pid) throws Exception {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement(StatementStats.HARNESS + " SELECT pg_terminate_backend(?)")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new IllegalStateException("pg_terminate_backend(" + pid + ") did not terminate the listener");
                }
            }
        }
    }

    private static double ms(long nanos) {
        return nanos < 0 ? Double.NaN : Math.round(nanos / 1e4) / 100.0;
    }

    static String fmt(double v) {
        return Fmt.num(v);
    }
}
