package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.InMemoryBroadcaster.StatusChange;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Status tracking: read failures, recovery, the source's own status. */
class SessionFeedStatusTest {

    private static final Duration DEADLINE = Duration.ofSeconds(10);

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void closeFeed() {
        h.close();
    }

    @Test
    void aFailingReadMakesTheFeedRecoveringUntilReadsWorkAgain() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();

        h.db.failWith(new SessionFeedException("database down"));
        h.db.put(session("b", "waiting", 2));
        h.source.changed("b");

        await().atMost(DEADLINE).until(() -> h.feed.status() == FeedStatus.RECOVERING);
        await().atMost(DEADLINE).until(() -> h.out.latestStatus() == FeedStatus.RECOVERING);
        assertThat(h.feed.statusReason()).doesNotContain("database down");
        assertThat(h.feed.current().seq()).isZero();

        h.db.failWith(null);

        await().atMost(DEADLINE).until(() -> h.out.latestStatus() == FeedStatus.LIVE);
        assertThat(h.feed.status()).isEqualTo(FeedStatus.LIVE);
        h.sync();
        assertThat(h.feed.current().sessions()).isEqualTo(h.db.peek().sessions());
        assertThat(h.out.statusChanges()).extracting(StatusChange::status)
                .containsExactly(FeedStatus.RECOVERING, FeedStatus.LIVE);
    }

    @Test
    void tellsTheObserverAboutFailedReads() {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        h.start(b -> b.observer(new FeedObserver() {
            @Override
            public void onRebuildFailed(Throwable error) {
                failures.add(error);
            }
        }));
        SessionFeedException down = new SessionFeedException("database down");
        h.db.failWith(down);

        h.source.changed("a");

        await().atMost(DEADLINE).until(() -> !failures.isEmpty());
        assertThat(failures).allSatisfy(f -> assertThat(f).isSameAs(down));
    }

    @Test
    void aRefreshFailsWhenItsReadFails() {
        h.start();
        h.db.failWith(new SessionFeedException("database down"));

        CompletableFuture<Long> refreshed = h.feed.refresh(List.of("a"));

        assertThatThrownBy(() -> refreshed.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("database read failed")
                .hasRootCauseMessage("database down");
    }

    @Test
    void startsEmptyAndRecoveringWhenTheFirstReadFailsThenCatchesUp() {
        h.db.put(session("a", "waiting", 1));
        h.db.failWith(new SessionFeedException("database down"));

        SessionFeed feed = h.start();

        assertThat(feed.status()).isEqualTo(FeedStatus.RECOVERING);
        assertThat(feed.current().seq()).isZero();
        assertThat(feed.current().sessions()).isEmpty();
        await().atMost(DEADLINE).until(() -> h.out.latestStatus() == FeedStatus.RECOVERING);
        await().atMost(DEADLINE).until(() -> h.db.readsStarted() >= 3);

        h.db.failWith(null);

        await().atMost(DEADLINE).until(() -> feed.status() == FeedStatus.LIVE && feed.current().seq() == 1);
        assertThat(feed.current().sessions()).extracting(ChatSession::id).containsExactly("a");
        assertThat(h.out.latestStatus()).isEqualTo(FeedStatus.LIVE);
    }

    @Test
    void followsTheSourceStatusAndTellsBroadcasters() {
        h.start();

        h.source.reportStatus(FeedStatus.DEGRADED, "listener down, polling");
        await().atMost(DEADLINE).until(() -> h.out.latestStatus() == FeedStatus.DEGRADED);
        assertThat(h.feed.status()).isEqualTo(FeedStatus.DEGRADED);
        assertThat(h.feed.statusReason()).isEqualTo("listener down, polling");

        h.source.reportStatus(FeedStatus.LIVE, "listener back");
        await().atMost(DEADLINE).until(() -> h.out.latestStatus() == FeedStatus.LIVE);
        assertThat(h.out.statusChanges()).containsExactly(
                new StatusChange(FeedStatus.DEGRADED, "listener down, polling"),
                new StatusChange(FeedStatus.LIVE, "listener back"));
    }

    @Test
    void aReadFailureOverridesTheSourceStatus() {
        h.start();
        h.source.reportStatus(FeedStatus.DEGRADED, "polling");
        h.db.failWith(new SessionFeedException("database down"));
        h.source.changed("a");

        await().atMost(DEADLINE).until(() -> h.feed.status() == FeedStatus.RECOVERING);
        h.db.failWith(null);

        await().atMost(DEADLINE).until(() -> h.feed.status() == FeedStatus.DEGRADED);
        await().atMost(DEADLINE).until(() -> h.out.latestStatus() == FeedStatus.DEGRADED);
    }

    @Test
    void keepsReconcilingAfterFailedReads() {
        h.start(b -> b.reconcileInterval(Duration.ofSeconds(1)));
        h.db.failWith(new SessionFeedException("database down"));
        await().atMost(DEADLINE).until(() -> h.feed.status() == FeedStatus.RECOVERING);

        h.db.failWith(null);
        h.db.put(session("silent", "waiting", 1));

        // No signal for "silent": only the periodic full rebuild can find it.
        await().atMost(DEADLINE).until(() -> h.feed.current().sessions().size() == 1);
        assertThat(h.feed.status()).isEqualTo(FeedStatus.LIVE);
    }
}
