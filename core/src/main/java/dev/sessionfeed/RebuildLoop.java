package dev.sessionfeed;

import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.RowChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;

import dev.sessionfeed.internal.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of a feed's rebuild thread: takes {@link PendingWork}, reads through the {@link SnapshotBuilder},
 * diffs, publishes to the {@link FeedState} and the {@link Broadcasters}, completes refresh waiters, retries
 * failed reads with {@link Backoff}, runs the periodic reconcile and tells broadcasters about status changes.
 *
 * <p>Threading (the model is written on {@link SessionFeed}): everything here runs on the rebuild thread, except {@link #initialRead()}, which {@link DefaultSessionFeed}
 * calls before it starts the thread (the thread start orders it before the loop). Failures of any kind
 * ({@code Throwable}) are caught, logged and retried: the thread only ends when the feed closes.
 */
final class RebuildLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RebuildLoop.class);

    private final String epoch;
    private final SnapshotBuilder snapshots;
    private final PendingWork work;
    private final FeedState state;
    private final StatusTracker status;
    private final Broadcasters broadcasters;
    /** The feed's counters, and the first observer in the chain (it hands every event on to the host's). */
    private final FeedMetrics observer;
    private final Clock clock;
    private final Backoff backoff;
    private final long reconcileNanos;
    private final int maxSessions;
    private final long rowMetricsNanos;
    private final boolean decodesRows;
    /** {@link System#nanoTime()} of the last read that brought the metrics. */
    private long lastMetricsReadNanos;

    private boolean backingOff;
    private long notBeforeNanos;
    private long nextReconcileNanos;
    private FeedStatus publishedStatus = FeedStatus.LIVE;
    /** Whether the rebuild thread has compared the status once (only the first comparison is at start). */
    private boolean startChecked;
    private boolean running;
    private long failureStreakStartNanos;

    RebuildLoop(String epoch, SnapshotBuilder snapshots, PendingWork work, FeedState state, StatusTracker status,
                Broadcasters broadcasters, FeedMetrics observer, Clock clock, Duration retryInitial,
                Duration retryMax, Duration reconcileInterval, Duration rowMetricsInterval) {
        this.epoch = epoch;
        this.snapshots = snapshots;
        this.work = work;
        this.state = state;
        this.status = status;
        this.broadcasters = broadcasters;
        this.observer = observer;
        this.clock = clock;
        this.backoff = new Backoff(retryInitial, retryMax);
        this.reconcileNanos = reconcileInterval.toNanos();
        int max = snapshots.maxSessions();
        if (max < 1) {
            throw new IllegalArgumentException("SnapshotBuilder.maxSessions() must be at least 1, was " + max
                    + " (" + snapshots.getClass().getName() + ")");
        }
        this.maxSessions = max;
        this.rowMetricsNanos = rowMetricsInterval.toNanos();
        this.decodesRows = snapshots.decodesRows();
    }

    /**
     * Whether changes that carry their row can be applied without a read (the snapshot builder decodes rows).
     *
     * @return the snapshot builder's {@link SnapshotBuilder#decodesRows()}
     */
    boolean decodesRows() {
        return decodesRows;
    }

    /**
     * Reads the initial state (seq 0, nothing published). On failure the feed starts empty and RECOVERING,
     * with a full rebuild pending after the first backoff.
     */
    void initialRead() {
        long start = System.nanoTime();
        nextReconcileNanos = start + reconcileNanos;
        try {
            SnapshotRead read = Objects.requireNonNull(snapshots.buildFull(), "SnapshotBuilder.buildFull() returned null");
            SnapshotDiff.Result initial = SnapshotDiff.full(
                    new Snapshot(epoch, 0, read.readAt(), List.of(), ChatMetrics.EMPTY), read);
            state.initial(new Snapshot(epoch, 0, read.readAt(), initial.sessions(), read.metrics()));
            observer.onRebuild(true, 0, 0, System.nanoTime() - start, null);
        } catch (Throwable e) {
            readFailed(new PendingWork.Batch(true, Set.of(), 0, List.of(), false, SignalLag.NONE), e);
        }
    }

    @Override
    public void run() {
        running = true;
        try {
            publishStatusIfChanged();
            loop();
        } finally {
            failAll(work.close(), "the feed was closed before the refresh ran");
            broadcasters.close();
            log.debug("Rebuild thread of feed {} stopped", epoch);
        }
    }

    private void loop() {
        while (true) {
            PendingWork.Batch batch;
            try {
                batch = work.take(backingOff, notBeforeNanos, reconcileNanos > 0, nextReconcileNanos);
            } catch (InterruptedException e) {
                if (work.isClosed()) {
                    return;
                }
                log.debug("Rebuild thread of feed {} interrupted while not closed; continuing", epoch);
                continue;
            }
            if (batch == null) {
                return;
            }
            try {
                publishStatusIfChanged();
                if (batch.reconcileDue()) {
                    log.debug("Periodic reconcile of feed {}: full rebuild", epoch);
                    nextReconcileNanos = System.nanoTime() + reconcileNanos;
                    work.requestFull(false);
                } else if (batch.hasWork()) {
                    rebuild(batch);
                }
            } catch (Throwable e) {
                // A bug, not a read failure (those are handled in rebuild): keep the thread alive, but let no
                // caller wait forever.
                log.error("Unexpected error in the rebuild thread of feed {}; continuing", epoch, e);
                failAll(batch.waiters(), "internal error in the feed's rebuild: " + e);
            }
        }
    }

    private void rebuild(PendingWork.Batch batch) {
        if (!batch.full() && batch.ids().isEmpty() && batch.waiters().isEmpty()) {
            applyRows(batch);
            return;
        }
        long start = System.nanoTime();
        boolean full = batch.full();
        if (full) {
            nextReconcileNanos = start + reconcileNanos;
        }
        Snapshot current = state.current();
        SnapshotRead read;
        try {
            read = Objects.requireNonNull(full ? snapshots.buildFull() : snapshots.refresh(batch.ids()),
                    "SnapshotBuilder returned null");
        } catch (Throwable e) {
            readFailed(batch, e);
            return;
        }
        SnapshotDiff.Result diff = full ? SnapshotDiff.full(current, read)
                : SnapshotDiff.byIds(current, read, batch.ids(), maxSessions);
        if (!full && diff.sessions().size() < maxSessions && current.sessions().size() >= maxSessions) {
            // The list was at the cap and the refresh removed some of it: the next sessions in display order, which
            // the cap left out, must fill the gap, and only a full read knows them (issue 12, item 8).
            full = true;
            nextReconcileNanos = System.nanoTime() + reconcileNanos;
            try {
                read = Objects.requireNonNull(snapshots.buildFull(), "SnapshotBuilder.buildFull() returned null");
            } catch (Throwable e) {
                readFailed(batch, e);
                return;
            }
            diff = SnapshotDiff.full(current, read);
        }
        readSucceeded();
        lastMetricsReadNanos = start;
        publish(batch, current, read, diff, full, start);
    }

    /**
     * Applies a batch of row changes without reading a session (the rows come from the change source), with the
     * current metrics, or with freshly read ones when the batch says they are due (at most one metrics read per
     * {@code rowMetricsInterval}). A row that cannot be decoded makes the batch's ids a by-id read instead.
     */
    private void applyRows(PendingWork.Batch batch) {
        long start = System.nanoTime();
        Snapshot current = state.current();
        Instant now = clock.instant();
        List<ChatSession> decoded = new ArrayList<>(batch.rows().size());
        for (RowChange change : batch.rows().values()) {
            if (change.action() == ChangeAction.DELETE) {
                continue; // its id is requested and absent from the read: removed
            }
            try {
                snapshots.decodeRow(change, now).ifPresent(decoded::add);
            } catch (RuntimeException e) {
                // Typically an unchanged out-of-line (TOASTed) value PostgreSQL did not send: read the rows instead.
                log.debug("Feed {}: a row change cannot be applied ({}); re-reading {} session(s) by id", epoch, e.getMessage(),
                        batch.rows().size());
                observer.rowsReread(batch.rows().size());
                rebuild(new PendingWork.Batch(false, Set.copyOf(batch.rows().keySet()), batch.signals(), List.of(), false,
                        batch.lag()));
                return;
            }
        }
        decoded.sort(DISPLAY_ORDER);
        ChatMetrics metrics = current.metrics();
        Instant readAt = now;
        Throwable metricsFailure = null;
        if (batch.metricsDue()) {
            try {
                SnapshotRead m = Objects.requireNonNull(snapshots.refresh(Set.of()), "SnapshotBuilder returned null");
                metrics = m.metrics();
                readAt = m.readAt();
                lastMetricsReadNanos = start;
                readSucceeded();
            } catch (Throwable e) {
                metricsFailure = e;
            }
        }
        SnapshotRead read = new SnapshotRead(decoded, metrics, readAt);
        SnapshotDiff.Result diff = SnapshotDiff.byIds(current, read, batch.rows().keySet(), maxSessions);
        observer.rowsApplied(batch.rows().size());
        if (diff.sessions().size() < maxSessions && current.sessions().size() >= maxSessions && metricsFailure == null) {
            // As after a by-id read: only a full read knows the sessions the cap left out (issue 12, item 8).
            rebuild(new PendingWork.Batch(true, Set.of(), batch.signals(), List.of(), false, batch.lag()));
            return;
        }
        publish(batch, current, read, diff, false, start);
        if (metricsFailure != null) {
            readFailed(new PendingWork.Batch(false, Set.of(), 0, List.of(), false, SignalLag.NONE, java.util.Map.of(), true),
                    metricsFailure);
        } else if (!batch.rows().isEmpty()) {
            work.metricsDue(Math.max(System.nanoTime(), lastMetricsReadNanos + rowMetricsNanos));
        }
    }

    /** Publishes what a rebuild produced and completes its waiters. */
    private void publish(PendingWork.Batch batch, Snapshot current, SnapshotRead read, SnapshotDiff.Result diff, boolean full,
                         long start) {
        SessionDelta delta = null;
        Snapshot next = current;
        if (!diff.isEmpty()) {
            long seq = current.seq() + 1;
            delta = new SessionDelta(epoch, seq, current.seq(), read.readAt(), diff.upserted(), diff.removed(), diff.metrics());
            next = new Snapshot(epoch, seq, read.readAt(), diff.sessions(), read.metrics());
            state.publish(next, delta);
        } else if (full && !diff.sessions().equals(current.sessions())) {
            // Same content in another order (refreshes put new sessions first, see SnapshotDiff): adopt the
            // read's order so newcomers get it; there is no delta to publish for an order change.
            next = new Snapshot(epoch, current.seq(), current.builtAt(), diff.sessions(), current.metrics());
            state.reorder(next);
        }
        long took = System.nanoTime() - start;
        if (delta != null) {
            broadcasters.delta(delta, next);
        }
        observer.onRebuild(full, full ? 0 : batch.ids().size(), batch.signals(), took, delta);
        // After the broadcasters took the delta (the endpoint: encoded and queued for every connection).
        observer.signalsPublished(batch.lag(), System.nanoTime(), clock.instant());
        for (CompletableFuture<Long> waiter : batch.waiters()) {
            waiter.complete(next.seq());
        }
    }

    /** Newest first, then by id: the read statement's {@code ORDER BY created_at DESC, id} (NULLs first, as DESC does). */
    private static final Comparator<ChatSession> DISPLAY_ORDER = Comparator
            .comparing(ChatSession::createdAt, Comparator.nullsFirst(Comparator.<Instant>reverseOrder()))
            .thenComparing(ChatSession::id);

    private void readFailed(PendingWork.Batch batch, Throwable error) {
        if (running && work.isClosed()) {
            // close() interrupted a read that took too long: not a database problem worth a warning.
            log.debug("Feed {}: read interrupted by close: {}", epoch, error.toString());
            failAll(batch.waiters(), "the feed was closed while the refresh was read");
            return;
        }
        long now = System.nanoTime();
        if (backoff.attempts() == 0) {
            failureStreakStartNanos = now;
        }
        long delay = backoff.nextDelayNanos();
        backingOff = true;
        notBeforeNanos = now + delay;
        work.restore(batch);
        status.read(true);
        long delayMs = TimeUnit.NANOSECONDS.toMillis(delay);
        String what = batch.full() ? "all sessions" : batch.ids().isEmpty() && batch.metricsDue() ? "the metrics"
                : batch.ids().size() + " session(s) by id";
        if (backoff.attempts() == 1) {
            log.warn("Feed {} could not read {} (seq {}); status RECOVERING, retrying with backoff, next attempt in {} ms",
                    epoch, what, state.current().seq(), delayMs, error);
        } else {
            log.debug("Feed {} still cannot read {} ({} failed attempts); next attempt in {} ms: {}",
                    epoch, what, backoff.attempts(), delayMs, error.toString());
        }
        observer.onRebuildFailed(error);
        if (!batch.waiters().isEmpty()) {
            SessionFeedException failure = new SessionFeedException("Could not refresh " + what + ": the database read failed "
                    + "(attempt " + backoff.attempts() + " in a row, next in " + delayMs + " ms, feed " + epoch + " at seq "
                    + state.current().seq() + ")", error);
            for (CompletableFuture<Long> waiter : batch.waiters()) {
                waiter.completeExceptionally(failure);
            }
        }
        publishStatusIfChanged();
    }

    private void readSucceeded() {
        if (backingOff) {
            log.info("Feed {} reads the database again after {} failed attempts ({} ms)", epoch, backoff.attempts(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failureStreakStartNanos));
            backingOff = false;
            backoff.reset();
            status.read(false);
            publishStatusIfChanged();
        }
    }

    /** Tells broadcasters about a status change; only on the rebuild thread (a change during start() waits for it). */
    private void publishStatusIfChanged() {
        if (!running) {
            return;
        }
        StatusTracker.View now = status.view();
        if (now.status() != publishedStatus) {
            if (startChecked) {
                log.info("Feed {} status {} -> {}: {}", epoch, publishedStatus.wireName(), now.status().wireName(), now.reason());
            } else {
                // publishedStatus starts as LIVE (what broadcasters assume), but the feed never was: say how it starts.
                log.info("Feed {} starts {}: {}", epoch, now.status().wireName(), now.reason());
            }
            publishedStatus = now.status();
            broadcasters.status(now.status(), now.reason());
        }
        startChecked = true;
    }

    private void failAll(List<CompletableFuture<Long>> waiters, String why) {
        if (waiters.isEmpty()) {
            return;
        }
        SessionFeedException failure = new SessionFeedException(why + " (feed " + epoch + ", seq " + state.current().seq()
                + ", at " + clock.instant() + ")");
        for (CompletableFuture<Long> waiter : waiters) {
            waiter.completeExceptionally(failure);
        }
    }
}
