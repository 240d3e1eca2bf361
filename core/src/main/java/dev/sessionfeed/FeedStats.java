package dev.sessionfeed;

import java.util.Objects;

/**
 * One immutable snapshot of a feed's counters and gauges, from {@link SessionFeed#stats()}: what a metrics system
 * (for example a Micrometer binder) reads. Every name, its unit and meaning is listed in the "Stats" table of
 * {@code docs/core.md}; the feed's internal metrics holder uses the same names.
 *
 * <p>Counters are monotonic for the lifetime of the feed (they never reset, also not on a resync); durations are
 * cumulative nanoseconds with their count ({@link #rebuildNanos()} over {@link #rebuilds()},
 * {@link #signalLagNanos()} over {@link #signalsPublished()}), so a {@code FunctionTimer} can bind them. Gauges ({@link #seq()}, {@link #sessions()}, {@link #status()}) are the
 * values at the time of the call.
 *
 * <p>Each value is exact, but the values are read one after the other while the feed runs, so two of them may
 * differ by the events of that instant (for example a rebuild counted whose delta is not yet). Per-event timings
 * (for example latency per signal) are not here: {@link FeedObserver} is the feed's one event hook.
 *
 * <p>Immutable and thread-safe. Created by the feed only (there is no public constructor).
 */
public final class FeedStats {

    /** The snapshot of a feed that counts nothing: all counters and gauges zero, status {@link FeedStatus#LIVE}. */
    static final FeedStats ZERO = builder().build();

    private final long signalsReceived;
    private final long resyncsRequested;
    private final long refreshesRequested;
    private final long rebuildsFull;
    private final long rebuildsById;
    private final long rowsApplied;
    private final long rowsReread;
    private final long rebuildNanos;
    private final long rebuildFullNanos;
    private final long signalsPublished;
    private final long signalLagNanos;
    private final long signalsWithCommitTime;
    private final long commitLagNanos;
    private final long rebuildFailures;
    private final long deltasPublished;
    private final long sessionsUpserted;
    private final long sessionsRemoved;
    private final long seq;
    private final int sessions;
    private final FeedStatus status;

    private FeedStats(Builder b) {
        this.signalsReceived = b.signalsReceived;
        this.resyncsRequested = b.resyncsRequested;
        this.refreshesRequested = b.refreshesRequested;
        this.rebuildsFull = b.rebuildsFull;
        this.rebuildsById = b.rebuildsById;
        this.rowsApplied = b.rowsApplied;
        this.rowsReread = b.rowsReread;
        this.rebuildNanos = b.rebuildNanos;
        this.rebuildFullNanos = b.rebuildFullNanos;
        this.signalsPublished = b.signalsPublished;
        this.signalLagNanos = b.signalLagNanos;
        this.signalsWithCommitTime = b.signalsWithCommitTime;
        this.commitLagNanos = b.commitLagNanos;
        this.rebuildFailures = b.rebuildFailures;
        this.deltasPublished = b.deltasPublished;
        this.sessionsUpserted = b.sessionsUpserted;
        this.sessionsRemoved = b.sessionsRemoved;
        this.seq = b.seq;
        this.sessions = b.sessions;
        this.status = b.status;
    }

    /**
     * Change signals the change source reported (one per changed row, TRUNCATE included), before coalescing.
     *
     * @return the count since the feed was built
     */
    public long signalsReceived() {
        return signalsReceived;
    }

    /**
     * Resyncs requested, by the change source (after every (re)connect) or through {@link SessionFeed#requestResync}.
     *
     * @return the count since the feed was built
     */
    public long resyncsRequested() {
        return resyncsRequested;
    }

    /**
     * Calls of {@link SessionFeed#refresh} with valid ids (also those failed because the feed was closed).
     *
     * @return the count since the feed was built
     */
    public long refreshesRequested() {
        return refreshesRequested;
    }

    /**
     * Completed rebuilds that read all sessions: the initial read, resyncs, TRUNCATE, periodic reconciles and
     * batches of more ids than {@link SessionFeed.Builder#maxBatchIds}.
     *
     * @return the count since the feed was built
     */
    public long rebuildsFull() {
        return rebuildsFull;
    }

    /**
     * Completed rebuilds that re-read changed sessions by id, and those that applied changes carrying their rows
     * without a read (see {@link #rowsApplied()}).
     *
     * @return the count since the feed was built
     */
    public long rebuildsById() {
        return rebuildsById;
    }

    /**
     * Row changes ({@link dev.sessionfeed.source.RowChange}) applied without reading the session: each costs no
     * statement (the metrics are re-read at most once per {@link SessionFeed.Builder#rowMetricsInterval}).
     *
     * @return the count since the feed was built
     */
    public long rowsApplied() {
        return rowsApplied;
    }

    /**
     * Row changes that could not be applied from their row (a value the source did not send, such as an unchanged
     * out-of-line one, or one that does not parse) and were re-read by id instead.
     *
     * @return the count since the feed was built
     */
    public long rowsReread() {
        return rowsReread;
    }

    /**
     * Completed rebuilds of both kinds: the count that goes with {@link #rebuildNanos()}.
     *
     * @return {@link #rebuildsFull()} + {@link #rebuildsById()}
     */
    public long rebuilds() {
        return rebuildsFull + rebuildsById;
    }

    /**
     * Time spent in completed rebuilds (database read, diff and publishing to the feed's state, not the
     * broadcasters), summed.
     *
     * @return cumulative nanoseconds over {@link #rebuilds()}
     */
    public long rebuildNanos() {
        return rebuildNanos;
    }

    /**
     * Of {@link #rebuildNanos()}, the time spent in full rebuilds; the count that goes with it is
     * {@link #rebuildsFull()} (the rest, {@link #rebuildByIdNanos()}, goes with {@link #rebuildsById()}).
     *
     * @return cumulative nanoseconds over {@link #rebuildsFull()}
     */
    public long rebuildFullNanos() {
        return rebuildFullNanos;
    }

    /**
     * Of {@link #rebuildNanos()}, the time spent in rebuilds by id.
     *
     * @return cumulative nanoseconds over {@link #rebuildsById()}: {@link #rebuildNanos()} - {@link #rebuildFullNanos()}
     */
    public long rebuildByIdNanos() {
        return rebuildNanos - rebuildFullNanos;
    }

    /**
     * Change signals whose rebuild completed and whose delta (if the rows changed visibly) was handed to every
     * broadcaster: the count that goes with {@link #signalLagNanos()}. Signals that arrive while a rebuild runs are
     * merged into the next one, and a failed read keeps its signals for the retry, so every signal is counted
     * once, when the state first reflects it.
     *
     * @return the count since the feed was built
     */
    public long signalsPublished() {
        return signalsPublished;
    }

    /**
     * Change lag, signal to publish: for each of the {@link #signalsPublished()}, the time from its arrival at the
     * change source ({@link dev.sessionfeed.source.ChangeSignal#receivedNanos()}) until its rebuild's delta was
     * handed to every broadcaster (for the WebSocket endpoint: encoded and queued for every connection), summed.
     *
     * @return cumulative nanoseconds over {@link #signalsPublished()}
     */
    public long signalLagNanos() {
        return signalLagNanos;
    }

    /**
     * Of {@link #signalsPublished()}, those whose source knew the transaction's commit time
     * ({@link dev.sessionfeed.source.ChangeSignal#committedAt()}): the count that goes with {@link #commitLagNanos()}.
     * 0 for sources that do not know it (LISTEN/NOTIFY, polling).
     *
     * @return the count since the feed was built
     */
    public long signalsWithCommitTime() {
        return signalsWithCommitTime;
    }

    /**
     * Change lag, commit to publish: for each of the {@link #signalsWithCommitTime()}, the time from the commit
     * (the database server's clock) until its delta was handed to every broadcaster (the feed's
     * {@link SessionFeed.Builder#clock clock}), summed per batch and never negative (a server clock ahead of the
     * feed's counts as 0).
     *
     * @return cumulative nanoseconds over {@link #signalsWithCommitTime()}
     */
    public long commitLagNanos() {
        return commitLagNanos;
    }

    /**
     * Rebuilds whose database read failed (each is retried with backoff; status {@link FeedStatus#RECOVERING}
     * meanwhile).
     *
     * @return the count since the feed was built
     */
    public long rebuildFailures() {
        return rebuildFailures;
    }

    /**
     * Deltas published to broadcasters, one per seq.
     *
     * @return the count since the feed was built
     */
    public long deltasPublished() {
        return deltasPublished;
    }

    /**
     * Sessions in the published deltas' {@code upserted} lists, summed.
     *
     * @return the count since the feed was built
     */
    public long sessionsUpserted() {
        return sessionsUpserted;
    }

    /**
     * Session ids in the published deltas' {@code removed} lists, summed.
     *
     * @return the count since the feed was built
     */
    public long sessionsRemoved() {
        return sessionsRemoved;
    }

    /**
     * The seq of the current state ({@link SessionFeed#current()}).
     *
     * @return the seq, 0 before the first published change
     */
    public long seq() {
        return seq;
    }

    /**
     * The number of sessions in the current state.
     *
     * @return the size of {@link SessionFeed#current()}'s session list
     */
    public int sessions() {
        return sessions;
    }

    /**
     * The feed's status ({@link SessionFeed#status()}).
     *
     * @return the status, never null
     */
    public FeedStatus status() {
        return status;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeedStats s
                && signalsReceived == s.signalsReceived && resyncsRequested == s.resyncsRequested
                && refreshesRequested == s.refreshesRequested && rebuildsFull == s.rebuildsFull
                && rebuildsById == s.rebuildsById && rowsApplied == s.rowsApplied && rowsReread == s.rowsReread
                && rebuildNanos == s.rebuildNanos
                && rebuildFullNanos == s.rebuildFullNanos && signalsPublished == s.signalsPublished
                && signalLagNanos == s.signalLagNanos && signalsWithCommitTime == s.signalsWithCommitTime
                && commitLagNanos == s.commitLagNanos
                && rebuildFailures == s.rebuildFailures && deltasPublished == s.deltasPublished
                && sessionsUpserted == s.sessionsUpserted && sessionsRemoved == s.sessionsRemoved
                && seq == s.seq && sessions == s.sessions && status == s.status;
    }

    @Override
    public int hashCode() {
        return Objects.hash(signalsReceived, resyncsRequested, refreshesRequested, rebuildsFull, rebuildsById,
                rowsApplied, rowsReread, rebuildNanos, rebuildFullNanos, signalsPublished, signalLagNanos,
                signalsWithCommitTime, commitLagNanos, rebuildFailures, deltasPublished, sessionsUpserted,
                sessionsRemoved, seq, sessions, status);
    }

    @Override
    public String toString() {
        return "FeedStats{signalsReceived=" + signalsReceived + ", resyncsRequested=" + resyncsRequested
                + ", refreshesRequested=" + refreshesRequested + ", rebuildsFull=" + rebuildsFull
                + ", rebuildsById=" + rebuildsById + ", rowsApplied=" + rowsApplied + ", rowsReread=" + rowsReread
                + ", rebuildNanos=" + rebuildNanos
                + ", rebuildFullNanos=" + rebuildFullNanos + ", signalsPublished=" + signalsPublished
                + ", signalLagNanos=" + signalLagNanos + ", signalsWithCommitTime=" + signalsWithCommitTime
                + ", commitLagNanos=" + commitLagNanos
                + ", rebuildFailures=" + rebuildFailures + ", deltasPublished=" + deltasPublished
                + ", sessionsUpserted=" + sessionsUpserted + ", sessionsRemoved=" + sessionsRemoved
                + ", seq=" + seq + ", sessions=" + sessions + ", status=" + status.wireName() + '}';
    }

    static Builder builder() {
        return new Builder();
    }

    /** Collects the values of one snapshot (the feed's metrics holder fills it); not thread-safe. */
    static final class Builder {
        private long signalsReceived;
        private long resyncsRequested;
        private long refreshesRequested;
        private long rebuildsFull;
        private long rebuildsById;
        private long rowsApplied;
        private long rowsReread;
        private long rebuildNanos;
        private long rebuildFullNanos;
        private long signalsPublished;
        private long signalLagNanos;
        private long signalsWithCommitTime;
        private long commitLagNanos;
        private long rebuildFailures;
        private long deltasPublished;
        private long sessionsUpserted;
        private long sessionsRemoved;
        private long seq;
        private int sessions;
        private FeedStatus status = FeedStatus.LIVE;

        private Builder() {
        }

        Builder signalsReceived(long v) { signalsReceived = v; return this; }
        Builder resyncsRequested(long v) { resyncsRequested = v; return this; }
        Builder refreshesRequested(long v) { refreshesRequested = v; return this; }
        Builder rebuildsFull(long v) { rebuildsFull = v; return this; }
        Builder rebuildsById(long v) { rebuildsById = v; return this; }
        Builder rowsApplied(long v) { rowsApplied = v; return this; }
        Builder rowsReread(long v) { rowsReread = v; return this; }
        Builder rebuildNanos(long v) { rebuildNanos = v; return this; }
        Builder rebuildFullNanos(long v) { rebuildFullNanos = v; return this; }
        Builder signalsPublished(long v) { signalsPublished = v; return this; }
        Builder signalLagNanos(long v) { signalLagNanos = v; return this; }
        Builder signalsWithCommitTime(long v) { signalsWithCommitTime = v; return this; }
        Builder commitLagNanos(long v) { commitLagNanos = v; return this; }
        Builder rebuildFailures(long v) { rebuildFailures = v; return this; }
        Builder deltasPublished(long v) { deltasPublished = v; return this; }
        Builder sessionsUpserted(long v) { sessionsUpserted = v; return this; }
        Builder sessionsRemoved(long v) { sessionsRemoved = v; return this; }
        Builder seq(long v) { seq = v; return this; }
        Builder sessions(int v) { sessions = v; return this; }
        Builder status(FeedStatus v) { status = Objects.requireNonNull(v, "status"); return this; }

        FeedStats build() {
            return new FeedStats(this);
        }
    }
}
