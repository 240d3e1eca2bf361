package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The compiled module descriptor exports the API and SPI packages only. */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws Exception {
        // target/classes, where the main classes (and module-info.class) of this module are compiled to.
        Path classes = Path.of(SessionFeed.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsExactlyTheApiPackagesAndInternalOnlyToSessionFeedModules() throws Exception {
        ModuleDescriptor d = descriptor();

        Map<String, Set<String>> exports = d.exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));

        assertThat(d.name()).isEqualTo("dev.sessionfeed.core");
        assertThat(exports).isEqualTo(Map.of(
                "dev.sessionfeed", Set.of(),
                "dev.sessionfeed.source", Set.of(),
                "dev.sessionfeed.jdbc", Set.of(),
                "dev.sessionfeed.command", Set.of(),
                "dev.sessionfeed.protocol", Set.of(),
                "dev.sessionfeed.internal", Set.of("dev.sessionfeed.pg", "dev.sessionfeed.websocket", "dev.sessionfeed.testkit"),
                "dev.sessionfeed.internal.jdbc", Set.of("dev.sessionfeed.pg")));
        assertThat(d.opens()).isEmpty();
    }

    @Test
    void requiresNeitherTheDriverNorTheWebSocketApi() throws Exception {
        Set<String> requires = descriptor().requires().stream()
                .map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());

        assertThat(requires).doesNotContain("org.postgresql.jdbc", "jakarta.websocket", "jakarta.websocket.client");
        assertThat(requires).allMatch(r -> r.startsWith("java.") || r.startsWith("com.fasterxml.jackson.") || r.equals("org.slf4j"));
    }
}
