package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.MapSnapshotBuilder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SessionFeed#replaySince}: missed deltas while they are in the window, the full state otherwise. */
class SessionFeedReplayTest {

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void closeFeed() {
        h.close();
    }

    /** Publishes {@code n} deltas, one new session each. */
    private void publish(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            String id = "s" + h.feed.current().seq();
            h.db.put(session(id, "waiting", (int) h.feed.current().seq()));
            h.source.changed(id);
            h.sync();
        }
    }

    @Test
    void replaysExactlyTheMissedDeltasInsideTheWindow() throws Exception {
        h.start();
        Snapshot initial = h.feed.current();
        publish(5);

        Replay replay = h.feed.replaySince(FeedHarness.EPOCH, 2);

        assertThat(replay.full()).isFalse();
        assertThat(replay.deltas()).extracting(SessionDelta::seq).containsExactly(3L, 4L, 5L);
        assertThat(replay.deltas()).isEqualTo(h.out.deltas().subList(2, 5));
        assertThat(replay.snapshot().seq()).isEqualTo(5);
        // A client at seq 2 that applies the replay reaches exactly the returned snapshot.
        Sessions.Applied atTwo = Sessions.apply(initial, h.out.deltas().subList(0, 2));
        Snapshot clientState = new Snapshot(FeedHarness.EPOCH, atTwo.seq(), initial.builtAt(),
                List.copyOf(atTwo.sessions().values()), atTwo.metrics());
        Sessions.Applied caughtUp = Sessions.apply(clientState, replay.deltas());
        assertThat(caughtUp.sessions()).isEqualTo(replay.snapshot().sessionsById());
        assertThat(caughtUp.metrics()).isEqualTo(replay.snapshot().metrics());
        assertThat(caughtUp.seq()).isEqualTo(replay.snapshot().seq());
    }

    @Test
    void anUpToDateClientGetsNoDeltasAndNoFullState() throws Exception {
        h.start();
        publish(2);

        Replay replay = h.feed.replaySince(FeedHarness.EPOCH, 2);

        assertThat(replay.full()).isFalse();
        assertThat(replay.deltas()).isEmpty();
        assertThat(replay.snapshot()).isEqualTo(h.feed.current());
    }

    @Test
    void sendsTheFullStateWhenTheSeqIsOlderThanTheWindow() throws Exception {
        h.start(b -> b.replayWindow(2));
        publish(5);

        assertThat(h.feed.replaySince(FeedHarness.EPOCH, 2).full()).isTrue();
        assertThat(h.feed.replaySince(FeedHarness.EPOCH, 0).full()).isTrue();
        Replay oldestReplayable = h.feed.replaySince(FeedHarness.EPOCH, 3);
        assertThat(oldestReplayable.full()).isFalse();
        assertThat(oldestReplayable.deltas()).extracting(SessionDelta::seq).containsExactly(4L, 5L);
        Replay full = h.feed.replaySince(FeedHarness.EPOCH, 1);
        assertThat(full.deltas()).isEmpty();
        assertThat(full.snapshot()).isEqualTo(h.feed.current());
    }

    @Test
    void sendsTheFullStateForAnotherEpoch() throws Exception {
        h.start();
        publish(3);

        assertThat(h.feed.replaySince("previous-run", 2).full()).isTrue();
        assertThat(h.feed.replaySince(null, 2).full()).isTrue();
    }

    @Test
    void sendsTheFullStateForASeqFromTheFuture() throws Exception {
        h.start();
        publish(3);

        assertThat(h.feed.replaySince(FeedHarness.EPOCH, 4).full()).isTrue();
        assertThat(h.feed.replaySince(FeedHarness.EPOCH, -1).full()).isTrue();
    }

    @Test
    void replaysNothingWithAZeroWindow() throws Exception {
        h.start(b -> b.replayWindow(0));
        publish(2);

        assertThat(h.feed.replaySince(FeedHarness.EPOCH, 1).full()).isTrue();
        assertThat(h.feed.replaySince(FeedHarness.EPOCH, 2).full()).isFalse();
    }

    @Test
    void aRandomEpochDiffersBetweenFeeds() {
        MapSnapshotBuilder db = new MapSnapshotBuilder();
        try (SessionFeed a = SessionFeed.builder(db, new ManualChangeSource()).build();
             SessionFeed b = SessionFeed.builder(db, new ManualChangeSource()).build()) {
            assertThat(a.epoch()).matches("[0-9a-z]{10}").isNotEqualTo(b.epoch());
            assertThat(a.current().epoch()).isEqualTo(a.epoch());
        }
    }
}
