package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.InMemoryBroadcaster;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FakeSessionFeedTest {

    private static ChatSession session(String id, String status) {
        Instant now = Instant.now();
        return new ChatSession(id, status, null, null, null, null, null, now, now, null, null, 0, null, Map.of());
    }

    @Test
    void publishesDeltasInSeqOrderAfterUpdatingTheCurrentState() {
        FakeSessionFeed feed = new FakeSessionFeed();
        AtomicLong seenBeforeBroadcast = new AtomicLong(-1);
        feed.addBroadcaster(new Broadcaster() {
            @Override
            public void onDelta(SessionDelta delta, Snapshot current) {
                seenBeforeBroadcast.set(feed.current().seq());
            }
        });
        InMemoryBroadcaster out = new InMemoryBroadcaster();
        feed.addBroadcaster(out);

        SessionDelta first = feed.upsert(session("a", "waiting"), session("b", "waiting"));
        SessionDelta second = feed.remove("a");
        SessionDelta third = feed.upsert(session("b", "active"));

        assertThat(List.of(first.seq(), second.seq(), third.seq())).containsExactly(1L, 2L, 3L);
        assertThat(second.prevSeq()).isEqualTo(1);
        assertThat(seenBeforeBroadcast.get()).isEqualTo(3);
        assertThat(out.deltas()).containsExactly(first, second, third);
        assertThat(feed.current().sessionsById()).containsOnlyKeys("b");
        assertThat(feed.get("b").status()).isEqualTo("active");
        assertThat(first.metrics().values()).isEqualTo(Map.of("total", 2));
        assertThat(third.metrics()).as("metrics unchanged").isNull();
    }

    @Test
    void replaysFromTheWindowOrAnswersWithTheFullState() {
        FakeSessionFeed feed = new FakeSessionFeed("e1", 2);
        feed.upsert(session("a", "waiting"));
        feed.upsert(session("b", "waiting"));
        feed.upsert(session("c", "waiting"));

        Replay missed = feed.replaySince("e1", 1);
        assertThat(missed.full()).isFalse();
        assertThat(missed.deltas()).extracting(SessionDelta::seq).containsExactly(2L, 3L);
        assertThat(feed.replaySince("e1", 3).full()).isFalse();
        assertThat(feed.replaySince("e1", 3).deltas()).isEmpty();
        assertThat(feed.replaySince("e1", 0).full()).as("older than the window").isTrue();
        assertThat(feed.replaySince("e1", 4).full()).as("ahead of the feed").isTrue();
        assertThat(feed.replaySince("other", 3).full()).as("another epoch").isTrue();
        assertThat(feed.replaySince(null, 3).snapshot()).isSameAs(feed.current());
        feed.failReplayWith(new IllegalStateException("broken"));
        assertThatThrownBy(() -> feed.replaySince("e1", 3)).hasMessage("broken");
    }

    @Test
    void recordsWhatItWasAskedAndTellsBroadcastersOfStatusAndCloseOnce() {
        FakeSessionFeed feed = new FakeSessionFeed();
        InMemoryBroadcaster out = new InMemoryBroadcaster();
        AutoCloseable registration = feed.addBroadcaster(out);

        feed.start();
        feed.publishStatus(FeedStatus.DEGRADED, "polling");
        feed.requestResync("test");
        assertThat(feed.refresh(List.of("a"))).isCompletedWithValue(0L);
        feed.close();
        feed.close();

        assertThat(feed.started()).isTrue();
        assertThat(feed.status()).isEqualTo(FeedStatus.DEGRADED);
        assertThat(feed.statusReason()).isEqualTo("polling");
        assertThat(out.latestStatus()).isEqualTo(FeedStatus.DEGRADED);
        assertThat(feed.resyncRequests()).containsExactly("test");
        assertThat(feed.refreshRequests()).containsExactly(List.of("a"));
        assertThat(out.closeCount()).isEqualTo(1);
        assertThat(feed.isClosed()).isTrue();
        assertThat(feed.broadcasterCount()).isEqualTo(1);
        try {
            registration.close();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(feed.broadcasterCount()).isZero();
    }
}
