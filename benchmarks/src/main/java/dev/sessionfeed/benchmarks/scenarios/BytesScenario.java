package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.FeedClient;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 5: bytes on the wire per single-row change per client, delta subscription vs full list, at 100 / 1,000 /
 * 10,000 sessions.
 */
public final class BytesScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(BytesScenario.class);

    @Override
    public String name() {
        return "bytes";
    }

    @Override
    public String title() {
        return "Bytes per single-row change per client: delta vs full list";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_bytes");
        ctx.serverInfo(db);
        ScenarioResult.TableBuilder t = r.table("Bytes received per single-row change, per client (WebSocket text payload, UTF-8)",
                "sessions", "changes", "delta client: bytes/change", "delta frames/change", "full-list client: bytes/change",
                "full frames/change", "full ÷ delta");
        Map<String, Object> data = new LinkedHashMap<>();
        double ratio10k = Double.NaN;
        double delta10k = Double.NaN;
        double maxDelta = 0;
        // Scope large enough for 10k sessions (the default cap is 5,000).
        SessionTable table = SessionTable.builder().maxSessions(20_000).build();
        for (int n : List.of(100, 1000, 10_000)) {
            Workload.seed(db, n, 60);
            Workload wl = new Workload(n);
            int changes = ctx.pick(20, 100);
            try (Rig rig = Rig.start(db, Rig.options().table(table));
                 Workload.Writer w = wl.writer(db)) {
                FeedClient delta = rig.connect(1, true, FeedClient.Events.NONE).get(0);
                FeedClient full = rig.connect(1, false, FeedClient.Events.NONE).get(0);
                long db0 = delta.bytes();
                long df0 = delta.frames();
                long fb0 = full.bytes();
                long ff0 = full.frames();
                // One change at a time, the next only when both clients have it: every frame carries exactly one change.
                for (int i = 0; i < changes; i++) {
                    String id = Workload.sessionId(1 + (i * 7919) % n);
                    int wno = w.write(id, System.nanoTime());
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (!(Long.valueOf(wno).equals(delta.messageCount(id)) && Long.valueOf(wno).equals(full.messageCount(id)))) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("change " + i + " did not reach both clients within 30 s");
                        }
                        OpenLoop.parkUntil(System.nanoTime() + 1_000_000);
                    }
                }
                double dBytes = (delta.bytes() - db0) / (double) changes;
                double fBytes = (full.bytes() - fb0) / (double) changes;
                double dFrames = (delta.frames() - df0) / (double) changes;
                double fFrames = (full.frames() - ff0) / (double) changes;
                double ratio = fBytes / dBytes;
                t.row(n, changes, Math.round(dBytes), Math.round(dFrames * 100) / 100.0, Math.round(fBytes),
                        Math.round(fFrames * 100) / 100.0, Math.round(ratio * 10) / 10.0);
                LOG.info("  {} sessions: delta {} B/change, full {} B/change ({}×)", n, Math.round(dBytes), Math.round(fBytes), ratio);
                data.put("sessions" + n, Map.of("deltaBytesPerChange", dBytes, "fullBytesPerChange", fBytes,
                        "deltaFramesPerChange", dFrames, "fullFramesPerChange", fFrames, "deltaGaps", delta.gaps()));
                maxDelta = Math.max(maxDelta, dBytes);
                if (n == 10_000) {
                    ratio10k = ratio;
                    delta10k = dBytes;
                }
            }
        }
        r.data("runs", data);
        r.goal("delta ≤ 1 KB per single-row change", "largest " + Fmt.num(maxDelta) + " B (10k sessions: " + Fmt.num(delta10k) + " B)",
                maxDelta <= 1024, "a delta carries the changed session and the metrics");
        r.goal("≥ 50× smaller than the full list at 10k sessions", Fmt.num(ratio10k) + "×", ratio10k >= 50, "");
        r.note("One client subscribes with deltas, one without (it gets a full `session_update` per change, as the original plan's "
                + "clients do). Seeded sessions have short realistic fields (~60-character subject). Changes are made one at a time, the "
                + "next after both clients have the previous one, so no frame carries two changes; bytes are the clients' received text payloads ÷ changes. Scope `maxSessions` raised "
                + "to 20,000 so the full list really holds 10k sessions (the default cap is 5,000).");
        return r;
    }
}
