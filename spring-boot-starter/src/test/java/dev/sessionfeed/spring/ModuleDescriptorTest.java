package dev.sessionfeed.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The starter's module exports only its API package, opens it to Spring alone, and needs Spring Security,
 * Actuator, Micrometer and the Servlet API only when the application has them.
 */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws Exception {
        Path classes = Path.of(SessionFeedAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsOnlyTheApiPackageAndOpensItToSpringOnly() throws Exception {
        ModuleDescriptor d = descriptor();
        assertThat(d.name()).isEqualTo("dev.sessionfeed.spring");
        assertThat(d.exports()).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("dev.sessionfeed.spring");
            assertThat(e.targets()).isEmpty();
        });
        assertThat(d.opens()).singleElement().satisfies(o ->
                assertThat(o.targets()).containsExactlyInAnyOrder("spring.core", "spring.beans", "spring.context"));
    }

    @Test
    void optionalIntegrationsAreStaticRequires() throws Exception {
        Map<String, ModuleDescriptor.Requires> requires = descriptor().requires().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Requires::name, r -> r));
        for (String optional : Set.of("spring.security.core", "spring.boot.actuator", "micrometer.core",
                "dev.sessionfeed.micrometer", "jakarta.servlet")) {
            assertThat(requires.get(optional).modifiers()).as(optional).contains(ModuleDescriptor.Requires.Modifier.STATIC);
        }
        assertThat(requires).containsKeys("dev.sessionfeed.core", "dev.sessionfeed.websocket", "dev.sessionfeed.pg",
                "spring.boot.autoconfigure");
    }
}
