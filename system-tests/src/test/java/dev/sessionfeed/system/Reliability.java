package dev.sessionfeed.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each scenario's measured figure as {@code target/reliability/<scenario>.json} and, with
 * {@code -Dsessionfeed.reliability.write=true}, regenerates {@code docs/reliability.md} from all recorded files
 * after every record (so the table is complete once the last scenario ran).
 */
final class Reliability {

    private static final Logger log = LoggerFactory.getLogger(Reliability.class);

    /** Profiles: {@code -Dsessionfeed.system.long=true} for nightly runs. */
    static boolean longProfile() {
        return Boolean.getBoolean("sessionfeed.system.long");
    }

    private Reliability() {
    }

    /**
     * Records one scenario.
     *
     * @param scenario the test's name, also the file name
     * @param title    what it shows, for the table
     * @param figure   the measured figure, as text with its unit
     * @param goal     the goal, as text
     * @param details  further measured values
     */
    static synchronized void record(String scenario, String title, String figure, String goal, Map<String, ?> details) {
        Path dir = Path.of(System.getProperty("sessionfeed.reliability.dir", "target/reliability"));
        ObjectNode n = AdminClient.JSON.createObjectNode();
        n.put("scenario", scenario);
        n.put("title", title);
        n.put("figure", figure);
        n.put("goal", goal);
        n.put("profile", longProfile() ? "long" : "ci");
        n.put("measuredAt", Instant.now().toString());
        n.put("cpus", Runtime.getRuntime().availableProcessors());
        n.set("details", AdminClient.JSON.valueToTree(new LinkedHashMap<>(details)));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(scenario + ".json"), AdminClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reliability record of " + scenario, e);
        }
        log.info("RELIABILITY {}: {} (goal {}) {}", scenario, figure, goal, details);
        if (Boolean.getBoolean("sessionfeed.reliability.write")) {
            writeDoc(dir, Path.of(System.getProperty("sessionfeed.reliability.doc", "../docs/reliability.md")));
        }
    }

    static void writeDoc(Path dir, Path doc) {
        List<JsonNode> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                records.add(AdminClient.JSON.readTree(p.toFile()));
            }
            String before = Files.exists(doc) ? Files.readString(doc) : "";
            String table = table(records);
            String begin = "<!-- reliability-table:begin -->";
            String end = "<!-- reliability-table:end -->";
            int b = before.indexOf(begin);
            int e = before.indexOf(end);
            String after = b >= 0 && e > b
                    ? before.substring(0, b + begin.length()) + "\n" + table + before.substring(e)
                    : before + "\n" + begin + "\n" + table + end + "\n";
            Files.createDirectories(doc.toAbsolutePath().getParent());
            Files.writeString(doc, after, StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot regenerate " + doc, ex);
        }
    }

    private static String table(List<JsonNode> records) {
        StringBuilder sb = new StringBuilder();
        sb.append("| scenario (test) | measured | goal | details | profile, measured at |\n");
        sb.append("|---|---|---|---|---|\n");
        for (JsonNode r : records) {
            StringBuilder details = new StringBuilder();
            r.path("details").properties().forEach(f -> {
                if (details.length() > 0) {
                    details.append("; ");
                }
                details.append(f.getKey()).append('=').append(f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
            });
            sb.append("| ").append(r.path("title").asText()).append(" (`").append(r.path("scenario").asText()).append("`) | **")
                    .append(r.path("figure").asText()).append("** | ").append(r.path("goal").asText()).append(" | ")
                    .append(details.toString().replace("|", "\\|")).append(" | ").append(r.path("profile").asText()).append(", ")
                    .append(r.path("measuredAt").asText(), 0, Math.min(16, r.path("measuredAt").asText().length())).append("Z, ")
                    .append(r.path("cpus").asInt()).append(" cpus |\n");
        }
        return sb.toString();
    }

    static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static String ms(java.time.Duration d) {
        return d.toMillis() + " ms";
    }
}
