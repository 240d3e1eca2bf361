package dev.sessionfeed.benchmarks;

import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.scenarios.AttackScenario;
import dev.sessionfeed.benchmarks.scenarios.BurstScenario;
import dev.sessionfeed.benchmarks.scenarios.BytesScenario;
import dev.sessionfeed.benchmarks.scenarios.FanoutScenario;
import dev.sessionfeed.benchmarks.scenarios.StalledScenario;
import dev.sessionfeed.benchmarks.scenarios.DbLoadScenario;
import dev.sessionfeed.benchmarks.scenarios.FloorScenario;
import dev.sessionfeed.benchmarks.scenarios.HeapScenario;
import dev.sessionfeed.benchmarks.scenarios.JmhScenario;
import dev.sessionfeed.benchmarks.scenarios.KeysScenario;
import dev.sessionfeed.benchmarks.scenarios.LogicalScenario;
import dev.sessionfeed.benchmarks.scenarios.PollingScenario;
import dev.sessionfeed.benchmarks.scenarios.RecoveryScenario;
import dev.sessionfeed.benchmarks.scenarios.LatencyScenario;
import java.util.List;

/** The scenarios in run order. */
final class Suite {

    private Suite() {
    }

    static List<Scenario> all() {
        return List.of(new FloorScenario(), new LatencyScenario(), new DbLoadScenario(), new BurstScenario(), new FanoutScenario(),
                new BytesScenario(), new StalledScenario(), new AttackScenario(), new HeapScenario(), new RecoveryScenario(),
                new PollingScenario(), new LogicalScenario(), new KeysScenario(), new JmhScenario());
    }
}
