package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.jdbc.SessionTable.Column;
import dev.sessionfeed.testkit.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Issue 17: what a key type costs. Per key (text, uuid, bigint read through a view that joins a visitors table), on
 * a table of 20,000 sessions, over a HikariCP pool: the start-up catalog check ({@code JdbcSnapshotBuilder.verify()}
 * on a fresh builder) and a by-id refresh of one random session, with the default metrics query (which reads the
 * whole scope) and with a one-row metrics query (so the figure is the by-id read itself). Blocks alternate between
 * the keys.
 */
public final class KeysScenario implements Scenario {

    private static final int ROWS = 20_000;

    /** One schema: its DDL with {@value #ROWS} rows, and its mapping. */
    private record Keyed(String name, String ddl, SessionTable table) {
    }

    private static List<Keyed> schemas() {
        String rows = "generate_series(1, " + ROWS + ") g";
        return List.of(
                new Keyed("text", "CREATE TABLE s_text (session_id text PRIMARY KEY, status text NOT NULL, visitor_id text,"
                        + " visitor_name text, agent_id text, agent_name text, subject text, created_at timestamptz NOT NULL,"
                        + " updated_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz, first_response_at timestamptz,"
                        + " message_count integer NOT NULL DEFAULT 0, last_message_at timestamptz);"
                        + " INSERT INTO s_text (session_id, status, created_at) SELECT 's-' || g, 'active', now() - g * INTERVAL '1 s'"
                        + " FROM " + rows + "; ANALYZE s_text;",
                        SessionTable.builder().table("s_text").build()),
                new Keyed("uuid", "CREATE TABLE s_uuid (session_id uuid PRIMARY KEY DEFAULT gen_random_uuid(), status text NOT NULL,"
                        + " visitor_id text, visitor_name text, agent_id text, agent_name text, subject text,"
                        + " created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz,"
                        + " first_response_at timestamptz, message_count integer NOT NULL DEFAULT 0, last_message_at timestamptz);"
                        + " INSERT INTO s_uuid (status, created_at) SELECT 'active', now() - g * INTERVAL '1 s' FROM " + rows + ";"
                        + " ANALYZE s_uuid;",
                        SessionTable.builder().table("s_uuid").build()),
                new Keyed("bigint via view", "CREATE TABLE v_visitors (visitor_id bigint PRIMARY KEY, display_name text);"
                        + " INSERT INTO v_visitors VALUES (1, 'Ada'), (2, 'Grace');"
                        + " CREATE TABLE s_bigint (session_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, status text NOT NULL,"
                        + " visitor_id bigint, agent_id text, agent_name text, subject text, created_at timestamptz NOT NULL,"
                        + " updated_at timestamptz NOT NULL DEFAULT now(), ended_at timestamptz, first_response_at timestamptz,"
                        + " message_count integer NOT NULL DEFAULT 0, last_message_at timestamptz);"
                        + " CREATE VIEW s_bigint_v AS SELECT s.*, v.display_name AS visitor_name FROM s_bigint s"
                        + " LEFT JOIN v_visitors v ON v.visitor_id = s.visitor_id;"
                        + " INSERT INTO s_bigint (status, visitor_id, created_at) SELECT 'active', 1 + g % 2, now() - g * INTERVAL '1 s'"
                        + " FROM " + rows + "; ANALYZE s_bigint;",
                        SessionTable.builder().table("s_bigint").view(null, "s_bigint_v").build()));
    }

    @Override
    public String name() {
        return "keys";
    }

    @Override
    public String title() {
        return "Key types: start-up catalog check and by-id refresh per key (text, uuid, bigint through a view), 20,000 sessions";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        TestDatabase db = ctx.newDatabase("bench_keys");
        ctx.serverInfo(db);
        ScenarioResult r = new ScenarioResult(name(), title());
        List<Keyed> schemas = schemas();
        try (HikariDataSource pool = Rig.pool(db, 2, "bench-keys")) {
            List<List<String>> ids = new ArrayList<>();
            for (Keyed k : schemas) {
                db.executeScript(k.ddl());
                JdbcSnapshotBuilder b = JdbcSnapshotBuilder.builder(pool).table(k.table()).build();
                ids.add(b.buildFull().sessions().stream().map(s -> s.id()).toList());
            }
            int rounds = ctx.pick(5, 20);
            int refreshesPerBlock = ctx.pick(100, 500);
            int checksPerBlock = ctx.pick(20, 80);
            int n = schemas.size();
            Latencies[] checks = new Latencies[n];
            Latencies[] withMetrics = new Latencies[n];
            Latencies[] byIdOnly = new Latencies[n];
            for (int i = 0; i < n; i++) {
                checks[i] = new Latencies();
                withMetrics[i] = new Latencies();
                byIdOnly[i] = new Latencies();
            }
            Random random = new Random(17);
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            for (int round = -1; round < rounds; round++) {
                Collections.shuffle(order, random);
                for (int i : order) {
                    Keyed k = schemas.get(i);
                    boolean warmUp = round < 0;
                    for (int c = 0; c < checksPerBlock; c++) {
                        long t0 = System.nanoTime();
                        JdbcSnapshotBuilder.builder(pool).table(k.table()).build().verify();
                        if (!warmUp) {
                            checks[i].record(System.nanoTime() - t0);
                        }
                    }
                    JdbcSnapshotBuilder full = JdbcSnapshotBuilder.builder(pool).table(k.table()).build().verify();
                    JdbcSnapshotBuilder lean = JdbcSnapshotBuilder.builder(pool).table(k.table()).metricsQuery("SELECT 1 AS \"one\"")
                            .build().verify();
                    refreshes(full, ids.get(i), refreshesPerBlock, random, warmUp ? null : withMetrics[i], k.name());
                    refreshes(lean, ids.get(i), refreshesPerBlock, random, warmUp ? null : byIdOnly[i], k.name());
                }
            }
            ScenarioResult.TableBuilder t = r.table("Per key type (ms, HikariCP pool of 2)", "key", "catalog check p50",
                    "catalog check p90", "by-id refresh p50 (default metrics)", "by-id refresh p50 (one-row metrics)",
                    "by-id refresh p99 (one-row metrics)", "refreshes per column");
            for (int i = 0; i < n; i++) {
                t.row(schemas.get(i).name(), Latencies.round(checks[i].percentileMs(50)), Latencies.round(checks[i].percentileMs(90)),
                        Latencies.round(withMetrics[i].percentileMs(50)), Latencies.round(byIdOnly[i].percentileMs(50)),
                        Latencies.round(byIdOnly[i].percentileMs(99)), byIdOnly[i].count());
                r.data(schemas.get(i).name(), Map.of("check", checks[i].summary(), "refreshDefaultMetrics", withMetrics[i].summary(),
                        "refreshOneRowMetrics", byIdOnly[i].summary()));
            }
            r.note(rounds + " rounds, each a block per key in shuffled order (after one warm-up round): " + checksPerBlock
                    + " catalog checks on fresh builders (three catalog statements each), then " + refreshesPerBlock
                    + " by-id refreshes of a random session with the default metrics query and as many with `SELECT 1`"
                    + " as the metrics query. Each refresh is one statement.");
            r.note("The default metrics query aggregates every session in scope (20,000 here), so it dominates a refresh at"
                    + " this size whatever the key; the one-row column is the by-id read itself. The by-id read binds the ids"
                    + " with the key's type (uuid[], bigint[]), so PostgreSQL reads them through the primary key's index;"
                    + " schema-tests' ByIdReadPlanTest asserts that plan for each key type.");
        }
        return r;
    }

    private static void refreshes(JdbcSnapshotBuilder b, List<String> keys, int count, Random random, Latencies into, String name) {
        for (int c = 0; c < count; c++) {
            String id = keys.get(random.nextInt(keys.size()));
            long t0 = System.nanoTime();
            if (b.refresh(Set.of(id)).sessions().size() != 1) {
                throw new IllegalStateException("refresh of " + id + " on " + name + " did not find it");
            }
            if (into != null) {
                into.record(System.nanoTime() - t0);
            }
        }
    }
}
