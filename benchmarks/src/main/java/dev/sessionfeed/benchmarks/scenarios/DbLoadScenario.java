package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.StatementStats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 2: statements per minute that reach PostgreSQL, idle and at 0.1 / 1 / 10 / 100 writes/s, from
 * {@code pg_stat_statements}: the NOTIFY feed, the 1 s polling feed (both measured, side by side on two databases
 * receiving the same writes at the same time), and the original plan's per-browser polling (computed from the
 * measured statements of one full fetch).
 */
public final class DbLoadScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(DbLoadScenario.class);
    private static final int SESSIONS = 200;
    private static final int K = 100;

    @Override
    public String name() {
        return "dbload";
    }

    @Override
    public String title() {
        return "DB load: statements per minute, idle and under writes, vs polling 1 s and per-browser polling";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase dbN = ctx.newDatabase("bench_load_notify");
        TestDatabase dbP = ctx.newDatabase("bench_load_poll");
        ctx.serverInfo(dbN);
        Workload.seed(dbN, SESSIONS, 60);
        Workload.seed(dbP, SESSIONS, 60);
        StatementStats statsN = new StatementStats(dbN);
        StatementStats statsP = new StatementStats(dbP);

        // Statements of one full fetch (the original plan's GET per browser), measured.
        double perFetch;
        Map<String, Long> fetchStatements;
        try (com.zaxxer.hikari.HikariDataSource fetchPool = Rig.pool(dbP, 2, "bench-fetch")) {
            JdbcSnapshotBuilder fetcher = JdbcSnapshotBuilder.builder(fetchPool).build();
            fetcher.buildFull();
            statsP.reset();
            int fetches = 20;
            for (int i = 0; i < fetches; i++) {
                fetcher.buildFull();
            }
            fetchStatements = statsP.libraryCalls();
            perFetch = sum(fetchStatements) / (double) fetches;
        }
        LOG.info("one full fetch = {} statements", perFetch);

        List<double[]> windows = List.of(
                new double[] {0, ctx.pick(8, 60)},
                new double[] {0.1, ctx.pick(10, 60)},
                new double[] {1, ctx.pick(5, 30)},
                new double[] {10, ctx.pick(5, 30)},
                new double[] {100, ctx.pick(5, 30)});
        Workload wl = new Workload(SESSIONS);
        ScenarioResult.TableBuilder t = r.table("Statements per minute reaching PostgreSQL (pg_stat_statements; writers' own UPDATEs excluded), K = " + K + " admins",
                "writes/s", "window s", "NOTIFY feed: all", "NOTIFY: rebuild reads", "NOTIFY: listener (LISTEN, probe, queue check)",
                "NOTIFY: other", "NOTIFY: rebuilds/min", "polling 1 s feed: all", "polling: detection", "polling: rebuild reads", "per-browser 30 s, K=" + K + " (computed)");
        Map<String, Object> data = new LinkedHashMap<>();
        long idleRebuildStatements = -1;
        long idleRebuilds = -1;
        ExecutorService pollWriter = Executors.newSingleThreadExecutor(r2 -> {
            Thread th = new Thread(r2, "bench-dbload-writer-2");
            th.setDaemon(true);
            return th;
        });
        try (Rig push = Rig.start(dbN, Rig.options());
             Rig poll = Rig.start(dbP, Rig.options().source(Rig.Source.POLLING_1S));
             Workload.Writer wN = wl.writer(dbN);
             Workload.Writer wP = wl.writer(dbP)) {
            push.connect(K, true, wl.events());
            poll.connect(K, true, wl.events());
            // settle: initial reads and the first poll done
            OpenLoop.parkUntil(System.nanoTime() + 2_000_000_000L);
            for (double[] w : windows) {
                double rate = w[0];
                Duration window = Duration.ofMillis((long) (w[1] * 1000));
                statsN.reset();
                statsP.reset();
                long rebuilds0 = push.rebuilds();
                long pollRebuilds0 = poll.rebuilds();
                long t0 = System.nanoTime();
                if (rate == 0) {
                    OpenLoop.parkUntil(t0 + window.toNanos());
                } else {
                    int writes = OpenLoop.countFor(rate, window);
                    // The same writes, at the same times, to both databases.
                    Future<?> other = pollWriter.submit(() -> {
                        OpenLoop.run(rate, writes, (i, at) -> wP.write(at));
                        return null;
                    });
                    OpenLoop.run(rate, writes, (i, at) -> wN.write(at));
                    other.get();
                    OpenLoop.parkUntil(Math.max(System.nanoTime(), t0 + window.toNanos()));
                }
                // let the last change's rebuild finish before counting
                OpenLoop.parkUntil(System.nanoTime() + 300_000_000L);
                double minutes = (System.nanoTime() - t0) / 60e9;
                Map<String, Long> n = statsN.libraryCalls();
                Map<String, Long> p = statsP.libraryCalls();
                long nAll = sum(n);
                long nListener = sumWhere(n, DbLoadScenario::isListener);
                long nRebuild = sumWhere(n, DbLoadScenario::isRebuild);
                long nOther = nAll - nListener - nRebuild;
                long pAll = sum(p);
                long pDetect = sumWhere(p, DbLoadScenario::isDetection);
                long pRebuild = sumWhere(p, DbLoadScenario::isRebuild);
                long rebuilds = push.rebuilds() - rebuilds0;
                double perBrowser = K * perFetch * 2; // every browser fetches twice a minute
                t.row(rate == 0 ? "idle" : Fmt.num(rate), Fmt.num(minutes * 60), perMin(nAll, minutes), perMin(nRebuild, minutes),
                        perMin(nListener, minutes), perMin(nOther, minutes), perMin(rebuilds, minutes), perMin(pAll, minutes), perMin(pDetect, minutes),
                        perMin(pRebuild, minutes), Math.round(perBrowser));
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("seconds", minutes * 60);
                d.put("notifyStatements", n);
                d.put("pollingStatements", p);
                d.put("notifyRebuilds", rebuilds);
                d.put("pollingRebuilds", poll.rebuilds() - pollRebuilds0);
                data.put(rate == 0 ? "idle" : "rate" + rate, d);
                LOG.info("  rate {}: notify {} stmts ({} rebuild, {} listener, {} rebuilds), polling {} stmts ({} detection)",
                        rate, nAll, nRebuild, nListener, rebuilds, pAll, pDetect);
                if (rate == 0) {
                    idleRebuildStatements = nRebuild;
                    idleRebuilds = rebuilds;
                }
            }
            // ≤ 1 rebuild at a time whatever K: rebuilds for the same 100/s writes with 1 and with K clients.
            Map<Integer, Long> byK = new LinkedHashMap<>();
            for (int k : new int[] {K, 1}) {
                if (k == 1) {
                    push.disconnect(List.copyOf(push.clients().subList(1, push.clients().size())));
                }
                int writes = OpenLoop.countFor(100, ctx.seconds(3, 15));
                long before = push.rebuilds();
                OpenLoop.run(100, writes, (i, tt) -> wN.write(tt));
                OpenLoop.parkUntil(System.nanoTime() + 300_000_000L);
                byK.put(k, push.rebuilds() - before);
                LOG.info("  K={}: {} rebuilds for {} writes", k, byK.get(k), writes);
            }
            r.table("Rebuilds for the same " + OpenLoop.countFor(100, ctx.seconds(3, 15)) + " writes at 100/s, by number of clients",
                    "K clients", "rebuilds", "writes")
                    .row(K, byK.get(K), OpenLoop.countFor(100, ctx.seconds(3, 15)))
                    .row(1, byK.get(1), OpenLoop.countFor(100, ctx.seconds(3, 15)));
            data.put("rebuildsByK", byK);
            long kRebuilds = byK.get(K);
            long oneRebuilds = byK.get(1);
            r.goal("0 rebuild queries while idle", idleRebuildStatements + " rebuild statements, " + idleRebuilds + " rebuilds in "
                    + Fmt.num(windows.get(0)[1]) + " s", idleRebuildStatements == 0 && idleRebuilds == 0,
                    "idle statements are the listener's liveness probe and queue check only");
            r.goal("≤ 1 rebuild per coalescing window whatever K", "K=" + K + ": " + kRebuilds + ", K=1: " + oneRebuilds
                            + " rebuilds for the same writes",
                    kRebuilds <= (long) (oneRebuilds * 1.2) + 5,
                    "coalesce window 0: one rebuild at a time, signals that arrive during a rebuild merge into the next; rebuilds never depend on K");
        } finally {
            pollWriter.shutdownNow();
        }
        r.data("statementsPerFetch", perFetch);
        r.data("fetchStatements", fetchStatements);
        r.data("windows", data);
        r.note("Statements counted by `pg_stat_statements` per database (`track = top`, utility statements such as BEGIN "
                + "included; a rebuild read by `JdbcSnapshotBuilder` is one statement; \"other\" is connection setup such as `SET application_name` of a new pooled connection). The benchmark's own statements carry a marker comment and are excluded. "
                + "The NOTIFY feed and the 1 s polling feed ran at the same time on two databases of one server, receiving the same "
                + "open-loop writes; each had " + K + " WebSocket clients. Rates are extrapolated to a minute from the window shown.");
        r.note("Per-browser polling (the original plan): every admin's browser fetches the full list every 30 s; one fetch was "
                + "measured as " + Fmt.num(perFetch) + " statements (`JdbcSnapshotBuilder.buildFull()`), so K admins cost K × "
                + Fmt.num(perFetch) + " × 2 statements per minute, whether anything changed or not.");
        return r;
    }

    static boolean isListener(String sql) {
        String s = sql.toLowerCase(java.util.Locale.ROOT);
        return s.contains("pg_notify") || s.startsWith("listen") || s.startsWith("unlisten") || s.contains("pg_notification_queue_usage")
                || s.contains("pg_is_in_recovery") || s.contains("pg_backend_pid");
    }

    static boolean isRebuild(String sql) {
        return sql.equals("BEGIN") || sql.equals("COMMIT") || sql.startsWith("SET TRANSACTION")
                || ((sql.startsWith("SELECT") || sql.startsWith("WITH")) && !isListener(sql) && !isDetection(sql));
    }

    static boolean isDetection(String sql) {
        return sql.contains("sum(CAST(extract(epoch FROM");
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    private static long sumWhere(Map<String, Long> m, java.util.function.Predicate<String> p) {
        return m.entrySet().stream().filter(e -> p.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private static double perMin(long count, double minutes) {
        return Math.round(count / minutes * 10) / 10.0;
    }
}
