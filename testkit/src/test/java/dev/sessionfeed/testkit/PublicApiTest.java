package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The testkit's public types are exactly those listed in {@code docs/api/testkit.md}. The jar is an automatic
 * module (every package is exported), so every package of the compiled classes is scanned.
 */
class PublicApiTest {

    private static final Pattern LISTED = Pattern.compile("^- `([\\w.]+)`");

    @Test
    void publicTypesAreExactlyTheDocumentedOnes() throws Exception {
        assertThat(compiledPublicTypes()).isEqualTo(documentedTypes());
    }

    private static Set<String> compiledPublicTypes() throws Exception {
        Path classes = Path.of(PostgresServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String binary = classes.relativize(p).toString().replace(p.getFileSystem().getSeparator(), ".");
                binary = binary.substring(0, binary.length() - ".class".length());
                if (binary.endsWith("module-info") || binary.endsWith("package-info")) {
                    continue;
                }
                Class<?> c = Class.forName(binary, false, PublicApiTest.class.getClassLoader());
                if (isReachable(c)) {
                    names.add(c.getCanonicalName());
                }
            }
        }
        return names;
    }

    /** Public, and public all the way out (a public type nested in a package-private one is not API). */
    private static boolean isReachable(Class<?> c) {
        for (Class<?> t = c; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> documentedTypes() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "api", "testkit.md"))) {
            Matcher m = LISTED.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        assertThat(names).as("types listed in docs/api/testkit.md").isNotEmpty();
        return names;
    }
}
