package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.source.ChangeAction;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SessionFeed#stats()} counts what the feed does, as it does it. */
class FeedStatsTest {

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void closeFeed() {
        h.close();
    }

    @Test
    void countsTheInitialReadAsAFullRebuildAndReportsTheStartingGauges() {
        h.db.put(session("a", "waiting", 1));
        h.db.put(session("b", "active", 2));

        FeedStats s = h.start().stats();

        assertThat(s.rebuildsFull()).isEqualTo(1);
        assertThat(s.rebuildsById()).isZero();
        assertThat(s.rebuilds()).isEqualTo(1);
        assertThat(s.rebuildNanos()).isPositive();
        assertThat(s.signalsReceived()).isZero();
        assertThat(s.resyncsRequested()).isZero();
        assertThat(s.refreshesRequested()).isZero();
        assertThat(s.rebuildFailures()).isZero();
        assertThat(s.deltasPublished()).isZero();
        assertThat(s.seq()).isZero();
        assertThat(s.sessions()).isEqualTo(2);
        assertThat(s.status()).isEqualTo(FeedStatus.LIVE);
    }

    @Test
    void countersMoveWithSignalsDeltasResyncsAndFailures() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();

        h.db.put(session("b", "waiting", 2));
        h.source.fire(ChangeAction.INSERT, "b");
        h.sync();
        FeedStats afterInsert = h.feed.stats();
        assertThat(afterInsert.signalsReceived()).isEqualTo(1);
        assertThat(afterInsert.refreshesRequested()).isEqualTo(1);
        assertThat(afterInsert.rebuildsById()).isPositive().isEqualTo(h.db.idReads());
        assertThat(afterInsert.rebuildsFull()).isEqualTo(1).isEqualTo(h.db.fullReads());
        assertThat(afterInsert.deltasPublished()).isEqualTo(1);
        assertThat(afterInsert.sessionsUpserted()).isEqualTo(1);
        assertThat(afterInsert.sessionsRemoved()).isZero();
        assertThat(afterInsert.seq()).isEqualTo(1);
        assertThat(afterInsert.sessions()).isEqualTo(2);

        h.db.remove("b");
        h.source.fire(ChangeAction.DELETE, "b");
        h.sync();
        FeedStats afterDelete = h.feed.stats();
        assertThat(afterDelete.signalsReceived()).isEqualTo(2);
        assertThat(afterDelete.deltasPublished()).isEqualTo(2);
        assertThat(afterDelete.sessionsRemoved()).isEqualTo(1);
        assertThat(afterDelete.seq()).isEqualTo(2);
        assertThat(afterDelete.sessions()).isEqualTo(1);
        assertThat(afterDelete.rebuildNanos()).isGreaterThan(afterInsert.rebuildNanos());

        h.source.resync("reconnected");
        h.feed.requestResync("operator");
        h.sync();
        FeedStats afterResync = h.feed.stats();
        assertThat(afterResync.resyncsRequested()).isEqualTo(2);
        assertThat(afterResync.rebuildsFull()).isGreaterThanOrEqualTo(2).isEqualTo(h.db.fullReads());
        assertThat(afterResync.rebuildsById()).isEqualTo(h.db.idReads());
        assertThat(afterResync.deltasPublished()).isEqualTo(2);
        assertThat(afterResync.rebuilds()).isEqualTo(afterResync.rebuildsFull() + afterResync.rebuildsById());

        h.db.failWith(new IllegalStateException("database down"));
        h.source.fire(ChangeAction.UPDATE, "a");
        await().atMost(Duration.ofSeconds(10)).until(() -> h.feed.stats().rebuildFailures() >= 1);
        FeedStats failing = h.feed.stats();
        assertThat(failing.status()).isEqualTo(FeedStatus.RECOVERING);
        assertThat(failing.signalsReceived()).isEqualTo(3);
        assertThat(failing.seq()).isEqualTo(2);
    }
}
