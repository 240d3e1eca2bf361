package dev.sessionfeed.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness itself: clients get the state, follow writes, and equal the database. */
class SmokeTest {

    @Test
    void clientsFollowInsertsUpdatesAndDeletes() throws Exception {
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults())) {
            for (int i = 0; i < 20; i++) {
                h.db.apply(new Db.Insert(h.db.newId(), i % 3 == 0 ? "waiting" : "active", "subject " + i));
            }
            h.startNode();
            h.addClients(3);
            h.awaitSettled(Duration.ofSeconds(20));
            h.db.apply(new Db.Update("s-1"));
            h.db.apply(new Db.Delete("s-2"));
            h.db.transaction(List.of(new Db.Update("s-3"), new Db.Archive("s-4"), new Db.End("s-5"), new Db.Insert(h.db.newId(), "waiting", "x")));
            h.awaitSettled(Duration.ofSeconds(10));
            assertThat(h.clients().get(0).sessionCount()).isEqualTo(19);
            assertThat(h.orderViolations()).isEmpty();
        }
    }
}
