package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Blocks;
import dev.sessionfeed.benchmarks.harness.FeedClient;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.StatementStats;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.pg.PgLogicalChangeSource;
import dev.sessionfeed.pg.PgPublicationInstaller;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 16: the trigger-free logical source against the NOTIFY source. Four parts, each in alternating blocks:
 * the writers' tax (16 closed-loop writers: no trigger, row trigger + listener, logical source streaming), latency
 * at K = 1 and K = 100 (NOTIFY feed, logical feed, and the floors: bare commit, NOTIFY to a bare listener, an
 * Update read from a bare replication stream), DB load (statements per change from {@code pg_stat_statements}) and
 * recovery (walsender killed, publication dropped and recreated, PostgreSQL restarted). Writers commit with
 * {@code synchronous_commit = on} in every part (a walsender sends only flushed WAL; the embedded server's default
 * is off), so run with {@code --durable} for production-like commits.
 */
public final class LogicalScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(LogicalScenario.class);
    private static final int SESSIONS = 200;
    private static final int WRITERS = 16;
    private static final double RATE = 100;

    @Override
    public String name() {
        return "logical";
    }

    @Override
    public String title() {
        return "Logical replication source vs NOTIFY: writers' tax, latency with floors, DB load, recovery";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase dbN = ctx.newDatabase("bench_lg_notify");
        TestDatabase dbL = ctx.newDatabase("bench_lg_logical");
        TestDatabase dbF = ctx.newDatabase("bench_lg_floor");
        TestDatabase dbT = ctx.newDatabase("bench_lg_tax");
        ctx.serverInfo(dbN);
        for (TestDatabase db : List.of(dbN, dbL, dbF, dbT)) {
            // Every connection of the part (writers, feeds, floors) commits synchronously; see the class comment.
            db.execute("ALTER DATABASE " + db.databaseName() + " SET synchronous_commit = on");
        }
        Workload.seed(dbN, SESSIONS, 60);
        Workload.seed(dbL, SESSIONS, 60);
        Workload.seed(dbT, 1000, 60);
        writersTax(ctx, r, dbT);
        latencyAndLoad(ctx, r, dbN, dbL, dbF);
        recovery(ctx, r, dbL);
        r.note("Writers commit with synchronous_commit = on in every part (SET per connection): a WAL sender only sends WAL "
                + "that was flushed, so with the embedded server's default (off) the logical source would wait for the WAL "
                + "writer (wal_writer_delay, 200 ms). With fsync = off (the quick default) a flush costs no disk wait; "
                + "--durable turns fsync, full_page_writes and synchronous_commit on for the whole server.");
        return r;
    }

    private static Workload.Writer syncWriter(Workload wl, TestDatabase db) throws SQLException {
        Workload.Writer w = wl.writer(db);
        try (Statement st = w.connection().createStatement()) {
            st.execute(StatementStats.WRITER + " SET synchronous_commit = on");
        }
        return w;
    }

    // ---- writers' tax ------------------------------------------------------------------------------------------

    private void writersTax(BenchContext ctx, ScenarioResult r, TestDatabase db) throws Exception {
        int perWriter = ctx.pick(150, 1000);
        int rounds = ctx.pick(3, 6);
        Workload wl = new Workload(1000);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        Map<String, List<Double>> tput = new LinkedHashMap<>();
        Blocks blocks = new Blocks(List.of("no trigger", "row trigger + NOTIFY feed", "logical source"));
        PgTriggerInstaller row = PgTriggerInstaller.defaults();
        PgPublicationInstaller pub = PgPublicationInstaller.defaults();
        AtomicBoolean stop = new AtomicBoolean();
        try (Connection listener = db.connect()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN " + PgTriggerInstaller.DEFAULT_CHANNEL);
            }
            Thread drain = new Thread(() -> {
                try {
                    PGConnection pg = listener.unwrap(PGConnection.class);
                    while (!stop.get()) {
                        pg.getNotifications(200);
                    }
                } catch (SQLException e) {
                    if (!stop.get()) {
                        LOG.error("tax listener failed", e);
                    }
                }
            }, "bench-lg-listener");
            drain.setDaemon(true);
            drain.start();
            blocks.run(rounds, (mode, b) -> {
                row.uninstall(db.dataSource());
                pub.uninstall(db.dataSource());
                SessionFeed feed = null;
                PgLogicalChangeSource source = null;
                if (mode.equals("row trigger + NOTIFY feed")) {
                    row.install(db.dataSource());
                    // The whole NOTIFY feed, as a host runs it: the listener and a by-id read per change (coalesced).
                    feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(),
                            dev.sessionfeed.pg.PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password()).build()).build();
                    feed.start();
                    SessionFeed f = feed;
                    awaitTrue(() -> f.status() == FeedStatus.LIVE, 30_000, "NOTIFY feed live");
                } else if (mode.equals("logical source")) {
                    pub.install(db.dataSource());
                    source = PgLogicalChangeSource.builder(db.jdbcUrl(), db.user(), db.password()).build();
                    feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source).build();
                    feed.start();
                    PgLogicalChangeSource s = source;
                    awaitTrue(() -> s.status() == FeedStatus.LIVE, 30_000, "logical source live");
                }
                try {
                    Latencies commit = new Latencies();
                    AtomicInteger done = new AtomicInteger();
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<?>> fs = new ArrayList<>();
                    for (int w = 0; w < WRITERS; w++) {
                        int writer = w;
                        fs.add(pool.submit(() -> {
                            try (Workload.Writer wr = syncWriter(wl, db)) {
                                go.await();
                                for (int i = 0; i < perWriter; i++) {
                                    long t0 = System.nanoTime();
                                    wr.write(Workload.sessionId(1 + (writer * perWriter + i) % 1000), t0);
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
                    double ups = done.get() / ((System.nanoTime() - t0) / 1e9);
                    tput.computeIfAbsent(mode, k -> new ArrayList<>()).add(ups);
                    LOG.info("  tax {}: {} updates/s", mode, Math.round(ups));
                    return Map.of("commit", commit);
                } finally {
                    if (feed != null) {
                        feed.close();
                    }
                }
            });
            row.uninstall(db.dataSource());
            pub.uninstall(db.dataSource());
            stop.set(true);
            drain.join(2000);
        } finally {
            pool.shutdownNow();
        }
        ScenarioResult.TableBuilder t = r.table("Writers' tax: " + WRITERS + " writers, closed loop, " + perWriter
                        + " single-row auto-commit updates each per block (synchronous_commit = on), " + rounds + " rounds; "
                        + "each source runs its whole feed (NOTIFY: listener + by-id reads; logical: walsender + rows applied)",
                "mode", "updates/s (median of blocks)", "min–max", "commit p50 ms", "commit p99 ms", "÷ no trigger (per block)");
        Map<String, Object> logicalRatio = null;
        for (String mode : tput.keySet()) {
            Map<String, Object> s = Stats.spread(tput.get(mode));
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < tput.get(mode).size(); i++) {
                ratios.add(tput.get(mode).get(i) / tput.get("no trigger").get(i));
            }
            Map<String, Object> ratio = Stats.spread(ratios);
            if (mode.equals("logical source")) {
                logicalRatio = ratio;
            }
            Latencies c = blocks.merged(mode, "commit");
            t.row(mode, Math.round((Double) s.get("median")), Fmt.num((Double) s.get("min")) + "–" + Fmt.num((Double) s.get("max")),
                    Latencies.round(c.percentileMs(50)), Latencies.round(c.percentileMs(99)), Stats.cell(ratio, "×"));
        }
        r.data("taxThroughput", tput);
        double lr = logicalRatio == null ? 0 : (Double) logicalRatio.get("median");
        r.goal("writers with the logical source ≥ 0.9× of no trigger (" + (ctx.durable() ? "durable" : "fsync off") + ")",
                Stats.cell(logicalRatio, "×"), lr >= 0.9, "per-block ratio, median (min–max)");
    }

    // ---- latency and DB load -----------------------------------------------------------------------------------

    private void latencyAndLoad(BenchContext ctx, ScenarioResult r, TestDatabase dbN, TestDatabase dbL, TestDatabase dbF)
            throws Exception {
        Workload wl = new Workload(SESSIONS);
        Duration block = ctx.seconds(3, 10);
        int rounds = ctx.pick(3, 6);
        int writes = OpenLoop.countFor(RATE, block);
        try (Rig notify = Rig.start(dbN, Rig.options());
             Rig logical = Rig.start(dbL, Rig.options().source(Rig.Source.LOGICAL));
             FloorProbe floor = new FloorProbe(dbF);
             ReplicationFloorProbe replFloor = new ReplicationFloorProbe(dbF);
             Workload.Writer wN = syncWriter(wl, dbN);
             Workload.Writer wL = syncWriter(wl, dbL)) {
            awaitTrue(() -> logical.source().status() == FeedStatus.LIVE, 30_000, "logical rig live");
            notify.connect(1, true, wl.events());
            logical.connect(1, true, wl.events());
            // Warm-up.
            wl.newSink();
            OpenLoop.run(100, 200, (i, t) -> wN.write(t));
            OpenLoop.run(100, 200, (i, t) -> wL.write(t));
            floor.block(true, 100, 100, false);
            replFloor.block(100, 100, false);
            Map<String, Object> data = new LinkedHashMap<>();
            for (int k : new int[] {1, 100}) {
                notify.connect(k - notify.clients().size(), true, wl.events());
                logical.connect(k - logical.clients().size(), true, wl.events());
                StatementStats loadN = new StatementStats(dbN);
                StatementStats loadL = new StatementStats(dbL);
                Map<String, Long> stmtsN = new LinkedHashMap<>();
                Map<String, Long> stmtsL = new LinkedHashMap<>();
                long[] writesN = {0};
                long[] writesL = {0};
                Blocks blocks = new Blocks(List.of("notify", "logical", "floor"));
                int kk = k;
                blocks.run(rounds, (mode, b) -> {
                    Map<String, Latencies> m = new LinkedHashMap<>();
                    switch (mode) {
                        case "notify" -> {
                            loadN.reset();
                            m.put("delivery", runWrites(wl, wN, writes, kk));
                            loadN.libraryCalls(100_000).forEach((q, c) -> stmtsN.merge(q, c, Long::sum));
                            writesN[0] += writes;
                        }
                        case "logical" -> {
                            loadL.reset();
                            m.put("delivery", runWrites(wl, wL, writes, kk));
                            loadL.libraryCalls(100_000).forEach((q, c) -> stmtsL.merge(q, c, Long::sum));
                            writesL[0] += writes;
                        }
                        default -> {
                            m.putAll(floor.block(false, RATE, writes / 2, true));
                            m.put("notifyDelivery", floor.block(true, RATE, writes / 2, true).get("delivery"));
                            m.put("streamDelivery", replFloor.block(RATE, writes / 2, true).get("delivery"));
                        }
                    }
                    return m;
                });
                ScenarioResult.TableBuilder t = r.table("K = " + k + ", " + (int) RATE + " writes/s, " + rounds
                        + " rounds of alternating blocks (ms, from the write's intended start)", "mode", "n", "p50", "p90", "p99", "p99.9", "max");
                Latencies n = blocks.merged("notify", "delivery");
                Latencies l = blocks.merged("logical", "delivery");
                Latencies sf = blocks.merged("floor", "streamDelivery");
                FloorScenario.row(t, "SessionFeed, LISTEN/NOTIFY feed", n);
                FloorScenario.row(t, "SessionFeed, logical replication feed", l);
                FloorScenario.row(t, "floor: bare UPDATE commit", blocks.merged("floor", "commit"));
                FloorScenario.row(t, "floor: NOTIFY delivered to a bare pgjdbc listener", blocks.merged("floor", "notifyDelivery"));
                FloorScenario.row(t, "floor: Update read from a bare pgjdbc replication stream", sf);
                Map<String, Object> overFloor = Stats.spread(blocks.ratios("logical", "delivery", "floor", "streamDelivery",
                        x -> x.percentileMs(50)));
                r.table("K = " + k + ": per-block ratios (median (min–max))", "comparison", "p50", "p99")
                        .row("logical feed ÷ replication-stream floor", Stats.cell(overFloor, "×"),
                                Stats.cell(Stats.spread(blocks.ratios("logical", "delivery", "floor", "streamDelivery", x -> x.percentileMs(99))), "×"))
                        .row("NOTIFY feed ÷ logical feed", Stats.cell(Stats.spread(blocks.ratios("notify", "delivery", "logical", "delivery",
                                x -> x.percentileMs(50))), "×"), Stats.cell(Stats.spread(blocks.ratios("notify", "delivery", "logical", "delivery",
                                x -> x.percentileMs(99))), "×"));
                data.put("K" + k, Map.of("notify", n.summary(), "logical", l.summary(), "streamFloor", sf.summary()));
                if (k == 100) {
                    double p50 = l.percentileMs(50);
                    double p99 = l.percentileMs(99);
                    double floor50 = sf.percentileMs(50);
                    r.goal("K=100 logical: p50 ≤ 2 ms and p99 ≤ 10 ms, or p50 within 1.5× of the stream floor",
                            Fmt.num(p50) + " / " + Fmt.num(p99) + " ms (floor p50 " + Fmt.num(floor50) + " ms, ratio "
                                    + Stats.cell(overFloor, "×") + ")",
                            (p50 <= 2 && p99 <= 10) || (Double) overFloor.get("median") <= 1.5, "merged over the logical blocks");
                    loadTable(r, stmtsN, writesN[0], stmtsL, writesL[0]);
                }
            }
            r.data("latency", data);
        }
    }

    private void loadTable(ScenarioResult r, Map<String, Long> n, long writesN, Map<String, Long> l, long writesL) {
        ScenarioResult.TableBuilder t = r.table("DB load at K = 100 (pg_stat_statements, the library's statements only, per change)",
                "source", "changes", "session reads by id", "metrics-only reads", "full reads", "other", "statements per change");
        long[] a = classify(n);
        long[] b = classify(l);
        t.row("LISTEN/NOTIFY", writesN, a[0], a[1], a[2], a[3], Fmt.num((a[0] + a[1] + a[2] + a[3]) / (double) writesN));
        t.row("logical replication", writesL, b[0], b[1], b[2], b[3], Fmt.num((b[0] + b[1] + b[2] + b[3]) / (double) writesL));
        r.data("statementsNotify", shortened(n));
        r.data("statementsLogical", shortened(l));
        r.goal("logical: 0 session reads per change (pg_stat_statements)", b[0] + " by-id reads for " + writesL + " changes",
                b[0] == 0, "NOTIFY: " + a[0] + " by-id reads for " + writesN + " changes; metrics are read at most once per "
                        + "rowMetricsInterval (1 s)");
    }

    private static Map<String, Long> shortened(Map<String, Long> calls) {
        Map<String, Long> m = new LinkedHashMap<>();
        calls.forEach((q, n) -> m.merge(q.length() > 160 ? q.substring(0, 157) + "..." : q, n, Long::sum));
        return m;
    }

    /** {by-id reads, metrics-only reads, full reads, other (probes, catalog checks)}, from the statements' whole text. */
    private static long[] classify(Map<String, Long> calls) {
        long[] c = new long[4];
        calls.forEach((q, n) -> {
            boolean read = q.contains("\"sessionfeed$sessions\"");
            if (read && q.contains("= ANY (")) {
                c[0] += n;
            } else if (read) {
                c[2] += n;
            } else if (q.startsWith("SELECT now() AS \"sessionfeed$read_at\"")) {
                c[1] += n;
            } else {
                c[3] += n;
            }
        });
        return c;
    }

    private static Latencies runWrites(Workload wl, Workload.Writer w, int writes, int clients) throws Exception {
        Latencies l = wl.newSink();
        long expected = (long) writes * clients;
        OpenLoop.run(RATE, writes, (i, t) -> w.write(t));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (l.count() < expected && System.nanoTime() < deadline) {
            OpenLoop.parkUntil(System.nanoTime() + 2_000_000);
        }
        return l;
    }

    // ---- recovery ----------------------------------------------------------------------------------------------

    private void recovery(BenchContext ctx, ScenarioResult r, TestDatabase db) throws Exception {
        ScenarioResult.TableBuilder t = r.table("Recovery of the logical feed (ms from the fault; one client; a write every 10 ms "
                + "throughout)", "fault", "detected (status leaves live)", "live again (resynced)", "client equals DB");
        Workload wl = new Workload(SESSIONS);
        try (Rig rig = Rig.start(db, Rig.options().source(Rig.Source.LOGICAL))) {
            PgLogicalChangeSource source = (PgLogicalChangeSource) rig.source();
            awaitTrue(() -> source.status() == FeedStatus.LIVE, 30_000, "logical rig live");
            List<FeedClient> clients = rig.connect(1, true, FeedClient.Events.NONE);
            for (String fault : List.of("walsender killed", "publication dropped, recreated after 2 s", "PostgreSQL restarted")) {
                if (fault.startsWith("PostgreSQL") && !db.server().canRestart()) {
                    t.row(fault, "not measured (server cannot restart)", "", "");
                    continue;
                }
                AtomicBoolean writing = new AtomicBoolean(true);
                Thread writer = new Thread(() -> {
                    while (writing.get()) {
                        try (Workload.Writer w = syncWriter(wl, db)) {
                            while (writing.get()) {
                                w.write(System.nanoTime());
                                OpenLoop.parkUntil(System.nanoTime() + 10_000_000);
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            // The server is restarting: retry with a new connection shortly.
                            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
                        }
                    }
                }, "bench-lg-recovery-writer");
                writer.setDaemon(true);
                writer.start();
                OpenLoop.parkUntil(System.nanoTime() + 500_000_000L);
                // The status is watched on its own thread: a restart may be detected and repaired before stop() and
                // start() return to this one.
                java.util.concurrent.atomic.AtomicLong leftLive = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicLong backLive = new java.util.concurrent.atomic.AtomicLong();
                AtomicBoolean watching = new AtomicBoolean(true);
                Thread watcher = new Thread(() -> {
                    while (watching.get()) {
                        boolean live = source.status() == FeedStatus.LIVE;
                        long now = System.nanoTime();
                        if (!live && leftLive.get() == 0) {
                            leftLive.set(now);
                        } else if (live && leftLive.get() != 0 && backLive.get() == 0) {
                            backLive.set(now);
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                }, "bench-lg-status-watcher");
                watcher.setDaemon(true);
                watcher.start();
                long t0 = System.nanoTime();
                switch (fault) {
                    case "walsender killed" -> db.queryForLong("SELECT count(*) FROM (SELECT pg_terminate_backend(?)) AS t",
                            source.stats().backendPid());
                    case "PostgreSQL restarted" -> {
                        db.server().stop();
                        db.server().start();
                    }
                    default -> PgPublicationInstaller.defaults().uninstall(db.dataSource());
                }
                awaitTrue(() -> leftLive.get() != 0, 30_000, "detect");
                long detected = leftLive.get() - t0;
                if (fault.startsWith("publication")) {
                    OpenLoop.parkUntil(t0 + 2_000_000_000L);
                    PgPublicationInstaller.defaults().install(db.dataSource());
                }
                awaitTrue(() -> backLive.get() != 0, 60_000, "live again");
                long live = backLive.get() - t0;
                watching.set(false);
                watcher.join(1000);
                writing.set(false);
                writer.join(5000);
                Map<String, Long> expected = Workload.dbState(db);
                long equal = awaitTrue(() -> clients.get(0).stateEquals(expected), 30_000, "converge") - t0;
                t.row(fault, Fmt.num(detected / 1e6), Fmt.num(live / 1e6), Fmt.num(equal / 1e6));
                LOG.info("  recovery {}: detected {} ms, live {} ms, equal {} ms", fault, detected / 1e6, live / 1e6, equal / 1e6);
            }
        }
        r.note("Recovery: the walsender is killed with pg_terminate_backend (its stream ends with an error at once); the "
                + "publication is dropped (the walsender errors on the next change; the source then finds it missing and stays on "
                + "the polling fallback, degraded, retrying every unavailableRetryInterval, 10 s by default) and recreated 2 s later; "
                + "the embedded server is stopped and started on the same port. 'Client equals DB' is measured after the writes stop.");
    }

    private static long awaitTrue(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": not within " + timeoutMs + " ms");
            }
            OpenLoop.parkUntil(System.nanoTime() + 1_000_000);
        }
        return System.nanoTime();
    }
}
