package dev.sessionfeed.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.benchmarks.harness.FeedClient;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Report;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tiny end-to-end run of the harness, for correctness only (no timing is asserted): real PostgreSQL, the real
 * feed and endpoint in Jetty, two real WebSocket clients; every write is delivered, matched to its intended start, and
 * the report files are written.
 */
@SessionFeedPostgres
class BenchmarkSmokeTest {

    @Test
    void deliversEveryWriteToEveryClientAndWritesTheReport(TestDatabase db, @TempDir Path dir) throws Exception {
        db.installSchema();
        Workload.seed(db, 20, 60);
        Workload wl = new Workload(20);
        Latencies latencies;
        try (Rig rig = Rig.start(db, Rig.options());
             Workload.Writer w = wl.writer(db)) {
            List<FeedClient> clients = rig.connect(2, true, wl.events());
            latencies = wl.newSink();
            OpenLoop.run(50, 10, (i, at) -> w.write(at));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> latencies.count() == 20);
            Map<String, Long> expected = Workload.dbState(db);
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> clients.stream().allMatch(c -> c.stateEquals(expected)));
            assertThat(clients).allSatisfy(c -> assertThat(c.gaps()).isZero());
        }
        ScenarioResult r = new ScenarioResult("smoke", "smoke");
        r.table("t", "n").row(latencies.count());
        r.goal("every write delivered", latencies.count() + " deliveries", latencies.count() == 20, "");
        Path results = dir.resolve("results");
        Report.writeJson(results, r, Map.of("suite", "test", "environment", Map.of(), "server", Map.of()));
        Path md = dir.resolve("BENCHMARKS.md");
        Files.writeString(md, "intro\n" + Report.BEGIN + "\nold\n" + Report.END + "\noutro\n");
        Report.regenerateMarkdown(results, md);
        String text = Files.readString(md);
        assertThat(text).startsWith("intro\n").endsWith("outro\n").contains("every write delivered").doesNotContain("old");
    }

    @Test
    void theLogicalRigDeliversEveryWriteToEveryClient(TestDatabase db) throws Exception {
        db.installSchema();
        // A walsender sends only flushed WAL: the embedded server's asynchronous commits would wait for the WAL writer.
        db.execute("ALTER DATABASE " + db.databaseName() + " SET synchronous_commit = on");
        Workload.seed(db, 20, 60);
        Workload wl = new Workload(20);
        try (Rig rig = Rig.start(db, Rig.options().source(Rig.Source.LOGICAL));
             Workload.Writer w = wl.writer(db)) {
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> rig.source().status() == dev.sessionfeed.FeedStatus.LIVE);
            List<FeedClient> clients = rig.connect(2, true, wl.events());
            Latencies latencies = wl.newSink();
            OpenLoop.run(50, 10, (i, at) -> w.write(at));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> latencies.count() == 20);
            Map<String, Long> expected = Workload.dbState(db);
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> clients.stream().allMatch(c -> c.stateEquals(expected)));
            assertThat(clients).allSatisfy(c -> assertThat(c.gaps()).isZero());
            assertThat(rig.feed().stats().rowsApplied()).isGreaterThanOrEqualTo(10);
        }
    }
}
