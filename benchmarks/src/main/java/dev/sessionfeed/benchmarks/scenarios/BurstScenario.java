package dev.sessionfeed.benchmarks.scenarios;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Blocks;
import dev.sessionfeed.benchmarks.harness.FeedClient;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 3: a burst of 10,000 updates scheduled within 1 s from 16 writers, with K clients connected: rebuilds,
 * time until every client equals the database, and the writers' throughput with the row trigger, the statement
 * trigger and no trigger (alternated in blocks).
 */
public final class BurstScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(BurstScenario.class);
    private static final int SESSIONS = 1000;
    private static final int WRITERS = 16;
    private static final int UPDATES = 10_000;
    private static final int K = 100;

    @Override
    public String name() {
        return "burst";
    }

    @Override
    public String title() {
        return "Burst: 10,000 updates in 1 s from 16 writers; convergence, rebuilds, trigger tax";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_burst");
        ctx.serverInfo(db);
        Workload.seed(db, SESSIONS, 60);
        Workload wl = new Workload(SESSIONS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS, named("bench-burst-writer"));
        try {
            burst(ctx, r, db, wl, pool);
            TestDatabase db2 = ctx.newDatabase("bench_trigger_tax");
            Workload.seed(db2, SESSIONS, 60);
            triggerTax(ctx, r, db2, new Workload(SESSIONS), pool);
        } finally {
            pool.shutdownNow();
        }
        return r;
    }

    private void burst(BenchContext ctx, ScenarioResult r, TestDatabase db, Workload wl, ExecutorService pool) throws Exception {
        int bursts = ctx.pick(1, 5);
        ScenarioResult.TableBuilder t = r.table("Bursts of " + UPDATES + " single-row updates scheduled evenly over 1 s from "
                        + WRITERS + " writers (open loop), first with 1 client, then " + K + " clients on deltas; row trigger",
                "burst", "writes done in s", "commit p50 ms", "commit p99 ms", "rebuilds", "signals", "last commit → all clients equal DB, ms",
                "first client equal, ms", "client frames per client", "KiB parsed per client");
        List<Double> convergence = new ArrayList<>();
        Latencies rebuildTimes = new Latencies();
        Map<String, Object> data = new LinkedHashMap<>();
        try (Rig rig = Rig.start(db, Rig.options())) {
            List<FeedClient> clients = new java.util.ArrayList<>(rig.connect(1, true, FeedClient.Events.NONE));
            // warm-up burst, not reported
            runBurst(db, wl, pool, UPDATES / 5);
            awaitConverged(db, clients, 30_000);
            // First with one client (the server side alone), then with K (the clients parse in this JVM too).
            for (int b = 0; b < bursts + 1; b++) {
                if (b == 1) {
                    clients.addAll(rig.connect(K - 1, true, FeedClient.Events.NONE));
                }
                int k = clients.size();
                long rebuilds0 = rig.rebuilds();
                long signals0 = rig.signals();
                long frames0 = clients.stream().mapToLong(FeedClient::frames).sum();
                long bytes0 = clients.stream().mapToLong(FeedClient::bytes).sum();
                BurstRun br = runBurst(db, wl, pool, UPDATES);
                Map<String, Long> expected = Workload.dbState(db);
                long[] conv = awaitConverged(expected, clients, br.lastCommitNanos, 30_000);
                double all = conv[1] / 1e6;
                double first = conv[0] / 1e6;
                if (k == K) {
                    convergence.add(all);
                }
                long rebuilds = rig.rebuilds() - rebuilds0;
                long frames = clients.stream().mapToLong(FeedClient::frames).sum() - frames0;
                long kib = (clients.stream().mapToLong(FeedClient::bytes).sum() - bytes0) / 1024 / k;
                t.row(b + 1 + " (K=" + k + ")", Latencies.round(br.seconds), Latencies.round(br.commit.percentileMs(50)), Latencies.round(br.commit.percentileMs(99)),
                        rebuilds, rig.signals() - signals0, Latencies.round(all), Latencies.round(first), Math.round(frames / (double) k), kib);
                LOG.info("  burst {}: {} s, rebuilds {}, converged all after {} ms | {}", b + 1, br.seconds, rebuilds, all, rig.describe());
                data.put("burst" + (b + 1) + "_K" + k, Map.of("seconds", br.seconds, "rebuilds", rebuilds, "convergedAllMs", all,
                        "commit", br.commit.summary()));
            }
            rebuildTimes.add(rig.rebuildTimes());
        }
        r.data("rebuildTimes", rebuildTimes.summary());
        Map<String, Object> conv = Stats.spread(convergence);
        double worst = (Double) conv.get("max");
        r.goal("after a burst, every client equals the DB within 100 ms (K=" + K + ")", "median " + Fmt.num((Double) conv.get("median"))
                + " ms, worst " + Fmt.num(worst) + " ms over " + convergence.size() + " burst(s)", worst <= 100,
                "measured from the last writer's commit; checked every 2 ms against a read of the table");
        r.data("bursts", data);
        r.note("Convergence is measured from the last writer's commit returning to the moment each client's state (messageCount "
                + "by session id, applied from the frames it received) equals a fresh read of the table; clients are compared every 2 ms.");
    }

    private record BurstRun(double seconds, Latencies commit, long lastCommitNanos) {
    }

    private BurstRun runBurst(TestDatabase db, Workload wl, ExecutorService pool, int updates) throws Exception {
        int perWriter = updates / WRITERS;
        Latencies commit = new Latencies();
        AtomicLong lastCommit = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(WRITERS);
        long[] start = new long[1];
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        double rate = perWriter; // each writer: perWriter updates within 1 s
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            fs.add(pool.submit(() -> {
                try (Workload.Writer wr = wl.writer(db)) {
                    ready.countDown();
                    go.await();
                    long offset = (long) (1e9 / rate / WRITERS * writer);
                    OpenLoop.parkUntil(start[0] + offset);
                    OpenLoop.run(rate, perWriter, (i, t) -> {
                        int session = 1 + (writer * perWriter + i) % SESSIONS;
                        wr.write(Workload.sessionId(session), t);
                        long now = System.nanoTime();
                        commit.record(now - t);
                        lastCommit.accumulateAndGet(now, Math::max);
                    });
                }
                return null;
            }));
        }
        ready.await();
        start[0] = System.nanoTime() + 20_000_000;
        go.countDown();
        for (Future<?> f : fs) {
            f.get();
        }
        return new BurstRun((lastCommit.get() - start[0]) / 1e9, commit, lastCommit.get());
    }

    private static void awaitConverged(TestDatabase db, List<FeedClient> clients, long timeoutMs) throws InterruptedException {
        awaitConverged(Workload.dbState(db), clients, System.nanoTime(), timeoutMs);
    }

    /** @return {first client equal, all clients equal} in nanos after {@code fromNanos} */
    private static long[] awaitConverged(Map<String, Long> expected, List<FeedClient> clients, long fromNanos, long timeoutMs)
            throws InterruptedException {
        List<FeedClient> pending = new ArrayList<>(clients);
        long first = -1;
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!pending.isEmpty()) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException(pending.size() + " of " + clients.size() + " clients did not converge within "
                        + timeoutMs + " ms");
            }
            boolean any = pending.removeIf(c -> c.stateEquals(expected));
            if (any && first < 0) {
                first = now - fromNanos;
            }
            if (!pending.isEmpty()) {
                OpenLoop.parkUntil(now + 2_000_000);
            }
        }
        return new long[] {first, System.nanoTime() - fromNanos};
    }

    private void triggerTax(BenchContext ctx, ScenarioResult r, TestDatabase db, Workload wl, ExecutorService pool) throws Exception {
        int perWriter = ctx.pick(150, 1000);
        int rounds = ctx.pick(3, 6);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong notifications = new AtomicLong();
        Map<String, List<Double>> tput = new LinkedHashMap<>();
        Blocks blocks = new Blocks(List.of("no trigger", "row trigger", "statement trigger"));
        try (HikariDataSource ds = Rig.pool(db, 2, "bench-trigger");
             Connection listener = db.connect()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN " + PgTriggerInstaller.DEFAULT_CHANNEL);
            }
            Thread drain = new Thread(() -> {
                try {
                    PGConnection pg = listener.unwrap(PGConnection.class);
                    while (!stop.get()) {
                        org.postgresql.PGNotification[] ns = pg.getNotifications(200);
                        if (ns != null) {
                            notifications.addAndGet(ns.length);
                        }
                    }
                } catch (SQLException e) {
                    if (!stop.get()) {
                        LOG.error("trigger-tax listener failed", e);
                    }
                }
            }, "bench-trigger-listener");
            drain.setDaemon(true);
            drain.start();
            PgTriggerInstaller row = PgTriggerInstaller.builder().mode(PgTriggerInstaller.Mode.ROW).build();
            PgTriggerInstaller statement = PgTriggerInstaller.builder().mode(PgTriggerInstaller.Mode.STATEMENT).build();
            blocks.run(rounds, (mode, b) -> {
                row.uninstall(ds);
                statement.uninstall(ds);
                if (mode.equals("row trigger")) {
                    row.install(ds);
                } else if (mode.equals("statement trigger")) {
                    statement.install(ds);
                }
                Latencies commit = new Latencies();
                AtomicInteger done = new AtomicInteger();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> fs = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    fs.add(pool.submit(() -> {
                        try (Workload.Writer wr = wl.writer(db)) {
                            go.await();
                            for (int i = 0; i < perWriter; i++) {
                                long t0 = System.nanoTime();
                                wr.write(Workload.sessionId(1 + (writer * perWriter + i) % SESSIONS), t0);
                                commit.recordSince(t0);
                                done.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                long t0 = System.nanoTime();
                go.countDown();
                for (Future<?> f : fs) {
                    f.get();
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                double ups = done.get() / secs;
                tput.computeIfAbsent(mode, k -> new ArrayList<>()).add(ups);
                LOG.info("  {}: {} updates/s", mode, Math.round(ups));
                return Map.of("commit", commit);
            });
            row.uninstall(ds);
            statement.uninstall(ds);
            stop.set(true);
            drain.join(2000);
        }
        ScenarioResult.TableBuilder t = r.table("Writers' throughput: " + WRITERS + " writers, closed loop, " + perWriter
                        + " single-row auto-commit updates each per block, " + rounds + " rounds; a bare listener LISTENs on the channel",
                "mode", "updates/s (median of blocks)", "min–max", "commit p50 ms", "commit p99 ms", "÷ no trigger (per block, median (min–max))");
        for (String mode : tput.keySet()) {
            Map<String, Object> s = Stats.spread(tput.get(mode));
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < tput.get(mode).size(); i++) {
                ratios.add(tput.get(mode).get(i) / tput.get("no trigger").get(i));
            }
            Latencies c = blocks.merged(mode, "commit");
            t.row(mode, Math.round((Double) s.get("median")), Fmt.num((Double) s.get("min")) + "–" + Fmt.num((Double) s.get("max")),
                    Latencies.round(c.percentileMs(50)), Latencies.round(c.percentileMs(99)), Stats.cell(Stats.spread(ratios), "×"));
        }
        r.data("triggerThroughput", tput);
        r.data("notificationsReceived", notifications.get());
        r.note("Trigger tax: with a listener present, each committing transaction that sent NOTIFY takes PostgreSQL's global "
                + "notify-queue lock at commit, so committing writers serialise there. The row trigger sends one notification per "
                + "changed row, the statement trigger one per statement (here the same, since every statement changes one row).");
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
