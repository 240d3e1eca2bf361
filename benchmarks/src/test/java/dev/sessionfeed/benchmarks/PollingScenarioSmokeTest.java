package dev.sessionfeed.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.scenarios.PollingScenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One tiny run of the polling detection scenario, for correctness only (no timing is asserted): every candidate query
 * runs on real PostgreSQL at a small size, and the feed publishes every status-only UPDATE with the default detection.
 */
class PollingScenarioSmokeTest {

    @Test
    void measuresEveryCandidateAndTheDefaultDetectionCatchesEveryStatusOnlyUpdate() throws Exception {
        ScenarioResult r;
        try (BenchContext ctx = new BenchContext(false, false)) {
            r = new PollingScenario(List.of(200), 2, 2, 1, Duration.ofMillis(300)).run(ctx);
        }
        assertThat(r.tables().get(0).rows()).hasSize(5);
        assertThat(r.goals()).first().satisfies(g -> {
            assertThat(g.goal()).contains("catches every status-only UPDATE");
            assertThat(g.verdict()).isEqualTo("met");
            assertThat(g.comment()).contains("CONTENT missed 0", "UPDATED_AT missed 1 of 1");
        });
    }
}
