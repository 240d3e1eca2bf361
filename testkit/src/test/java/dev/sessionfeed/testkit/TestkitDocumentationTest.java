package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java examples in {@code docs/testkit.md} compile against the testkit, and run: each block becomes the body of
 * a method (with the imports below and a {@code TestDatabase database} parameter, null here). A block marked
 * {@code java compile-only} needs a running endpoint and is only compiled.
 */
class TestkitDocumentationTest {

    private static final Pattern BLOCK = Pattern.compile("```java( compile-only)?\\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = String.join("\n",
            "import static org.assertj.core.api.Assertions.assertThat;",
            "import dev.sessionfeed.*;",
            "import dev.sessionfeed.testkit.*;",
            "import java.net.URI;",
            "import java.time.Duration;",
            "import java.time.Instant;",
            "import java.util.List;",
            "import java.util.Map;",
            "import java.util.concurrent.TimeUnit;");

    record Example(String name, String body, boolean run) {
    }

    @Test
    void everyExampleCompilesAndTheRunnableOnesPass(@TempDir Path out) throws Exception {
        List<Example> examples = examples();
        assertThat(examples).as("java blocks in docs/testkit.md").hasSizeGreaterThanOrEqualTo(5);

        compile(examples, out);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader())) {
            for (Example e : examples) {
                if (e.run()) {
                    Method m = loader.loadClass(e.name()).getMethod("run", TestDatabase.class);
                    try {
                        m.invoke(null, (TestDatabase) null);
                    } catch (java.lang.reflect.InvocationTargetException failure) {
                        throw new AssertionError("example " + e.name() + " failed:\n" + e.body(), failure.getCause());
                    }
                }
            }
        }
    }

    private static List<Example> examples() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "testkit.md"));
        List<Example> examples = new ArrayList<>();
        Matcher m = BLOCK.matcher(doc);
        while (m.find()) {
            examples.add(new Example("DocExample" + (examples.size() + 1), m.group(2), m.group(1) == null));
        }
        return examples;
    }

    private static void compile(List<Example> examples, Path out) throws Exception {
        Path src = Files.createDirectories(out.resolve("src"));
        List<File> files = new ArrayList<>();
        for (Example e : examples) {
            Path f = src.resolve(e.name() + ".java");
            Files.writeString(f, IMPORTS + "\n\npublic final class " + e.name() + " {\n"
                    + "    public static void run(TestDatabase database) throws Exception {\n" + e.body() + "    }\n}\n");
            files.add(f.toFile());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", classPath(), "-Xlint:all", "-Werror",
                    "-proc:none");
            boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(files)).call();
            StringBuilder report = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                report.append(d.getSource() == null ? "" : d.getSource().getName()).append(':').append(d.getLineNumber())
                        .append(' ').append(d.getMessage(Locale.ROOT)).append('\n');
            }
            assertThat(ok).as("the examples compile:\n%s", report).isTrue();
        }
    }

    /** The directories and jars of what the examples use (surefire's own class path is one manifest jar). */
    private static String classPath() throws URISyntaxException {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(PostgresServer.class, dev.sessionfeed.SessionFeed.class,
                org.assertj.core.api.Assertions.class, com.fasterxml.jackson.databind.JsonNode.class,
                com.fasterxml.jackson.core.TreeNode.class, com.fasterxml.jackson.annotation.JsonInclude.class,
                org.junit.jupiter.api.extension.Extension.class, org.slf4j.Logger.class)) {
            entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
