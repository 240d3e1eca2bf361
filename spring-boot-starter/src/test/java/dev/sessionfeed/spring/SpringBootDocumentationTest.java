package dev.sessionfeed.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/spring-boot.md stays true: every Java block is code that a test compiles and runs (it appears, ignoring
 * indentation, in one of the sources below), and every {@code sessionfeed.*} property it names is one the starter
 * declares (the configuration metadata the processor generated).
 */
class SpringBootDocumentationTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern JAVA = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PROPERTY = Pattern.compile("(?<![\\w.-])(sessionfeed\\.[a-z][a-z0-9.-]*[a-z0-9])");
    private static final List<String> SOURCES = List.of(
            "spring-boot-starter/src/test/java/dev/sessionfeed/spring/DocumentedBeans.java",
            "spring-boot-starter/src/test/java/dev/sessionfeed/spring/app/DashboardTestApp.java",
            "spring-boot-starter/src/test/java/dev/sessionfeed/spring/app/StarterContract.java",
            "examples/spring-boot/src/main/java/db/migration/V1__SessionFeedSchema.java");

    private static String doc() throws Exception {
        Path doc = ROOT.resolve("docs/spring-boot.md");
        if (!Files.exists(doc)) {
            doc = ROOT.resolve("../docs/spring-boot.md");   // run from spring-boot-starter/boot3-tests
        }
        return Files.readString(doc);
    }

    private static String normalized(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void everyJavaBlockIsCodeThatATestCompilesAndRuns() throws Exception {
        Path root = Files.exists(ROOT.resolve("docs/spring-boot.md")) ? ROOT : ROOT.getParent();
        StringBuilder all = new StringBuilder();
        for (String s : SOURCES) {
            all.append(normalized(Files.readString(root.resolve(s))));
        }
        Matcher m = JAVA.matcher(doc());
        int blocks = 0;
        while (m.find()) {
            blocks++;
            assertThat(all.toString()).as("java block %d of docs/spring-boot.md appears in %s", blocks, SOURCES)
                    .contains(normalized(m.group(1)));
        }
        assertThat(blocks).isGreaterThanOrEqualTo(4);
    }

    @Test
    void everySessionFeedPropertyItNamesExists() throws Exception {
        JsonNode metadata = new ObjectMapper().readTree(SpringBootDocumentationTest.class
                .getResourceAsStream("/META-INF/spring-configuration-metadata.json"));
        Set<String> declared = new HashSet<>();
        metadata.path("properties").forEach(p -> declared.add(p.path("name").asText()));
        metadata.path("groups").forEach(g -> declared.add(g.path("name").asText()));
        assertThat(declared).contains("sessionfeed.allowed-origins", "sessionfeed.websocket.max-connections");

        List<String> unknown = new ArrayList<>();
        Matcher m = PROPERTY.matcher(doc());
        while (m.find()) {
            String name = m.group(1);
            if (!declared.contains(name) && declared.stream().noneMatch(d -> name.startsWith(d + ".") && d.endsWith("role-permissions"))) {
                unknown.add(name);
            }
        }
        assertThat(unknown).as("sessionfeed.* names in docs/spring-boot.md that the starter does not declare").isEmpty();
    }
}
