package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.source.ChangeAction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

/**
 * Whatever the sequence of changes and however the rebuild thread happens to merge their signals, a client
 * that applies every published delta to the initial state ends with exactly what a fresh full read returns,
 * and the seqs have no gaps.
 */
class SessionFeedPropertyTest {

    private static final List<String> STATUSES = List.of("waiting", "active", "ended");

    /** One change to the backing table, followed by the signal a source would send for it. */
    sealed interface Op permits Insert, Update, Delete, Resync, Truncate, MetricChange, Refresh {
    }

    record Insert(int key) implements Op {
    }

    record Update(int key, String status, int messages) implements Op {
    }

    record Delete(int key) implements Op {
    }

    record Resync() implements Op {
    }

    record Truncate() implements Op {
    }

    record MetricChange(int value) implements Op {
    }

    record Refresh(int key) implements Op {
    }

    @Provide
    Arbitrary<Op> op() {
        Arbitrary<Integer> keys = Arbitraries.integers().between(0, 15);
        return Arbitraries.frequencyOf(
                Tuple.of(5, keys.map(Insert::new)),
                Tuple.of(5, Combinators.combine(keys, Arbitraries.of(STATUSES), Arbitraries.integers().between(0, 3))
                        .as(Update::new)),
                Tuple.of(3, keys.map(Delete::new)),
                Tuple.of(1, Arbitraries.just(new Resync())),
                Tuple.of(1, Arbitraries.just(new Truncate())),
                Tuple.of(1, Arbitraries.integers().between(0, 2).map(MetricChange::new)),
                Tuple.of(1, keys.map(Refresh::new)));
    }

    @Property(tries = 300)
    void appliedDeltasAlwaysEqualAFreshFullRead(
            @ForAll @Size(max = 40) List<@From("op") Op> initialOps,
            @ForAll @Size(min = 1, max = 60) List<@From("op") Op> ops,
            @ForAll boolean smallBatches) throws Exception {
        try (FeedHarness h = new FeedHarness()) {
            int[] clock = {0};
            // Initial rows, written before the feed starts.
            for (Op op : initialOps) {
                apply(h, op, clock, false);
            }
            SessionFeed feed = h.start(b -> b.maxBatchIds(smallBatches ? 2 : 500).replayWindow(1_000)
                    .coalesceWindow(Duration.ZERO));
            Snapshot initial = feed.current();

            for (Op op : ops) {
                apply(h, op, clock, true);
            }
            h.sync();

            SnapshotRead fresh = h.db.peek();
            List<SessionDelta> deltas = h.out.deltas();
            Sessions.Applied applied = Sessions.apply(initial, deltas);
            assertThat(applied.sessions()).isEqualTo(Sessions.byId(fresh.sessions()));
            assertThat(applied.metrics()).isEqualTo(fresh.metrics());
            assertThat(applied.seq()).isEqualTo(feed.current().seq());
            for (int i = 0; i < deltas.size(); i++) {
                assertThat(deltas.get(i).seq()).isEqualTo(i + 1L);
                assertThat(deltas.get(i).sessionsChanged() || deltas.get(i).metricsChanged()).isTrue();
            }
            assertThat(feed.current().sessionsById()).isEqualTo(Sessions.byId(fresh.sessions()));
            Replay replay = feed.replaySince(FeedHarness.EPOCH, 0);
            assertThat(replay.full()).isFalse();
            assertThat(replay.deltas()).isEqualTo(deltas);

            // After a full rebuild the display order is the read's order too.
            feed.requestResync("property check");
            h.sync();
            assertThat(feed.current().sessions()).isEqualTo(h.db.peek().sessions());
            assertThat(Sessions.apply(initial, h.out.deltas()).sessions()).isEqualTo(Sessions.byId(h.db.peek().sessions()));
        }
    }

    private static void apply(FeedHarness h, Op op, int[] clock, boolean signal) throws Exception {
        if (op instanceof Insert insert) {
            String id = "s" + insert.key();
            h.db.put(Sessions.session(id, "waiting", ++clock[0]));
            if (signal) {
                h.source.fire(ChangeAction.INSERT, id);
            }
        } else if (op instanceof Update update) {
            String id = "s" + update.key();
            ChatSession old = h.db.get(id);
            if (old != null) {
                h.db.put(Sessions.withStatus(old, update.status(), update.messages()));
            }
            if (signal) {
                h.source.fire(ChangeAction.UPDATE, id);
            }
        } else if (op instanceof Delete delete) {
            String id = "s" + delete.key();
            h.db.remove(id);
            if (signal) {
                h.source.fire(ChangeAction.DELETE, id);
            }
        } else if (op instanceof Resync) {
            if (signal) {
                h.source.resync("random resync");
            }
        } else if (op instanceof Truncate) {
            h.db.clear();
            if (signal) {
                h.source.fire(ChangeAction.TRUNCATE, null);
            }
        } else if (op instanceof MetricChange metric) {
            h.db.metric("custom", metric.value());
            if (signal) {
                h.source.resync("metric moved");
            }
        } else if (op instanceof Refresh refresh && signal) {
            // A command handler's refresh, not awaited: it must not disturb ordering or seqs.
            h.feed.refresh(List.of("s" + refresh.key())).orTimeout(10, TimeUnit.SECONDS);
        }
    }
}
