package dev.sessionfeed;

import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.MapSnapshotBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** One feed over a {@link MapSnapshotBuilder} and a {@link ManualChangeSource}, recorded by an {@link InMemoryBroadcaster}. */
final class FeedHarness implements AutoCloseable {

    static final String EPOCH = "test-epoch";

    final MapSnapshotBuilder db = new MapSnapshotBuilder();
    final ManualChangeSource source = new ManualChangeSource();
    final InMemoryBroadcaster out = new InMemoryBroadcaster();
    SessionFeed feed;

    /** Defaults for tests: fixed epoch, fast retries, no periodic reconcile. */
    SessionFeed.Builder builder() {
        return SessionFeed.builder(db, source)
                .epoch(EPOCH)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
                .reconcileInterval(Duration.ZERO);
    }

    SessionFeed start() {
        return start(UnaryOperator.identity());
    }

    SessionFeed start(UnaryOperator<SessionFeed.Builder> config) {
        feed = config.apply(builder()).build();
        feed.addBroadcaster(out);
        feed.start();
        return feed;
    }

    /** Waits until every signal fired so far is reflected (a refresh runs after them). */
    long sync() throws Exception {
        return feed.refresh(List.of()).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
    }
}
