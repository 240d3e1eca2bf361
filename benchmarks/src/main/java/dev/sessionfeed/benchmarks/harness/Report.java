package dev.sessionfeed.benchmarks.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes {@code results/<scenario>.json} and regenerates the results part of {@code BENCHMARKS.md} from all JSON
 * files in the results folder (so a {@code --only} run refreshes one scenario and keeps the others).
 *
 * <p>The Markdown file keeps everything outside the markers {@value #BEGIN} / {@value #END}; only the part between
 * them is generated.
 */
public final class Report {

    /** Start of the generated part of BENCHMARKS.md. */
    public static final String BEGIN = "<!-- BEGIN GENERATED RESULTS (benchmarks/results/*.json; do not edit by hand) -->";
    /** End of the generated part of BENCHMARKS.md. */
    public static final String END = "<!-- END GENERATED RESULTS -->";

    /** Preferred scenario order in the report. */
    public static final List<String> ORDER = List.of("floor", "latency", "dbload", "burst", "fanout", "bytes",
            "stalled", "heap", "recovery", "jmh");

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /**
     * Writes one scenario's JSON.
     *
     * @param dir     the results folder
     * @param result  the result
     * @param header  run metadata (suite, date, duration, environment, server)
     * @return the file written
     */
    public static Path writeJson(Path dir, ScenarioResult result, Map<String, Object> header) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("scenario", result.scenario());
        root.put("title", result.title());
        header.forEach((k, v) -> root.set(k, MAPPER.valueToTree(v)));
        root.set("goals", MAPPER.valueToTree(result.goals()));
        root.set("tables", MAPPER.valueToTree(result.tables()));
        root.set("notes", MAPPER.valueToTree(result.notes()));
        root.set("data", MAPPER.valueToTree(result.data()));
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(result.scenario() + ".json");
            Files.writeString(file, MAPPER.writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + dir, e);
        }
    }

    /**
     * Regenerates the results part of the Markdown file.
     *
     * @param resultsDir the folder with the JSON files
     * @param markdown   BENCHMARKS.md
     */
    public static void regenerateMarkdown(Path resultsDir, Path markdown) {
        List<JsonNode> results = readAll(resultsDir);
        StringBuilder gen = new StringBuilder();
        gen.append(BEGIN).append("\n\n");
        renderSummary(gen, results);
        for (JsonNode r : results) {
            renderScenario(gen, r);
        }
        gen.append(END);
        try {
            String existing = Files.exists(markdown) ? Files.readString(markdown, StandardCharsets.UTF_8) : "";
            int b = existing.indexOf(BEGIN);
            int e = existing.indexOf(END);
            String out;
            if (b >= 0 && e > b) {
                out = existing.substring(0, b) + gen + existing.substring(e + END.length());
            } else {
                out = "# SessionFeed benchmarks\n\n" + existing + (existing.isEmpty() ? "" : "\n\n") + gen + "\n";
            }
            Files.writeString(markdown, out, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot update " + markdown, ex);
        }
    }

    private static List<JsonNode> readAll(Path dir) {
        List<JsonNode> list = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return list;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json")).sorted()::iterator) {
                list.add(MAPPER.readTree(p.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read results from " + dir, e);
        }
        list.sort((a, b) -> Integer.compare(rank(a.path("scenario").asText()), rank(b.path("scenario").asText())));
        return list;
    }

    private static int rank(String scenario) {
        int i = ORDER.indexOf(scenario);
        return i < 0 ? ORDER.size() : i;
    }

    private static void renderSummary(StringBuilder out, List<JsonNode> results) {
        if (results.isEmpty()) {
            out.append("_No results yet._\n\n");
            return;
        }
        out.append("### Goals at a glance\n\n");
        out.append("| scenario | goal | measured | verdict | comment |\n|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            for (JsonNode g : r.path("goals")) {
                String verdict = g.path("verdict").asText();
                String mark = switch (verdict) {
                    case "met" -> "✅ met";
                    case "missed" -> "❌ missed";
                    default -> "⏳ " + verdict;
                };
                out.append("| ").append(r.path("scenario").asText()).append(" | ").append(esc(g.path("goal").asText()))
                        .append(" | ").append(esc(g.path("measured").asText())).append(" | ").append(mark)
                        .append(" | ").append(esc(g.path("comment").asText())).append(" |\n");
            }
        }
        out.append("\n");
    }

    private static void renderScenario(StringBuilder out, JsonNode r) {
        out.append("### ").append(r.path("scenario").asText()).append(" — ").append(r.path("title").asText()).append("\n\n");
        JsonNode env = r.path("environment");
        JsonNode srv = r.path("server");
        out.append("_Run ").append(r.path("date").asText()).append(", suite `").append(r.path("suite").asText())
                .append("`, ").append(Fmt.num(r.path("durationSeconds").asDouble())).append(" s; ")
                .append(env.path("cores").asText()).append(" cores, ").append(env.path("memory").asText()).append(", ")
                .append(env.path("jvm").asText());
        if (srv.has("postgresVersion")) {
            out.append(", PostgreSQL ").append(srv.path("postgresVersion").asText())
                    .append(" (fsync=").append(srv.path("fsync").asText())
                    .append(", synchronous_commit=").append(srv.path("synchronous_commit").asText()).append(")");
        }
        out.append("; command: `").append(env.path("command").asText()).append("`_\n\n");
        if (r.hasNonNull("error")) {
            out.append("**Failed:** `").append(esc(r.path("error").asText())).append("`\n\n");
        }
        for (JsonNode t : r.path("tables")) {
            out.append("**").append(esc(t.path("title").asText())).append("**\n\n|");
            for (JsonNode c : t.path("columns")) {
                out.append(' ').append(esc(c.asText())).append(" |");
            }
            out.append("\n|");
            for (int i = 0; i < t.path("columns").size(); i++) {
                out.append("---|");
            }
            out.append('\n');
            for (JsonNode row : t.path("rows")) {
                out.append('|');
                for (Iterator<JsonNode> it = row.elements(); it.hasNext(); ) {
                    out.append(' ').append(cell(it.next())).append(" |");
                }
                out.append('\n');
            }
            out.append('\n');
        }
        if (r.path("notes").size() > 0) {
            for (JsonNode n : r.path("notes")) {
                out.append("- ").append(n.asText()).append('\n');
            }
            out.append('\n');
        }
    }

    private static String cell(JsonNode v) {
        if (v.isNull()) {
            return "";
        }
        if (v.isIntegralNumber()) {
            return Fmt.cell(v.asLong());
        }
        if (v.isNumber()) {
            return Fmt.num(v.asDouble());
        }
        if (v.isTextual() && v.asText().equals("NaN")) {
            return "n/a";
        }
        return esc(v.asText());
    }

    private static String esc(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
