package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static dev.sessionfeed.Sessions.withStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the engine publishes for which change. */
class SessionFeedPublishTest {

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void closeFeed() {
        h.close();
    }

    @Test
    void startsWithTheFullReadAsSeqZeroAndPublishesNothingForIt() {
        h.db.put(session("a", "waiting", 1));
        h.db.put(session("b", "active", 2));

        SessionFeed feed = h.start();

        Snapshot s = feed.current();
        assertThat(s.seq()).isZero();
        assertThat(s.epoch()).isEqualTo(FeedHarness.EPOCH);
        assertThat(s.sessions()).extracting(ChatSession::id).containsExactly("b", "a");
        assertThat(s.metrics().get("totalSessions")).isEqualTo(2L);
        assertThat(feed.status()).isEqualTo(FeedStatus.LIVE);
        assertThat(h.out.deltas()).isEmpty();
        assertThat(h.source.started()).isTrue();
    }

    @Test
    void publishesInsertUpdateAndDeleteAsContiguousDeltas() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();

        h.db.put(session("b", "waiting", 2));
        h.source.fire(ChangeAction.INSERT, "b");
        h.sync();
        h.db.put(withStatus(h.db.get("a"), "active", 3));
        h.source.fire(ChangeAction.UPDATE, "a");
        h.sync();
        h.db.remove("b");
        h.source.fire(ChangeAction.DELETE, "b");
        long seq = h.sync();

        List<SessionDelta> deltas = h.out.deltas();
        assertThat(deltas).extracting(SessionDelta::seq).containsExactly(1L, 2L, 3L);
        assertThat(deltas).extracting(SessionDelta::prevSeq).containsExactly(0L, 1L, 2L);
        assertThat(deltas).allSatisfy(d -> assertThat(d.epoch()).isEqualTo(FeedHarness.EPOCH));
        assertThat(deltas.get(0).upserted()).extracting(ChatSession::id).containsExactly("b");
        assertThat(deltas.get(1).upserted()).containsExactly(h.db.get("a"));
        assertThat(deltas.get(2).upserted()).isEmpty();
        assertThat(deltas.get(2).removed()).containsExactly("b");
        assertThat(seq).isEqualTo(3);
        assertThat(h.feed.current().seq()).isEqualTo(3);
        assertThat(h.feed.current().sessions()).containsExactly(h.db.get("a"));
        assertThat(h.out.latestSnapshot()).isEqualTo(h.feed.current());
    }

    @Test
    void publishesNothingWhenAReadFindsNoChange() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();
        int readsBefore = h.db.reads();

        h.source.changed("a");
        long seq = h.sync();
        h.source.resync("test");
        h.sync();

        assertThat(h.db.reads()).isGreaterThan(readsBefore);
        assertThat(seq).isZero();
        assertThat(h.feed.current().seq()).isZero();
        assertThat(h.out.deltas()).isEmpty();
    }

    @Test
    void publishesAMetricsOnlyChangeWithoutSessions() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();

        h.db.metric("longestWaitSeconds", 42);
        h.source.resync("metrics moved");
        h.sync();

        assertThat(h.out.deltas()).singleElement().satisfies(d -> {
            assertThat(d.sessionsChanged()).isFalse();
            assertThat(d.metricsChanged()).isTrue();
            assertThat(d.metrics().get("longestWaitSeconds")).isEqualTo(42);
        });
    }

    @Test
    void includesMetricsInADeltaOnlyWhenTheyChanged() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();

        h.db.put(withStatus(h.db.get("a"), "waiting", 5));
        h.source.changed("a");
        h.sync();

        assertThat(h.out.deltas()).singleElement().satisfies(d -> {
            assertThat(d.upserted()).extracting(ChatSession::messageCount).containsExactly(5L);
            assertThat(d.metrics()).isNull();
        });
    }

    @Test
    void removesARefreshedIdThatLeftTheScopeAndIgnoresUnknownOnes() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.db.put(session("b", "waiting", 2));
        h.start();

        h.db.remove("a");
        h.feed.refresh(List.of("a", "never-existed")).get(10, TimeUnit.SECONDS);

        assertThat(h.out.deltas()).singleElement().satisfies(d -> {
            assertThat(d.removed()).containsExactly("a");
            assertThat(d.upserted()).isEmpty();
        });
        assertThat(h.feed.current().sessions()).extracting(ChatSession::id).containsExactly("b");
    }

    @Test
    void putsNewSessionsFirstAndKeepsTheOrderOfExistingOnesOnARefresh() throws Exception {
        h.db.put(session("old", "waiting", 1));
        h.db.put(session("mid", "waiting", 2));
        h.start();

        h.db.put(session("new1", "waiting", 3));
        h.db.put(session("new2", "waiting", 4));
        h.db.put(withStatus(h.db.get("old"), "active", 1));
        h.feed.refresh(List.of("new1", "new2", "old")).get(10, TimeUnit.SECONDS);

        assertThat(h.feed.current().sessions()).extracting(ChatSession::id).containsExactly("new2", "new1", "mid", "old");
    }

    @Test
    void rebuildsEverythingOnTruncate() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.db.put(session("b", "waiting", 2));
        h.start();
        int fullBefore = h.db.fullReads();

        h.db.clear();
        h.source.fire(ChangeAction.TRUNCATE, null);
        h.sync();

        assertThat(h.db.fullReads()).isGreaterThan(fullBefore);
        assertThat(h.out.deltas()).singleElement().satisfies(d ->
                assertThat(d.removed()).containsExactlyInAnyOrder("a", "b"));
        assertThat(h.feed.current().sessions()).isEmpty();
    }

    @Test
    void rebuildsEverythingOnAResyncRequest() throws Exception {
        h.start();
        int fullBefore = h.db.fullReads();

        h.db.put(session("a", "waiting", 1));
        h.feed.requestResync("admin asked");
        h.sync();

        assertThat(h.db.fullReads()).isEqualTo(fullBefore + 1);
        assertThat(h.feed.current().sessions()).extracting(ChatSession::id).containsExactly("a");
    }

    @Test
    void refreshCompletesOnlyAfterAReadThatStartedAfterTheCall() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.db.put(session("b", "waiting", 2));
        h.start();
        h.db.holdReads();
        h.source.changed("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> h.db.readsStarted() >= 2);

        // A read for "a" is in flight; "b" changes and a caller asks for it.
        h.db.put(withStatus(h.db.get("b"), "active", 7));
        CompletableFuture<Long> refreshed = h.feed.refresh(List.of("b"));
        h.db.releaseReads();
        long seq = refreshed.get(10, TimeUnit.SECONDS);

        Snapshot current = h.feed.current();
        assertThat(current.seq()).isGreaterThanOrEqualTo(seq);
        assertThat(current.sessionsById().get("b").status()).isEqualTo("active");
        assertThat(h.feed.replaySince(FeedHarness.EPOCH, seq - 1).deltas())
                .anySatisfy(d -> assertThat(d.upserted()).extracting(ChatSession::id).contains("b"));
    }

    @Test
    void refreshOfAnUnchangedSessionCompletesWithTheCurrentSeq() throws Exception {
        h.db.put(session("a", "waiting", 1));
        h.start();
        h.db.put(session("b", "waiting", 2));
        h.source.changed("b");
        h.sync();

        assertThat(h.feed.refresh(Set.of("a")).get(10, TimeUnit.SECONDS)).isEqualTo(1L);
    }

    @Test
    void aThrowingBroadcasterDoesNotStopTheOthers() throws Exception {
        Broadcaster broken = new Broadcaster() {
            @Override
            public void onDelta(SessionDelta delta, Snapshot current) {
                throw new IllegalStateException("broken broadcaster");
            }

            @Override
            public void onStatus(FeedStatus status, String reason) {
                throw new IllegalStateException("broken broadcaster");
            }
        };
        SessionFeed feed = SessionFeed.builder(h.db, h.source).epoch(FeedHarness.EPOCH).build();
        h.feed = feed;
        feed.addBroadcaster(broken);
        feed.addBroadcaster(h.out);
        feed.start();

        h.db.put(session("a", "waiting", 1));
        h.source.changed("a");
        h.sync();
        h.source.reportStatus(FeedStatus.DEGRADED, "fallback");
        h.db.put(session("b", "waiting", 2));
        h.source.changed("b");
        h.sync();

        assertThat(h.out.deltas()).extracting(SessionDelta::seq).containsExactly(1L, 2L);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.out.latestStatus() == FeedStatus.DEGRADED);
    }

    @Test
    void aRemovedBroadcasterGetsNothingMore() throws Exception {
        h.start();
        InMemoryBroadcaster second = new InMemoryBroadcaster();
        AutoCloseable handle = h.feed.addBroadcaster(second);

        h.db.put(session("a", "waiting", 1));
        h.source.changed("a");
        h.sync();
        handle.close();
        handle.close();
        h.db.put(session("b", "waiting", 2));
        h.source.changed("b");
        h.sync();

        assertThat(second.deltas()).extracting(SessionDelta::seq).containsExactly(1L);
        assertThat(h.out.deltas()).extracting(SessionDelta::seq).containsExactly(1L, 2L);
    }

    @Test
    void tellsTheObserverAboutSignalsAndRebuilds() throws Exception {
        AtomicInteger signals = new AtomicInteger();
        AtomicInteger resyncs = new AtomicInteger();
        List<SessionDelta> published = new CopyOnWriteArrayList<>();
        FeedObserver observer = new FeedObserver() {
            @Override
            public void onSignal(ChangeSignal signal) {
                signals.incrementAndGet();
            }

            @Override
            public void onResync(String reason) {
                resyncs.incrementAndGet();
            }

            @Override
            public void onRebuild(boolean full, int ids, int count, long durationNanos, SessionDelta delta) {
                if (delta != null) {
                    published.add(delta);
                }
            }
        };
        h.start(b -> b.observer(observer));

        h.db.put(session("a", "waiting", 1));
        h.source.changed("a");
        h.feed.requestResync("because");
        h.sync();

        assertThat(signals).hasValue(1);
        assertThat(resyncs).hasValue(1);
        assertThat(published).isEqualTo(h.out.deltas());
        assertThat(h.feed.current().seq()).isEqualTo(1L);
    }

    @Test
    void aThrowingObserverDoesNotStopTheFeed() throws Exception {
        FeedObserver throwing = new FeedObserver() {
            @Override
            public void onSignal(ChangeSignal signal) {
                throw new IllegalStateException("broken observer");
            }

            @Override
            public void onRebuild(boolean full, int ids, int signals, long durationNanos, SessionDelta published) {
                throw new IllegalStateException("broken observer");
            }
        };
        h.start(b -> b.observer(throwing));

        h.db.put(session("a", "waiting", 1));
        h.source.changed("a");
        h.sync();
        h.db.put(session("b", "waiting", 2));
        h.source.changed("b");
        h.sync();

        assertThat(h.out.deltas()).extracting(SessionDelta::seq).containsExactly(1L, 2L);
    }
}
