package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.jdbc.PollingChangeSource.Detection;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Holds docs/core.md's polling section and the README's configuration rows to the detection modes the code has. */
class PollingDocumentationTest {

    private static String read(Path p) throws Exception {
        assertThat(p).exists();
        return Files.readString(p);
    }

    private static String pollingSection() throws Exception {
        String doc = read(Path.of("..", "docs", "core.md"));
        int start = doc.indexOf("## Polling change detection");
        assertThat(start).as("docs/core.md has a polling section").isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    @Test
    void thePollingSectionHasARowForEveryDetectionModeAndNamesTheDefault() throws Exception {
        String section = pollingSection();
        for (Detection d : Detection.values()) {
            assertThat(section).as("docs/core.md's polling table row for %s", d).contains("\n| `" + d.name() + "`");
        }
        assertThat(section).contains("| `XMIN` (default) |");
        SessionTable t = SessionTable.defaults();
        assertThat(PollingChangeSource.defaultDetectionQuery(t)).isEqualTo(DetectionQuery.sql(t, Detection.XMIN));
    }

    @Test
    void theReadmeConfigurationTableListsDetectionWithItsDefault() throws Exception {
        String readme = read(Path.of("..", "README.md"));
        assertThat(readme).contains("| `PollingChangeSource` | `detection` | `XMIN` |");
        for (Detection d : Detection.values()) {
            assertThat(readme).as("README mentions %s", d).contains("`" + d.name() + "`");
        }
    }
}
