package dev.sessionfeed.benchmarks.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.StatementStats;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.internal.jdbc.ScopeSql;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.PollingChangeSource.Detection;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 17's polling detection benchmark: what one poll of each change-detection candidate costs at 1,000 / 10,000 /
 * 100,000 rows in scope on real PostgreSQL (client time, backend CPU, rows and buffers read, bytes returned), and how
 * long a status-only {@code UPDATE} (one that leaves {@code updated_at} alone) takes to reach the feed's published
 * state with the default detection and with the {@code updated_at} one.
 */
public final class PollingScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(PollingScenario.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Linux's USER_HZ: the unit of utime/stime in /proc/PID/stat. */
    private static final double TICK_MS = 10.0;
    private static final String UPDATED_AT = "updated_at (UPDATED_AT)";
    private static final String CONTENT = "content (CONTENT)";
    private static final String XMIN = "xmin (XMIN, the default)";

    private final List<Integer> sizes;
    private final int pollsPerBlock;
    private final int rounds;
    private final int detections;
    private final Duration interval;

    /** The suite's scenario: 1k / 10k / 100k rows, 1 s polling. */
    public PollingScenario() {
        this(List.of(1_000, 10_000, 100_000), 10, 4, 6, Duration.ofSeconds(1));
    }

    /**
     * A scenario with chosen sizes (the smoke test runs a tiny one).
     *
     * @param sizes         rows in scope, one run each
     * @param pollsPerBlock polls per candidate per block (quick suite; the full suite runs 3×)
     * @param rounds        blocks per candidate, order reversed every other round
     * @param detections    status-only updates per size with the default detection (the full suite runs 2×)
     * @param interval      the polling interval of the detection-latency part
     */
    public PollingScenario(List<Integer> sizes, int pollsPerBlock, int rounds, int detections, Duration interval) {
        this.sizes = List.copyOf(sizes);
        this.pollsPerBlock = pollsPerBlock;
        this.rounds = rounds;
        this.detections = detections;
        this.interval = interval;
    }

    @Override
    public String name() {
        return "polling";
    }

    @Override
    public String title() {
        return "Polling change detection: cost per poll of each candidate at 1k / 10k / 100k rows, and status-only UPDATE detection";
    }

    /** One detection candidate: a query over the scope (two parameters) and how its result is consumed. */
    private record Candidate(String name, String sql, boolean perRow) {
    }

    /** What the polls of one candidate at one size measured. */
    private static final class Measured {
        final List<Double> millis = new ArrayList<>();
        final List<Double> blockMedians = new ArrayList<>();
        double cpuTicks;
        int polls;
        long rowsReturned;
        long bytesReturned;
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_polling");
        ctx.serverInfo(db);
        SessionTable table = SessionTable.defaults();
        List<Candidate> candidates = candidates(table);
        int polls = ctx.pick(pollsPerBlock, pollsPerBlock * 3);

        ScenarioResult.TableBuilder cost = r.table("Cost per poll (one detection query on an open connection; client ms = "
                        + "prepare, execute, read the result" + " and, for per-row, the diff in Java)",
                "rows in scope", "candidate", "polls", "client p50 ms", "client p90 ms", "backend CPU ms/poll",
                "rows scanned", "buffers read KiB", "rows returned", "bytes returned", "catches a status-only UPDATE");
        ScenarioResult.TableBuilder ratios = r.table("Per-block ratio of client p50 to the updated_at query's (same block pair)",
                "rows in scope", "candidate", "÷ updated_at, median (min–max)", "blocks");
        Map<String, Object> data = new LinkedHashMap<>();
        Map<Integer, Map<String, Measured>> bySize = new LinkedHashMap<>();
        for (int n : sizes) {
            Workload.seed(db, n, 60);
            db.executeScript(StatementStats.HARNESS + " VACUUM (ANALYZE) chat_sessions");
            Map<String, Measured> measured = measureCosts(db, table, candidates, polls);
            bySize.put(n, measured);
            Map<String, Object> sizeData = new LinkedHashMap<>();
            Measured base = measured.get(candidates.get(0).name());
            for (Candidate c : candidates) {
                Measured m = measured.get(c.name());
                Explained e = explain(db, table, c);
                List<Double> sorted = new ArrayList<>(m.millis);
                Collections.sort(sorted);
                double p50 = Stats.median(sorted);
                double p90 = sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.9) - 1));
                double cpu = Double.isNaN(m.cpuTicks) ? Double.NaN : m.cpuTicks * TICK_MS / m.polls;
                cost.row(n, c.name(), m.polls, Latencies.round(p50), Latencies.round(p90), Latencies.round(cpu), e.rowsScanned,
                        e.kib, m.rowsReturned / m.polls, m.bytesReturned / m.polls, c.name().equals(UPDATED_AT) ? "no" : "yes");
                List<Double> perBlock = new ArrayList<>();
                for (int b = 0; b < m.blockMedians.size(); b++) {
                    perBlock.add(m.blockMedians.get(b) / base.blockMedians.get(b));
                }
                Map<String, Object> spread = Stats.spread(perBlock);
                if (c != candidates.get(0)) {
                    ratios.row(n, c.name(), Stats.cell(spread, "×"), spread.get("blocks"));
                }
                sizeData.put(c.name(), Map.of("p50Ms", p50, "p90Ms", p90, "cpuMsPerPoll", cpu, "rowsScanned", e.rowsScanned,
                        "buffersKiB", e.kib, "rowsReturned", m.rowsReturned / m.polls, "bytesReturned", m.bytesReturned / m.polls,
                        "ratioToUpdatedAt", spread));
                LOG.info("  {} rows, {}: p50 {} ms, p90 {} ms, cpu {} ms/poll, {} rows scanned, {} KiB", n, c.name(), Fmt.num(p50),
                        Fmt.num(p90), Fmt.num(cpu), e.rowsScanned, e.kib);
            }
            data.put("rows" + n, sizeData);
        }
        r.data("cost", data);

        ScenarioResult.TableBuilder detect = r.table("Status-only UPDATE (updated_at untouched) → the feed publishes it "
                        + "(ms from the writer's commit; PollingChangeSource every " + interval.toMillis() + " ms, deadline "
                        + 5 * interval.toMillis() + " ms)",
                "rows in scope", "detection", "updates", "published", "missed", "p50 ms", "max ms", "mean poll ms (stats)");
        Map<String, Object> detectData = new LinkedHashMap<>();
        int updates = ctx.pick(detections, detections * 2);
        double worstDefault = 0;
        int missedDefault = 0;
        int missedContent = 0;
        int missedUpdatedAt = 0;
        int triedUpdatedAt = 0;
        for (int n : sizes) {
            Workload.seed(db, n, 60);
            for (Detection d : new Detection[] {Detection.XMIN, Detection.CONTENT, Detection.UPDATED_AT}) {
                // The cheap mode misses every one of them (each waits out the deadline), so it runs at the smallest size only.
                if (d == Detection.UPDATED_AT && n != sizes.get(0)) {
                    continue;
                }
                int k = d == Detection.UPDATED_AT ? Math.min(2, updates) : updates;
                DetectionRun run = detectionLatency(db, table, d, k);
                detect.row(n, d.name() + (d == Detection.XMIN ? " (default)" : ""), k, run.latencies.size(), run.missed,
                        run.latencies.isEmpty() ? "—" : Fmt.num(Stats.median(run.latencies)),
                        run.latencies.isEmpty() ? "—" : Fmt.num(run.latencies.get(run.latencies.size() - 1)),
                        Latencies.round(run.meanPollMs));
                detectData.put(d.name() + "@" + n, Map.of("updates", k, "latenciesMs", run.latencies, "missed", run.missed,
                        "meanPollMs", run.meanPollMs));
                if (d == Detection.CONTENT) {
                    missedContent += run.missed;
                } else if (d == Detection.XMIN) {
                    missedDefault += run.missed;
                    if (!run.latencies.isEmpty()) {
                        worstDefault = Math.max(worstDefault, run.latencies.get(run.latencies.size() - 1));
                    }
                } else {
                    missedUpdatedAt += run.missed;
                    triedUpdatedAt += k;
                }
            }
        }
        r.data("detection", detectData);

        int largest = sizes.get(sizes.size() - 1);
        Measured byDefault = bySize.get(largest).get(XMIN);
        List<Double> defaultSorted = new ArrayList<>(byDefault.millis);
        Collections.sort(defaultSorted);
        double defaultP50 = Stats.median(defaultSorted);
        r.goal("the default detection (XMIN) catches every status-only UPDATE within 5 poll intervals", missedDefault + " missed; slowest "
                        + Fmt.num(worstDefault) + " ms at " + interval.toMillis() + " ms polling",
                missedDefault == 0, "CONTENT missed " + missedContent + "; UPDATED_AT missed " + missedUpdatedAt + " of " + triedUpdatedAt
                        + " (expected: it cannot see them)");
        r.goal("the default detection's poll at " + largest + " rows costs less than the interval", Fmt.num(defaultP50) + " ms p50 per poll",
                defaultP50 < interval.toMillis(), "client time of one poll, measured above");
        r.note("Rows: `Workload.seed` (the latency scenario's rows: ~60-character subjects, all in scope, no attribute columns), "
                + "`VACUUM (ANALYZE)` after seeding. Candidates alternate in blocks of " + polls + " polls, order reversed every other "
                + "round, " + rounds + " rounds, after 3 warm-up polls each; each poll prepares and executes the statement on one open "
                + "connection (the source borrows one from the pool per poll on top). Backend CPU is utime + stime of the polling "
                + "connection's server process plus the postmaster's cutime + cstime (the CPU of parallel workers, added there when "
                + "they exit) from /proc, over each block (10 ms ticks, so figures below ~1 ms are coarse); bytes returned are the "
                + "text of the result's values (per-row: id characters + 8 per row). Rows scanned and buffers "
                + "(shared hit + read, 8 KiB pages) come from one `EXPLAIN (ANALYZE, BUFFERS)` per candidate and size.");
        r.note("Candidates: **updated_at** — `count(*), max(updated_at), sum(updated_at µs)` (`Detection.UPDATED_AT`, the old default; "
                + "blind to writes that leave `updated_at` alone); **content** — `count(*), sum(hash_record_extended(ROW(the row as the "
                + "snapshot builder selects it), 0))` (`Detection.CONTENT`, an option, and what XMIN uses on a view; text already cut to "
                + "`maxTextLength` in SQL); "
                + "**content, text form** — the same rows hashed as text (`hashtextextended(CAST(s AS text), 0)`), what CONTENT falls "
                + "back to before PostgreSQL 14 or for a column type without a hash function; **xmin** — "
                + "`count(*), sum(hashtextextended(id || ' ' || xmin, 0))` (`Detection.XMIN`, the new default: any new row version is a "
                + "change, so a write of an unshown column costs a full read too, and a view has no xmin); "
                + "**per-row** — `(id, row hash)` for every row, diffed in Java against the previous poll (it would name the changed "
                + "ids instead of a resync, but ships every row every poll).");
        r.note("Detection latency: a real `SessionFeed` (`JdbcSnapshotBuilder` defaults, `maxSessions` 5,000) on "
                + "`PollingChangeSource`; an `UPDATE chat_sessions SET status = … WHERE session_id = …` among the newest 100 rows at a "
                + "random phase of the interval, timed from the writer's commit to the broadcaster's delta that carries the new status. "
                + "Expected: a uniform wait for the next poll (mean ½ interval) + the poll + a full read.");
        return r;
    }

    private static List<Candidate> candidates(SessionTable table) {
        String content = PollingChangeSource.detectionQuery(table, Detection.CONTENT);
        String prefix = "SELECT count(*), sum(";
        int from = content.indexOf(") FROM (SELECT ");
        if (!content.startsWith(prefix) || from < 0 || !content.endsWith(") AS s")) {
            throw new IllegalStateException("the CONTENT query changed shape; update the derived candidates: " + content);
        }
        String rowHash = content.substring(prefix.length(), from);
        String rows = content.substring(from + ") FROM ".length());
        String perRow = "SELECT s.\"sessionfeed$id\", " + rowHash + " FROM " + rows;
        // What DetectionQuery falls back to without hash_record_extended (PostgreSQL < 14).
        String text = "SELECT count(*), sum(hashtextextended(CAST(s AS text), 0)) FROM " + rows;
        return List.of(
                new Candidate(UPDATED_AT, PollingChangeSource.detectionQuery(table, Detection.UPDATED_AT), false),
                new Candidate(XMIN, PollingChangeSource.detectionQuery(table, Detection.XMIN), false),
                new Candidate(CONTENT, content, false),
                new Candidate("content, text form (CONTENT's fallback)", text, false),
                new Candidate("per-row diff (not offered)", perRow, true));
    }

    private Map<String, Measured> measureCosts(TestDatabase db, SessionTable table, List<Candidate> candidates, int polls)
            throws SQLException {
        Map<String, Measured> out = new LinkedHashMap<>();
        candidates.forEach(c -> out.put(c.name(), new Measured()));
        try (Connection c = db.connect()) {
            int pid = backendPid(c);
            Map<String, Map<String, Long>> previous = new HashMap<>();
            for (Candidate cand : candidates) {
                for (int i = 0; i < 3; i++) {
                    poll(c, table, cand, previous, out.get(cand.name()), false);
                }
            }
            for (int round = 0; round < rounds; round++) {
                List<Candidate> order = new ArrayList<>(candidates);
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Candidate cand : order) {
                    Measured m = out.get(cand.name());
                    double ticks0 = cpuTicks(pid);
                    List<Double> block = new ArrayList<>();
                    for (int i = 0; i < polls; i++) {
                        block.add(poll(c, table, cand, previous, m, true));
                    }
                    double ticks = cpuTicks(pid) - ticks0;
                    m.cpuTicks = Double.isNaN(ticks) ? Double.NaN : (round == 0 ? 0 : m.cpuTicks) + ticks;
                    m.polls += polls;
                    m.millis.addAll(block);
                    Collections.sort(block);
                    m.blockMedians.add(Stats.median(block));
                }
            }
        }
        return out;
    }

    /** One poll; returns its client time in ms. */
    private static double poll(Connection c, SessionTable table, Candidate cand, Map<String, Map<String, Long>> previous,
            Measured m, boolean count) throws SQLException {
        long t0 = System.nanoTime();
        long rows = 0;
        long bytes = 0;
        try (PreparedStatement ps = c.prepareStatement(StatementStats.HARNESS + " " + cand.sql())) {
            ScopeSql.bind(ps, c, table, 1);
            try (ResultSet rs = ps.executeQuery()) {
                int cols = rs.getMetaData().getColumnCount();
                if (cand.perRow()) {
                    Map<String, Long> now = new HashMap<>();
                    while (rs.next()) {
                        String id = rs.getString(1);
                        now.put(id, rs.getLong(2));
                        rows++;
                        bytes += id.length() + 8;
                    }
                    Map<String, Long> before = previous.put(cand.name(), now);
                    int changed = 0;
                    if (before != null) {
                        for (Map.Entry<String, Long> e : now.entrySet()) {
                            if (!e.getValue().equals(before.get(e.getKey()))) {
                                changed++;
                            }
                        }
                        for (String id : before.keySet()) {
                            if (!now.containsKey(id)) {
                                changed++;
                            }
                        }
                    }
                    if (changed < 0) {
                        throw new IllegalStateException("unreachable");
                    }
                } else {
                    while (rs.next()) {
                        rows++;
                        for (int i = 1; i <= cols; i++) {
                            String v = rs.getString(i);
                            bytes += v == null ? 0 : v.length();
                        }
                    }
                }
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        if (count) {
            m.rowsReturned += rows;
            m.bytesReturned += bytes;
        }
        return ms;
    }

    /** What {@code EXPLAIN (ANALYZE, BUFFERS)} says about one candidate. */
    private record Explained(long rowsScanned, long kib) {
    }

    private static Explained explain(TestDatabase db, SessionTable table, Candidate cand) throws SQLException, IOException {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement(StatementStats.HARNESS + " EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + cand.sql())) {
            ScopeSql.bind(ps, c, table, 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                JsonNode plan = JSON.readTree(rs.getString(1)).get(0).get("Plan");
                long blocks = plan.path("Shared Hit Blocks").asLong() + plan.path("Shared Read Blocks").asLong();
                return new Explained(scanned(plan, table.table()), blocks * 8);
            }
        }
    }

    /** Rows the scans of the sessions table looked at: returned plus removed by their filter, over all loops. */
    private static long scanned(JsonNode node, String tableName) {
        long n = 0;
        if (tableName.equals(node.path("Relation Name").asText())) {
            n += node.path("Actual Rows").asLong() * Math.max(1, node.path("Actual Loops").asLong())
                    + node.path("Rows Removed by Filter").asLong();
        }
        for (JsonNode child : node.path("Plans")) {
            n += scanned(child, tableName);
        }
        return n;
    }

    private static int backendPid(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(StatementStats.HARNESS + " SELECT pg_backend_pid()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The CPU a backend and its parallel workers used, in ticks: the backend's utime + stime plus the postmaster's
     * cutime + cstime (a parallel worker is a child of the postmaster, and its CPU is added there when it exits; so is
     * that of any other exiting server process, such as an autovacuum worker: noise, counted against the candidate).
     * NaN where /proc cannot tell (another host, another OS).
     */
    private static double cpuTicks(int pid) {
        try {
            String[] backend = procStat(pid);
            String[] postmaster = procStat(Integer.parseInt(backend[1]));
            return Long.parseLong(backend[11]) + Long.parseLong(backend[12]) + Long.parseLong(postmaster[13])
                    + Long.parseLong(postmaster[14]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** /proc/PID/stat from field 3 (state) on: [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
    private static String[] procStat(int pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** The detection-latency figures of one mode at one size. */
    private record DetectionRun(List<Double> latencies, int missed, double meanPollMs) {
    }

    /** Records when a delta first carries a session with a given status. */
    private static final class StatusWatch implements Broadcaster {
        private final Object lock = new Object();
        private String id;
        private String status;
        private long seenAt;

        void expect(String sessionId, String newStatus) {
            synchronized (lock) {
                id = sessionId;
                status = newStatus;
                seenAt = 0;
            }
        }

        long seenAt() {
            synchronized (lock) {
                return seenAt;
            }
        }

        @Override
        public void onDelta(SessionDelta delta, Snapshot current) {
            long now = System.nanoTime();
            synchronized (lock) {
                for (ChatSession s : delta.upserted()) {
                    if (seenAt == 0 && s.id().equals(id) && s.status().equals(status)) {
                        seenAt = now;
                    }
                }
            }
        }
    }

    private DetectionRun detectionLatency(TestDatabase db, SessionTable table, Detection detection, int updates) throws Exception {
        List<Double> latencies = new ArrayList<>();
        int missed = 0;
        Random random = new Random(17);
        StatusWatch watch = new StatusWatch();
        PollingChangeSource source;
        double meanPoll;
        try (HikariDataSource pool = Rig.pool(db, 4, "bench-polling")) {
            source = PollingChangeSource.builder(pool).table(table).interval(interval).detection(detection).build();
            try (SessionFeed feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(pool).table(table).build(), source).build();
                 Connection writer = db.connect();
                 PreparedStatement update = writer.prepareStatement(StatementStats.WRITER
                         + " UPDATE chat_sessions SET status = ? WHERE session_id = ?")) {
                feed.addBroadcaster(watch);
                feed.start();
                // Let the first poll (and its resync) pass.
                OpenLoop.parkUntil(System.nanoTime() + interval.toNanos() * 2);
                for (int i = 0; i < updates; i++) {
                    String id = Workload.sessionId(1 + random.nextInt(100));
                    ChatSession shown = feed.current().sessions().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
                    String next = shown.status().equals("waiting") ? "active" : "waiting";
                    OpenLoop.parkUntil(System.nanoTime() + (long) (random.nextDouble() * interval.toNanos()));
                    watch.expect(id, next);
                    update.setString(1, next);
                    update.setString(2, id);
                    update.executeUpdate();
                    long committed = System.nanoTime();
                    long deadline = committed + interval.toNanos() * 5;
                    while (watch.seenAt() == 0 && System.nanoTime() < deadline) {
                        OpenLoop.parkUntil(System.nanoTime() + 1_000_000);
                    }
                    long seen = watch.seenAt();
                    if (seen == 0) {
                        missed++;
                        // Put the row back so the next update is a change again for both modes.
                        update.setString(1, shown.status());
                        update.setString(2, id);
                        update.executeUpdate();
                    } else {
                        latencies.add(Latencies.round((seen - committed) / 1e6));
                    }
                }
                long polls = source.stats().probes();
                meanPoll = polls == 0 ? Double.NaN : source.stats().probeRoundTripNanos() / 1e6 / polls;
            }
        }
        Collections.sort(latencies);
        LOG.info("  detection {}: {} published, {} missed, latencies {}", detection, latencies.size(), missed, latencies);
        return new DetectionRun(latencies, missed, meanPoll);
    }
}
