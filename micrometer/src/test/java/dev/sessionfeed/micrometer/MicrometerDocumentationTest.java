package dev.sessionfeed.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.FakeSessionFeed;
import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/micrometer.md} is true: its meter tables list exactly the meters the binder registers (name, type and
 * tags), and its Java examples compile and run against a fake feed, a manual source and a real endpoint.
 */
class MicrometerDocumentationTest {

    private static final Path DOC = Path.of("..", "docs", "micrometer.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(sessionfeed\\.[a-z.]+)` \\| ([a-z ]+) \\| [^|]+ \\| ([^|]+) \\|",
            Pattern.MULTILINE);
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = String.join("\n",
            "import dev.sessionfeed.*;",
            "import dev.sessionfeed.micrometer.*;",
            "import dev.sessionfeed.source.*;",
            "import dev.sessionfeed.websocket.*;",
            "import io.micrometer.core.instrument.*;");

    @Test
    void theMeterTablesListExactlyTheRegisteredMeters() throws Exception {
        Set<String> documented = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find()) {
            // "—", or "`key`: `v1`, `v2`" with a second key after "; " (a series per combination).
            List<String> combos = List.of("");
            String tags = m.group(3).trim();
            if (!tags.equals("—")) {
                for (String keyAndValues : tags.split(";")) {
                    String[] kv = keyAndValues.split(":", 2);
                    List<String> next = new ArrayList<>();
                    for (String prefix : combos) {
                        for (String v : kv[1].split(",")) {
                            next.add(prefix + (prefix.isEmpty() ? "" : ",") + kv[0].replace("`", "").trim() + "="
                                    + v.replace("`", "").trim());
                        }
                    }
                    combos = next;
                }
            }
            for (String c : combos) {
                documented.add(m.group(1) + " " + m.group(2) + " {" + c + "}");
            }
        }
        assertThat(documented).as("meter rows in docs/micrometer.md").hasSizeGreaterThan(30);

        Set<String> registered = new TreeSet<>();
        withParts((feed, source, endpoint, registry) -> {
            try (SessionFeedMetrics metrics = SessionFeedMetrics.builder(feed).source(source).endpoint(endpoint).build()) {
                metrics.bindTo(registry);
                for (Meter meter : registry.getMeters()) {
                    StringBuilder tags = new StringBuilder();
                    List<Tag> sorted = new ArrayList<>(meter.getId().getTags());
                    // the doc writes action before outcome; every other meter has at most one tag
                    sorted.sort((x, y) -> x.getKey().compareTo(y.getKey()));
                    for (Tag t : sorted) {
                        tags.append(tags.length() == 0 ? "" : ",").append(t.getKey()).append('=').append(t.getValue());
                    }
                    registered.add(meter.getId().getName() + " " + type(meter) + " {" + tags + "}");
                }
            }
        });
        assertThat(registered).isEqualTo(documented);
    }

    @Test
    void theJavaExamplesCompileAndRun(@TempDir Path out) throws Exception {
        List<String> bodies = new ArrayList<>();
        Matcher m = BLOCK.matcher(Files.readString(DOC));
        while (m.find()) {
            bodies.add(m.group(1));
        }
        assertThat(bodies).as("java blocks in docs/micrometer.md").hasSizeGreaterThanOrEqualTo(2);
        List<File> files = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            Path f = Files.createDirectories(out.resolve("src")).resolve("DocExample" + i + ".java");
            Files.writeString(f, IMPORTS + "\n\npublic final class DocExample" + i + " {\n    public static void run("
                    + "SessionFeed feed, SessionChangeSource source, SessionFeedEndpoint endpoint, MeterRegistry registry) {\n"
                    + bodies.get(i) + "    }\n}\n");
            files.add(f.toFile());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            boolean ok = javac.getTask(null, fm, diagnostics, List.of("-d", out.toString(), "-classpath", classPath(),
                    "-Xlint:all", "-Werror", "-proc:none"), null, fm.getJavaFileObjectsFromFiles(files)).call();
            assertThat(ok).as("the examples compile: %s", diagnostics.getDiagnostics()).isTrue();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            for (int i = 0; i < bodies.size(); i++) {
                var run = loader.loadClass("DocExample" + i).getMethod("run", SessionFeed.class, SessionChangeSource.class,
                        SessionFeedEndpoint.class, MeterRegistry.class);
                int example = i;
                withParts((feed, source, endpoint, registry) -> {
                    try {
                        run.invoke(null, feed, source, endpoint, registry);
                    } catch (InvocationTargetException e) {
                        throw new AssertionError("example " + example + " failed:\n" + bodies.get(example), e.getCause());
                    }
                    assertThat(registry.getMeters()).as("example %s removes what it bound", example).isEmpty();
                });
            }
        }
    }

    private static String type(Meter meter) {
        if (meter instanceof TimeGauge) {
            return "time gauge";
        }
        return meter.getId().getType().name().toLowerCase(Locale.ROOT);
    }

    interface PartsUser {
        void use(SessionFeed feed, SessionChangeSource source, SessionFeedEndpoint endpoint, MeterRegistry registry)
                throws Exception;
    }

    private static void withParts(PartsUser user) throws Exception {
        FakeSessionFeed feed = new FakeSessionFeed();
        try (ManualChangeSource source = new ManualChangeSource();
             SessionFeedEndpoint endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(h -> Optional.empty())
                     .allowedOrigins(Deployment.ORIGIN).commandHandler(new JdbcActions()).build())) {
            user.use(feed, source, endpoint, new SimpleMeterRegistry());
        }
    }

    /** A command handler with JdbcCommandHandler's actions; never asked to run one here. */
    private static final class JdbcActions implements dev.sessionfeed.command.CommandHandler {
        @Override
        public Set<String> actions() {
            return Set.of("end_session", "archive_session");
        }

        @Override
        public dev.sessionfeed.command.CommandResult handle(dev.sessionfeed.command.SessionCommand command, String actor) {
            throw new UnsupportedOperationException("not in this test");
        }
    }

    /** The jars and directories the examples use (surefire's own class path is one manifest jar). */
    private static String classPath() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(SessionFeed.class, SessionFeedMetrics.class, SessionFeedEndpoint.class,
                MeterRegistry.class, io.micrometer.common.KeyValue.class, jakarta.websocket.Endpoint.class,
                jakarta.websocket.server.ServerContainer.class, org.slf4j.Logger.class)) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        try {
            // Micrometer 1.16's annotations (1.15, which the second test run uses, has none).
            Class<?> nullable = Class.forName("org.jspecify.annotations.Nullable");
            entries.add(Path.of(nullable.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        } catch (ClassNotFoundException e) {
            // not needed
        }
        return String.join(File.pathSeparator, entries);
    }
}
