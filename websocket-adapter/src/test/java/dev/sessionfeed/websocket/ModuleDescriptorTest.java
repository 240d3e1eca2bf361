package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The adapter's module exports only its API package; the WebSocket API is a dependency of its API. */
class ModuleDescriptorTest {

    private static ModuleDescriptor descriptor() throws Exception {
        Path classes = Path.of(SessionFeedEndpoint.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsOnlyTheApiPackage() throws Exception {
        ModuleDescriptor d = descriptor();
        assertThat(d.name()).isEqualTo("dev.sessionfeed.websocket");
        assertThat(d.exports()).hasSize(1);
        ModuleDescriptor.Exports e = d.exports().iterator().next();
        assertThat(e.source()).isEqualTo("dev.sessionfeed.websocket");
        assertThat(e.targets()).isEmpty();
        assertThat(d.opens()).isEmpty();
    }

    @Test
    void readsTheWebSocketApiAndOptionallyTheServletApi() throws Exception {
        Set<String> requires = descriptor().requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertThat(requires).contains("dev.sessionfeed.core", "jakarta.websocket", "jakarta.servlet", "org.slf4j");
        assertThat(descriptor().requires()).filteredOn(r -> r.name().equals("jakarta.servlet"))
                .allMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC));
    }
}
