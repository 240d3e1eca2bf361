package dev.sessionfeed;

import dev.sessionfeed.source.ChangeSignal;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The feed's counters behind {@link SessionFeed#stats()}, named as in {@link FeedStats} and in the Stats table of
 * {@code docs/core.md}. It counts at the engine's existing event points: it is the first {@link FeedObserver} in
 * the chain and hands every event on to {@code next} (the host's observer, made safe by {@link SafeObserver}).
 *
 * <p>Thread-safety: {@link #onSignal} and {@link #onResync} run on the change source's threads or an API caller's,
 * {@link #refreshRequested} on a caller's, the rebuild events on the rebuild thread (or the thread calling
 * {@code start()} for the initial read); {@link #snapshot} on any thread. Every counter is a {@link LongAdder}: no
 * lock, no contention between the source's threads and the rebuild thread.
 */
final class FeedMetrics implements FeedObserver {

    private final FeedObserver next;
    private final LongAdder signalsReceived = new LongAdder();
    private final LongAdder resyncsRequested = new LongAdder();
    private final LongAdder refreshesRequested = new LongAdder();
    private final LongAdder rebuildsFull = new LongAdder();
    private final LongAdder rebuildsById = new LongAdder();
    private final LongAdder rowsApplied = new LongAdder();
    private final LongAdder rowsReread = new LongAdder();
    private final LongAdder rebuildNanos = new LongAdder();
    private final LongAdder rebuildFullNanos = new LongAdder();
    private final LongAdder signalsPublished = new LongAdder();
    private final LongAdder signalLagNanos = new LongAdder();
    private final LongAdder signalsWithCommitTime = new LongAdder();
    private final LongAdder commitLagNanos = new LongAdder();
    private final LongAdder rebuildFailures = new LongAdder();
    private final LongAdder deltasPublished = new LongAdder();
    private final LongAdder sessionsUpserted = new LongAdder();
    private final LongAdder sessionsRemoved = new LongAdder();

    FeedMetrics(FeedObserver next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    /** A caller asked for {@link SessionFeed#refresh}. */
    void refreshRequested() {
        refreshesRequested.increment();
    }

    /** The rebuild thread applied {@code n} row changes without a read. */
    void rowsApplied(int n) {
        rowsApplied.add(n);
    }

    /** The rebuild thread could not apply a batch of {@code n} row changes and re-reads them by id. */
    void rowsReread(int n) {
        rowsReread.add(n);
    }

    @Override
    public void onSignal(ChangeSignal signal) {
        signalsReceived.increment();
        next.onSignal(signal);
    }

    @Override
    public void onResync(String reason) {
        resyncsRequested.increment();
        next.onResync(reason);
    }

    @Override
    public void onRebuild(boolean full, int ids, int signals, long durationNanos, SessionDelta published) {
        (full ? rebuildsFull : rebuildsById).increment();
        rebuildNanos.add(durationNanos);
        if (full) {
            rebuildFullNanos.add(durationNanos);
        }
        if (published != null) {
            deltasPublished.increment();
            sessionsUpserted.add(published.upserted().size());
            sessionsRemoved.add(published.removed().size());
        }
        next.onRebuild(full, ids, signals, durationNanos, published);
    }

    /**
     * The rebuild that covered a batch's change signals completed (and its delta, if any, was handed to the
     * broadcasters): their change lag ends now. On the rebuild thread.
     *
     * @param lag      the batch's signals
     * @param nowNanos {@link System#nanoTime()} now
     * @param now      the feed's clock now, for the commit lag
     */
    void signalsPublished(SignalLag lag, long nowNanos, java.time.Instant now) {
        if (lag.count() == 0) {
            return;
        }
        signalLagNanos.add(lag.totalNanos(nowNanos));
        if (lag.commits() > 0) {
            commitLagNanos.add(lag.totalCommitNanos(now));
            signalsWithCommitTime.add(lag.commits());
        }
        // Counted last: a reader that sees the count also sees its nanos (LongAdder sums are read one by one).
        signalsPublished.add(lag.count());
    }

    @Override
    public void onRebuildFailed(Throwable error) {
        rebuildFailures.increment();
        next.onRebuildFailed(error);
    }

    /**
     * The counters now, with the gauges the caller read.
     *
     * @param current the feed's current state
     * @param status  the feed's status
     * @return the snapshot
     */
    FeedStats snapshot(Snapshot current, FeedStatus status) {
        return FeedStats.builder()
                .signalsReceived(signalsReceived.sum())
                .resyncsRequested(resyncsRequested.sum())
                .refreshesRequested(refreshesRequested.sum())
                .rebuildsFull(rebuildsFull.sum())
                .rebuildsById(rebuildsById.sum())
                .rowsApplied(rowsApplied.sum())
                .rowsReread(rowsReread.sum())
                .rebuildNanos(rebuildNanos.sum())
                .rebuildFullNanos(rebuildFullNanos.sum())
                .signalsPublished(signalsPublished.sum())
                .signalLagNanos(signalLagNanos.sum())
                .signalsWithCommitTime(signalsWithCommitTime.sum())
                .commitLagNanos(commitLagNanos.sum())
                .rebuildFailures(rebuildFailures.sum())
                .deltasPublished(deltasPublished.sum())
                .sessionsUpserted(sessionsUpserted.sum())
                .sessionsRemoved(sessionsRemoved.sum())
                .seq(current.seq())
                .sessions(current.sessions().size())
                .status(status)
                .build();
    }
}
