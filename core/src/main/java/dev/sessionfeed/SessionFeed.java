package dev.sessionfeed;

import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.source.SessionChangeSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;

/**
 * The feed engine: keeps the current state of all chat sessions in scope, turns change signals into
 * deltas, and publishes them to {@link Broadcaster}s.
 *
 * <p>How it works: a {@link SessionChangeSource} reports which sessions changed; one rebuild thread re-reads
 * those sessions (or everything, on a resync) through a {@link SnapshotBuilder}, diffs against the last
 * snapshot, and publishes a {@link SessionDelta} stamped with {@code (epoch, seq)} when something changed.
 * Nothing is published when nothing changed. Signals that arrive while a rebuild runs are merged into the
 * next one, so a busy feed rebuilds at most once at a time and an idle one reacts at once.
 *
 * <p>The feed keeps a bounded window of recent deltas so that a client that reconnects with
 * {@code (epoch, lastSeq)} can be {@linkplain #replaySince replayed} instead of sent everything.
 *
 * <p>Display order: a full read (start, resync, TRUNCATE, the periodic reconcile, or more changed ids than
 * {@link Builder#maxBatchIds}) sets the order of {@link #current()} to the builder's order. A by-id rebuild keeps
 * the position of sessions already shown (replacing changed ones in place) and puts sessions it sees for the
 * first time first, in the builder's order (newest first by default). When a full read finds the same sessions
 * in another order, the current snapshot takes that order without a new seq (deltas carry no order).
 *
 * <h2 id="threading">Threading model</h2>
 *
 * <p>This is the one statement of the engine's threading model (also in {@code docs/core.md}); the SPIs and the
 * engine's types link here.
 * <ul>
 *   <li><b>One rebuild thread per feed</b>, made by {@link Builder#threadFactory} (default: a daemon thread
 *       named {@code sessionfeed-rebuild}) and started by {@link #start()} after the initial read, which runs on
 *       the thread calling {@code start()}. It does every database read ({@link SnapshotBuilder}), the diff, the
 *       publishing of {@link #current()}, every {@link Broadcaster} call (in seq order, one call at a time), the
 *       completion of {@link #refresh} futures (their non-async dependent stages run there and must be quick)
 *       and the rebuild events of {@link FeedObserver}.</li>
 *   <li><b>Change sources report on their own threads</b> through a {@link dev.sessionfeed.source.ChangeListener}
 *       that never blocks: a signal is recorded (under a lock held for a few field updates, never across I/O)
 *       and the rebuild thread is woken. When it is idle the signal is processed at once; signals that arrive
 *       while a rebuild runs are merged into the next one. {@link FeedObserver#onSignal} and
 *       {@link FeedObserver#onResync} run on the reporting thread.</li>
 *   <li><b>Every method of this interface is thread-safe</b> and, but for {@code start()} and {@code close()},
 *       never blocks: {@link #current()} and {@link #epoch()} read volatile state; {@link #status()},
 *       {@link #statusReason()} and {@link #stats()} take at most a brief lock; {@link #replaySince} takes the
 *       state's lock briefly, so the deltas it returns lead exactly to the snapshot it returns. The rebuild thread
 *       holds no lock while it reads the database or calls a broadcaster.</li>
 *   <li><b>Lifecycle</b>: {@link #start()} once, {@link #close()} any number of times (the first call does the
 *       work). Start and close are serialized by a lifecycle lock that only they take: it is held through the
 *       initial read, and while close joins the rebuild thread. Close closes the change source, fails refreshes that have not run,
 *       lets the rebuild thread tell broadcasters ({@link Broadcaster#onClose()}) and joins it: after 5 s it is
 *       interrupted (a database read in flight), after 5 s more it is abandoned with one WARN line (a daemon,
 *       it ends when the read returns). Closing from a callback on the rebuild thread does not wait for itself.</li>
 * </ul>
 */
public interface SessionFeed extends AutoCloseable {

    /**
     * Starts building a feed.
     *
     * @param snapshots where sessions and metrics are read from
     * @param source    what reports changes
     * @return a builder with the defaults documented on its setters
     * @throws NullPointerException if an argument is null
     */
    static Builder builder(SnapshotBuilder snapshots, SessionChangeSource source) {
        return new Builder(snapshots, source);
    }

    /**
     * Reads the initial state and starts the change source. Blocks until the first full read is done; if the
     * database cannot be read, the feed still starts, with status {@link FeedStatus#RECOVERING} and an
     * empty state, and keeps retrying with backoff.
     *
     * @throws IllegalStateException if already started or closed
     */
    void start();

    /**
     * This run's epoch. Changes on every start of a feed, so clients' {@code lastSeq} from another run is
     * never replayed.
     *
     * @return a short random string, stable for the lifetime of this instance
     */
    String epoch();

    /**
     * The current state.
     *
     * @return the latest published snapshot (seq 0 with no sessions before the first successful read)
     */
    Snapshot current();

    /**
     * What a client that last applied {@code lastSeq} of {@code epoch} needs to catch up.
     *
     * @param epoch   the epoch the client knows, or null
     * @param lastSeq the last seq it applied
     * @return the missed deltas, or the full state when they are not available (other epoch, seq older than
     *     the replay window, or newer than the current seq)
     */
    Replay replaySince(String epoch, long lastSeq);

    /**
     * Adds a broadcaster. It receives every delta published after this call returns (and possibly some
     * published concurrently: compare {@link SessionDelta#seq()} with the seq of the state you sent).
     *
     * @param broadcaster the broadcaster
     * @return a handle whose {@code close()} removes it again (idempotent)
     */
    AutoCloseable addBroadcaster(Broadcaster broadcaster);

    /**
     * The feed's status: {@link FeedStatus#LIVE} when the source is live and the last read succeeded.
     *
     * @return the status
     */
    FeedStatus status();

    /**
     * The reason for the current status, for logs and clients: a short sentence for people, which every dashboard
     * receives, so never driver text (host names, ports, error details stay in the server log).
     *
     * @return a short text, never null
     */
    String statusReason();

    /**
     * The feed's counters and gauges now, for metrics systems; names, units and meanings are in the "Stats" table of
     * {@code docs/core.md}. Cheap (no lock, no I/O): call it as often as a registry polls.
     *
     * <p>The default returns a snapshot with every counter and gauge zero and status {@link FeedStatus#LIVE}, for
     * implementations that count nothing (test fakes); the feed made by {@link #builder} overrides it.
     *
     * @return a new immutable snapshot
     */
    default FeedStats stats() {
        return FeedStats.ZERO;
    }

    /**
     * Asks for a full rebuild (as a change source does after a reconnect).
     *
     * @param reason why, for logs
     */
    void requestResync(String reason);

    /**
     * Re-reads the given sessions now (for example right after a command changed them) and tells when the
     * state reflects them.
     *
     * @param ids the session ids
     * @return completes with the seq of the first state that was read after this call, or exceptionally
     *     with a {@link SessionFeedException} if the read failed or the feed closed
     */
    CompletableFuture<Long> refresh(Collection<String> ids);

    /** Stops the change source and the rebuild thread, and tells broadcasters. Idempotent. */
    @Override
    void close();

    /**
     * Builds a {@link SessionFeed}. Not thread-safe; every setter validates its value and throws an
     * {@link IllegalArgumentException} naming the property and the value.
     */
    final class Builder {
        final SnapshotBuilder snapshots;
        final SessionChangeSource source;
        Duration coalesceWindow = Duration.ZERO;
        Duration maxCoalesceDelay = Duration.ofMillis(100);
        int replayWindow = 1024;
        Duration reconcileInterval = Duration.ofSeconds(60);
        Duration rowMetricsInterval = Duration.ofSeconds(1);
        Duration retryInitialBackoff = Duration.ofMillis(100);
        Duration retryMaxBackoff = Duration.ofSeconds(5);
        int maxBatchIds = 500;
        ThreadFactory threadFactory;
        Clock clock = Clock.systemUTC();
        FeedObserver observer = FeedObserver.NOOP;
        String epoch;

        Builder(SnapshotBuilder snapshots, SessionChangeSource source) {
            this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
            this.source = Objects.requireNonNull(source, "source");
        }

        /**
         * A fixed minimum time to wait for more signals before a rebuild. Default {@link Duration#ZERO}: an idle
         * feed rebuilds at once, and signals arriving during a rebuild are merged into the next one anyway.
         *
         * @param window zero or positive, at most 10 s
         * @return this builder
         */
        public Builder coalesceWindow(Duration window) {
            this.coalesceWindow = Checks.durationBetween("coalesceWindow", window, Duration.ZERO, Duration.ofSeconds(10));
            return this;
        }

        /**
         * The longest a continuous stream of signals may postpone a rebuild when {@link #coalesceWindow} is
         * positive. Default 100 ms.
         *
         * @param maxDelay at least 1 ms, at most 60 s
         * @return this builder
         */
        public Builder maxCoalesceDelay(Duration maxDelay) {
            this.maxCoalesceDelay = Checks.durationBetween("maxCoalesceDelay", maxDelay, Duration.ofMillis(1), Duration.ofSeconds(60));
            return this;
        }

        /**
         * How many recent deltas are kept for {@link SessionFeed#replaySince}. Default 1024.
         *
         * @param deltas 0 (no replay) to 1,000,000
         * @return this builder
         */
        public Builder replayWindow(int deltas) {
            this.replayWindow = Checks.intBetween("replayWindow", deltas, 0, 1_000_000);
            return this;
        }

        /**
         * How soon after changes applied from their rows ({@link dev.sessionfeed.source.ChangeListener#onRowChange},
         * a row-carrying source such as logical replication) the metrics are re-read. Such changes cost no statement;
         * the metrics (an aggregate over the table) are read by one metrics-only statement at most once per interval
         * while changes arrive, so they trail the sessions by at most this much (plus the read). Every full or by-id
         * read brings sessions and metrics from one snapshot as before. Default 1 s; {@link Duration#ZERO} reads the
         * metrics right after every batch of rows (one statement per batch).
         *
         * @param interval between 0 and 60 s
         * @return this builder
         */
        public Builder rowMetricsInterval(Duration interval) {
            this.rowMetricsInterval = Checks.durationBetween("rowMetricsInterval", interval, Duration.ZERO, Duration.ofSeconds(60));
            return this;
        }

        /**
         * How often the feed re-reads everything even without signals: catches sessions aging out of the scope,
         * time-based metrics, and anything a source could have missed. Default 60 s; {@link Duration#ZERO}
         * disables it.
         *
         * @param interval zero, or between 1 s and 24 h
         * @return this builder
         */
        public Builder reconcileInterval(Duration interval) {
            Objects.requireNonNull(interval, "reconcileInterval");
            this.reconcileInterval = interval.isZero() ? interval
                    : Checks.durationBetween("reconcileInterval", interval, Duration.ofSeconds(1), Duration.ofHours(24));
            return this;
        }

        /**
         * Backoff between failed rebuilds: starts at {@code initial}, doubles up to {@code max}, with jitter.
         * Defaults 100 ms and 5 s.
         *
         * @param initial at least 1 ms
         * @param max     at least {@code initial}, at most 10 min
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            Duration i = Checks.durationBetween("retryInitialBackoff", initial, Duration.ofMillis(1), Duration.ofMinutes(10));
            Duration m = Checks.durationBetween("retryMaxBackoff", max, i, Duration.ofMinutes(10));
            this.retryInitialBackoff = i;
            this.retryMaxBackoff = m;
            return this;
        }

        /**
         * Above this many changed ids in one rebuild, the feed re-reads everything instead of by id. Default 500.
         *
         * @param ids 1 to 100,000
         * @return this builder
         */
        public Builder maxBatchIds(int ids) {
            this.maxBatchIds = Checks.intBetween("maxBatchIds", ids, 1, 100_000);
            return this;
        }

        /**
         * The factory for the rebuild thread. Default: daemon threads named {@code sessionfeed-rebuild}.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * The clock for timestamps. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Observability hook. Default {@link FeedObserver#NOOP}.
         *
         * @param observer the observer
         * @return this builder
         */
        public Builder observer(FeedObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * A fixed epoch instead of a random one (tests only; production feeds must use a fresh epoch per run).
         *
         * @param epoch 1 to 64 characters of {@code [A-Za-z0-9_-]}
         * @return this builder
         */
        public Builder epoch(String epoch) {
            Objects.requireNonNull(epoch, "epoch");
            if (!epoch.matches("[A-Za-z0-9_-]{1,64}")) {
                throw new IllegalArgumentException("epoch must be 1-64 characters of [A-Za-z0-9_-], was: '" + epoch + "'");
            }
            this.epoch = epoch;
            return this;
        }

        /**
         * Creates the feed; call {@link SessionFeed#start()} to start it.
         *
         * @return a new, not yet started feed
         */
        public SessionFeed build() {
            return new DefaultSessionFeed(this);
        }

        // Accessors for the implementation (DefaultSessionFeed, in this package): not API.

        /** @return the snapshot builder */
        SnapshotBuilder snapshots() { return snapshots; }
        /** @return the change source */
        SessionChangeSource source() { return source; }
        /** @return the coalesce window */
        Duration coalesceWindow() { return coalesceWindow; }
        /** @return the max coalesce delay */
        Duration maxCoalesceDelay() { return maxCoalesceDelay; }
        /** @return the replay window in deltas */
        int replayWindow() { return replayWindow; }
        /** @return the reconcile interval, zero when disabled */
        Duration reconcileInterval() { return reconcileInterval; }
        /** @return the metrics interval of row-applied changes */
        Duration rowMetricsInterval() { return rowMetricsInterval; }
        /** @return the first retry backoff */
        Duration retryInitialBackoff() { return retryInitialBackoff; }
        /** @return the largest retry backoff */
        Duration retryMaxBackoff() { return retryMaxBackoff; }
        /** @return the id count above which a rebuild reads everything */
        int maxBatchIds() { return maxBatchIds; }
        /** @return the thread factory, or null for the default */
        ThreadFactory threadFactory() { return threadFactory; }
        /** @return the clock */
        Clock clock() { return clock; }
        /** @return the observer */
        FeedObserver observer() { return observer; }
        /** @return the fixed epoch, or null for a random one */
        String epoch() { return epoch; }
    }
}
