package dev.sessionfeed.benchmarks.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one scenario measured: tables of figures, the goals with their verdicts, notes on the method, and raw data.
 * Written to {@code benchmarks/results/<scenario>.json} and rendered into {@code BENCHMARKS.md}.
 *
 * <p>Not thread-safe: filled by the scenario's main thread.
 */
public final class ScenarioResult {

    /**
     * A table of figures.
     *
     * @param title   the caption
     * @param columns the column headers
     * @param rows    the rows, one value per column
     */
    public record Table(String title, List<String> columns, List<List<Object>> rows) {
    }

    /**
     * A goal from the issue and what was measured against it.
     *
     * @param goal     the goal as stated, e.g. "K=100: p50 ≤ 2 ms"
     * @param measured the measured figure, e.g. "1.4 ms"
     * @param verdict  "met", "missed" or "not measured"
     * @param comment  what limits it, or how it was measured; may be empty
     */
    public record Goal(String goal, String measured, String verdict, String comment) {
    }

    private final String scenario;
    private final String title;
    private final List<Table> tables = new ArrayList<>();
    private final List<Goal> goals = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> data = new LinkedHashMap<>();

    /**
     * Starts an empty result.
     *
     * @param scenario the scenario's short name (file name of its JSON)
     * @param title    a human title
     */
    public ScenarioResult(String scenario, String title) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.title = Objects.requireNonNull(title, "title");
    }

    /**
     * Adds a table.
     *
     * @param title   caption
     * @param columns headers
     * @return a row appender
     */
    public TableBuilder table(String title, String... columns) {
        Table t = new Table(title, List.of(columns), new ArrayList<>());
        tables.add(t);
        return new TableBuilder(t);
    }

    /**
     * Records a goal verdict.
     *
     * @param goal     the goal text
     * @param measured the measured figure
     * @param met      whether it was met
     * @param comment  context (what limits it)
     * @return this
     */
    public ScenarioResult goal(String goal, String measured, boolean met, String comment) {
        goals.add(new Goal(goal, measured, met ? "met" : "missed", comment == null ? "" : comment));
        return this;
    }

    /**
     * Records a goal that could not be measured in this run.
     *
     * @param goal   the goal text
     * @param reason why not
     * @return this
     */
    public ScenarioResult notMeasured(String goal, String reason) {
        goals.add(new Goal(goal, "—", "not measured", reason));
        return this;
    }

    /**
     * Adds a note on the method.
     *
     * @param note the note (Markdown)
     * @return this
     */
    public ScenarioResult note(String note) {
        notes.add(note);
        return this;
    }

    /**
     * Stores raw data under a key (goes to JSON only).
     *
     * @param key   the key
     * @param value a JSON-serialisable value
     * @return this
     */
    public ScenarioResult data(String key, Object value) {
        data.put(key, value);
        return this;
    }

    /** @return the scenario name */
    public String scenario() { return scenario; }

    /** @return the title */
    public String title() { return title; }

    /** @return the tables */
    public List<Table> tables() { return tables; }

    /** @return the goals */
    public List<Goal> goals() { return goals; }

    /** @return the notes */
    public List<String> notes() { return notes; }

    /** @return the raw data */
    public Map<String, Object> data() { return data; }

    /** Appends rows to one table. */
    public static final class TableBuilder {
        private final Table table;

        TableBuilder(Table table) {
            this.table = table;
        }

        /**
         * Appends a row.
         *
         * @param cells one value per column
         * @return this
         * @throws IllegalArgumentException when the number of cells differs from the number of columns
         */
        public TableBuilder row(Object... cells) {
            if (cells.length != table.columns().size()) {
                throw new IllegalArgumentException("row has " + cells.length + " cells, table '" + table.title()
                        + "' has " + table.columns().size() + " columns");
            }
            table.rows().add(new ArrayList<>(Arrays.asList(cells)));
            return this;
        }
    }
}
