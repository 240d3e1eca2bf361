package dev.sessionfeed.examples.jakartaee;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/jakarta-ee.md shows what the tests run: the WildFly CLI script and the sample's settings. */
class JakartaEeDocumentationTest {

    private static final Path DOC = Path.of("..", "..", "docs", "jakarta-ee.md");

    private static String doc() throws IOException {
        return Files.readString(DOC, StandardCharsets.UTF_8);
    }

    private static List<String> firstBlockAfter(String doc, String heading) {
        int at = doc.indexOf(heading);
        assertThat(at).as(heading + " in " + DOC).isNotNegative();
        Matcher m = Pattern.compile("```[a-z]*\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find(at)).isTrue();
        return m.group(1).lines().toList();
    }

    @Test
    void theWildFlyStepsAreTheScriptTheTestsRun() throws IOException {
        String script;
        try (InputStream in = getClass().getResourceAsStream("/wildfly/configure.cli")) {
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<String> expected = script.lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.contains("deployment-scanner"))
                .map(l -> l.replace("${pgjdbc.jar}", "/path/to/postgresql-42.7.8.jar"))
                .toList();
        assertThat(firstBlockAfter(doc(), "## WildFly")).containsExactlyElementsOf(expected);
    }

    @Test
    void everySettingTheSampleReadsIsDocumented() throws IOException {
        String doc = doc();
        for (String property : List.of("sessionfeed.allowedOrigins", "sessionfeed.listen.jdbcUrl", "sessionfeed.listen.user",
                "sessionfeed.listen.password")) {
            assertThat(doc).contains("`" + property + "`");
            String env = property.replace('.', '_').replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
            assertThat(doc).contains(env);
        }
        assertThat(FeedSettings.from(name -> name.equals("sessionfeed.allowedOrigins") ? " https://a.test , https://b.test" : null)
                .allowedOrigins()).containsExactly("https://a.test", "https://b.test");
    }

    @Test
    void theRolesInTheDocAreTheOnesTheAuthenticatorMaps() throws IOException {
        assertThat(doc()).contains("`" + RealmAuthenticator.ADMIN_ROLE + "`", "`" + RealmAuthenticator.VIEWER_ROLE + "`");
    }
}
