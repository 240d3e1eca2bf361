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

    @Test
    void resumeWithinTheWindowReplaysAndBeyondItSendsTheFullState() throws Exception {
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults().replayWindow(8))) {
            for (int i = 0; i < 5; i++) {
                h.db.apply(new Db.Insert(h.db.newId(), "waiting", "subject " + i));
            }
            h.startNode();
            AdminClient a = h.addClient("a", true);
            h.awaitSettled(Duration.ofSeconds(20));
            a.disconnect();
            h.db.apply(new Db.Update("s-1"));
            h.db.apply(new Db.Update("s-2"));
            h.db.apply(new Db.Delete("s-3"));
            a.connect();
            h.awaitSettled(Duration.ofSeconds(10));
            assertThat(a.replayResumes()).isEqualTo(1);
            assertThat(a.fullResumes()).isZero();
            a.disconnect();
            for (int i = 0; i < 20; i++) {
                String id = "s-" + (1 + i % 2);
                h.db.apply(new Db.Update(id));
                long v = h.db.version(id);
                // One delta per update: wait until the feed published this one.
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> shownVersion(h, id) == v);
            }
            a.connect();
            h.awaitSettled(Duration.ofSeconds(10));
            assertThat(a.fullResumes()).as("seq %s of %s", a.seq(), h.node().feed.current().seq()).isEqualTo(1);
            assertThat(h.orderViolations()).isEmpty();
        }
    }

    private static long shownVersion(SystemHarness h, String id) {
        dev.sessionfeed.ChatSession s = h.node().feed.current().sessionsById().get(id);
        return s == null ? -1 : ((Number) s.attributes().get(Db.VERSION_COLUMN)).longValue();
    }
}
