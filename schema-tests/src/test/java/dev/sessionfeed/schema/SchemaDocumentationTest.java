package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of {@code docs/schema.md} is code this module's tests run: its lines (indentation aside) appear,
 * in order and together, in one of the test sources, so the documented mappings are the ones the end-to-end checks
 * pass with.
 */
class SchemaDocumentationTest {

    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Path SOURCES = Path.of("src/test/java/dev/sessionfeed/schema");

    @Test
    void everyJavaBlockOfTheSchemaDocIsTestedCode() throws IOException {
        String doc = Files.readString(Path.of("../docs/schema.md"));
        List<List<String>> sources = new ArrayList<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                sources.add(lines(Files.readString(f)));
            }
        }
        Matcher m = BLOCK.matcher(doc);
        int blocks = 0;
        while (m.find()) {
            blocks++;
            List<String> block = lines(m.group(1));
            assertThat(sources.stream().anyMatch(src -> java.util.Collections.indexOfSubList(src, block) >= 0))
                    .as("docs/schema.md block %d is in a test source:%n%s", blocks, m.group(1)).isTrue();
        }
        assertThat(blocks).as("java blocks in docs/schema.md").isGreaterThanOrEqualTo(4);
    }

    private static List<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
