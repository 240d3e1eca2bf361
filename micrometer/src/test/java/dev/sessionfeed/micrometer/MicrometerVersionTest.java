package dev.sessionfeed.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

/**
 * The test run uses the Micrometer it says it does: 1.16 (Spring Boot 4.0's) in the default run, 1.15 (Spring Boot
 * 3.5's) in the {@code micrometer-boot3} run, so that run proves the binder works on both.
 */
class MicrometerVersionTest {

    @Test
    void theMicrometerOnTheClassPathIsTheOneThisRunIsFor() throws Exception {
        String expected = System.getProperty("sessionfeed.test.micrometerVersion");
        assertThat(expected).as("set by the surefire configuration").isNotBlank();
        String jar = MeterRegistry.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertThat(jar).endsWith("micrometer-core-" + expected + ".jar");
    }
}
