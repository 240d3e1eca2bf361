package dev.sessionfeed.benchmarks;

import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.scenarios.FloorScenario;
import java.util.List;

/** The scenarios in run order. */
final class Suite {

    private Suite() {
    }

    static List<Scenario> all() {
        return List.of(new FloorScenario());
    }
}
