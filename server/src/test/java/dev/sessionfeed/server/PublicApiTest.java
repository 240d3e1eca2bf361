package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
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
 * The public surface is exactly the API: the public types in the exported packages are the ones listed in
 * {@code docs/api/server.md}, no more and no fewer.
 */
class PublicApiTest {

    private static final Pattern LISTED = Pattern.compile("^- `([\\w.$]+)`", Pattern.MULTILINE);

    @Test
    void publicTypesOfTheExportedPackagesAreExactlyTheDocumentedList() throws Exception {
        assertThat(compiledPublicTypes()).isEqualTo(documentedTypes());
    }

    private static Set<String> documentedTypes() throws Exception {
        String doc = Files.readString(Path.of("../docs/api/server.md"));
        Set<String> names = new TreeSet<>();
        Matcher m = LISTED.matcher(doc);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).as("types listed in the doc").isNotEmpty();
        return names;
    }

    private static Set<String> compiledPublicTypes() throws Exception {
        Path classes = Path.of(SessionFeedServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> exported = new TreeSet<>();
        try (var in = Files.newInputStream(classes.resolve("module-info.class"))) {
            ModuleDescriptor.read(in).exports().forEach(e -> exported.add(e.source()));
        }
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String binary = classes.relativize(p).toString().replace(p.getFileSystem().getSeparator(), ".")
                        .replaceAll("\\.class$", "");
                if (binary.equals("module-info")) {
                    continue;
                }
                Class<?> type = Class.forName(binary, false, PublicApiTest.class.getClassLoader());
                if (!exported.contains(type.getPackageName()) || type.isAnonymousClass() || type.isLocalClass()
                        || type.isSynthetic() || !isPublicAllTheWayOut(type)) {
                    continue;
                }
                names.add(type.getCanonicalName());
            }
        }
        return names;
    }

    private static boolean isPublicAllTheWayOut(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }
}
