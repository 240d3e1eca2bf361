package dev.sessionfeed.benchmarks.harness;

/**
 * One benchmark scenario. Implementations start what they need (databases, feeds, servers, clients) and stop it
 * all before returning, also on failure.
 */
public interface Scenario {

    /**
     * The short name, used by {@code --only} and as the results file name.
     *
     * @return for example {@code latency}
     */
    String name();

    /**
     * A human title for the report.
     *
     * @return the title
     */
    String title();

    /**
     * Whether the quick suite (no {@code --full}, no {@code --only}) runs this scenario.
     *
     * @return true by default
     */
    default boolean inQuickSuite() {
        return true;
    }

    /**
     * Runs the scenario.
     *
     * @param ctx the run's context (server, suite size)
     * @return what was measured
     * @throws Exception any failure; the suite records it and goes on with the next scenario
     */
    ScenarioResult run(BenchContext ctx) throws Exception;
}
