package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
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

    @Test
    void signalLagRunsFromEachSignalsArrivalUntilItsDeltaIsPublished() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();
        FeedStats before = h.feed.stats();
        assertThat(before.signalsPublished()).isZero();
        assertThat(before.signalLagNanos()).isZero();

        // Two signals that arrived 5 s ago (as after an outage of the rebuild), one for a row that did not change.
        long fiveSecondsAgo = System.nanoTime() - TimeUnit.SECONDS.toNanos(5);
        h.db.put(session("a", "active", 2));
        h.source.fire(new ChangeSignal(ChangeAction.UPDATE, "a", fiveSecondsAgo));
        h.source.fire(new ChangeSignal(ChangeAction.UPDATE, "nothing-changed", fiveSecondsAgo));
        h.sync();

        FeedStats after = h.feed.stats();
        assertThat(after.signalsPublished()).isEqualTo(2);
        assertThat(after.signalLagNanos()).isGreaterThanOrEqualTo(2 * TimeUnit.SECONDS.toNanos(5));
        assertThat(after.signalsWithCommitTime()).isZero();
        assertThat(after.commitLagNanos()).isZero();
    }

    @Test
    void commitLagRunsFromTheCommitTimeTheSourceKnowsUntilPublishOnTheFeedsClock() throws Exception {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        h.db.put(session("a", "waiting", 1));
        h.start(b -> b.clock(Clock.fixed(now, ZoneOffset.UTC)));

        h.db.put(session("a", "active", 2));
        h.source.fire(ChangeSignal.committed(ChangeAction.UPDATE, "a", now.minusMillis(3_000)));
        h.source.fire(ChangeSignal.committed(ChangeAction.UPDATE, "a", now.minusMillis(1_000)));
        h.source.fire(ChangeAction.UPDATE, "a"); // a source that does not know the commit time
        h.sync();

        FeedStats s = h.feed.stats();
        assertThat(s.signalsPublished()).isEqualTo(3);
        assertThat(s.signalsWithCommitTime()).isEqualTo(2);
        assertThat(s.commitLagNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(3_000 + 1_000));
    }

    @Test
    void aFailedReadKeepsItsSignalsLagUntilTheRetryPublishes() throws Exception {
        Instant now = Instant.parse("2026-12-04T12:00:00Z");
        h.db.put(session("a", "waiting", 1));
        h.start(b -> b.clock(Clock.fixed(now, ZoneOffset.UTC)));
        h.db.failWith(new IllegalStateException("database down"));
        h.db.put(session("a", "active", 2));
        h.source.fire(ChangeSignal.committed(ChangeAction.UPDATE, "a", now.minusMillis(2_000)));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.feed.stats().rebuildFailures() > 0);
        assertThat(h.feed.stats().signalsPublished()).isZero();

        h.db.failWith(null);

        await().atMost(Duration.ofSeconds(10)).until(() -> h.feed.stats().signalsPublished() == 1);
        assertThat(h.feed.stats().signalsWithCommitTime()).isEqualTo(1);
        assertThat(h.feed.stats().commitLagNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(2_000));
    }

    @Test
    void fullAndByIdRebuildTimesAddUpToTheRebuildTime() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();
        h.source.changed("a");
        h.sync();
        h.feed.requestResync("test");
        h.sync();

        FeedStats s = h.feed.stats();
        assertThat(s.rebuildsFull()).isGreaterThanOrEqualTo(2);
        assertThat(s.rebuildsById()).isPositive();
        assertThat(s.rebuildFullNanos()).isPositive();
        assertThat(s.rebuildByIdNanos()).isPositive();
        assertThat(s.rebuildFullNanos() + s.rebuildByIdNanos()).isEqualTo(s.rebuildNanos());
    }
}
