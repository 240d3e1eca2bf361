package dev.sessionfeed.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The binder's module exports only its API package and passes on the modules its API names. */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws Exception {
        Path classes = Path.of(SessionFeedMetrics.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsOnlyTheApiPackage() throws Exception {
        ModuleDescriptor d = descriptor();
        assertThat(d.name()).isEqualTo("dev.sessionfeed.micrometer");
        assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.sessionfeed.micrometer");
        assertThat(d.exports()).allMatch(e -> e.targets().isEmpty());
        assertThat(d.opens()).isEmpty();
    }

    @Test
    void requiresCoreTheAdapterAndMicrometerTransitively() throws Exception {
        assertThat(descriptor().requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name).collect(Collectors.toSet()))
                .contains("dev.sessionfeed.core", "dev.sessionfeed.websocket", "micrometer.core");
    }
}
