package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/server.md stays true: its configuration table is the settings, and every setting name it uses exists. */
class ServerDocumentationTest {

    private static final Path DOC = Path.of("../docs/server.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z0-9_]+)`( \\(secret\\))? \\| ([^|]+) \\| ([^|]+) \\|$", Pattern.MULTILINE);
    /** Names the doc uses that are not server settings: the log level (logback) and the Node example's own. */
    private static final Set<String> OTHER_NAMES = Set.of("SESSIONFEED_LOG_LEVEL", "SESSIONFEED_URL");

    @Test
    void theConfigurationTableListsEverySettingInOrderWithItsDefaultAndSecrecy() throws IOException {
        List<String> documented = new ArrayList<>();
        Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find()) {
            Setting s = Setting.valueOf(m.group(1));
            documented.add(s.name());
            String expectedDefault = s.defaultValue() == null ? "—" : s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
            assertThat(m.group(3).trim()).as("default of %s", s).isEqualTo(expectedDefault);
            assertThat(m.group(2) != null).as("%s marked secret", s).isEqualTo(s.secret());
            assertThat(m.group(4).trim()).as("meaning of %s", s).isEqualTo(s.description());
        }
        assertThat(documented).isEqualTo(Arrays.stream(Setting.values()).map(Enum::name).toList());
    }

    @Test
    void everySettingNameTheDocUsesExists() throws IOException {
        Set<String> unknown = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(SESSIONFEED_[A-Z0-9_]+|DATABASE_URL)\\b").matcher(Files.readString(DOC));
        while (m.find()) {
            String name = m.group(1);
            if (!OTHER_NAMES.contains(name) && Arrays.stream(Setting.values()).noneMatch(s -> s.name().equals(name))) {
                unknown.add(name);
            }
        }
        assertThat(unknown).isEmpty();
    }

    @Test
    void theNodeExampleFilesTheDocLinksExist() throws IOException {
        Matcher m = Pattern.compile("\\(\\.\\./(server/src/test/node/[\\w.-]+)\\)").matcher(Files.readString(DOC));
        List<String> linked = new ArrayList<>();
        while (m.find()) {
            linked.add(m.group(1));
        }
        assertThat(linked).isNotEmpty().allSatisfy(p -> assertThat(Path.of("..", p)).exists());
    }
}
