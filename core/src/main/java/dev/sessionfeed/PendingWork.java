package dev.sessionfeed;

import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.RowChange;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the rebuild thread has to do next: the changed ids, whether a full rebuild was asked for, the
 * {@code refresh()} callers waiting for a read that starts after their call, and whether the status changed.
 * Producers (change sources, API callers) add to it from any thread; the rebuild thread {@link #take}s
 * everything at once, which is how signals arriving during a rebuild are merged into the next one.
 *
 * <p>Coalescing: with a zero window, work is ready as soon as it exists. With a positive window, work is ready
 * once no signal arrived for {@code window}, but at the latest {@code maxDelay} after the first pending signal.
 * More than {@code maxBatchIds} ids turn into a full rebuild (which also bounds memory under a flood).
 *
 * <p>Thread-safe.
 */
final class PendingWork {

    /**
     * Work taken by the rebuild thread.
     *
     * @param full          re-read everything
     * @param ids           the ids to re-read (empty when {@code full})
     * @param signals       signals and resyncs merged into this batch
     * @param waiters       refresh callers to complete after this batch
     * @param reconcileDue  the wake-up time passed without ready work
     * @param lag           the change lag of the batch's change signals, owned by the rebuild thread once taken
     * @param rows          row changes to apply without a read, latest per id, in arrival order (empty when
     *                      {@code full}, or when {@code ids} is not empty: then their ids are in {@code ids})
     * @param metricsDue    the metrics must be re-read (rows were applied since the last read)
     */
    record Batch(boolean full, Set<String> ids, int signals, List<CompletableFuture<Long>> waiters, boolean reconcileDue,
                 SignalLag lag, Map<String, RowChange> rows, boolean metricsDue) {

        /** A batch without rows or metrics (the shape before row-carrying sources). */
        Batch(boolean full, Set<String> ids, int signals, List<CompletableFuture<Long>> waiters, boolean reconcileDue,
              SignalLag lag) {
            this(full, ids, signals, waiters, reconcileDue, lag, Map.of(), false);
        }

        /**
         * Tells whether this batch needs a read or has rows to apply.
         *
         * @return true when something must be re-read or applied, or someone waits for a read
         */
        boolean hasWork() {
            return full || !ids.isEmpty() || !waiters.isEmpty() || !rows.isEmpty() || metricsDue;
        }

        /**
         * Tells whether the batch is applied from rows alone (no session is re-read).
         *
         * @return true when only rows (and perhaps the metrics) are due
         */
        boolean rowsOnly() {
            return !full && ids.isEmpty() && waiters.isEmpty() && !rows.isEmpty();
        }
    }

    private static final Batch NOTHING = new Batch(false, Set.of(), 0, List.of(), false, SignalLag.NONE);
    private static final Batch RECONCILE = new Batch(false, Set.of(), 0, List.of(), true, SignalLag.NONE);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final long windowNanos;
    private final long maxDelayNanos;
    private final int maxBatchIds;

    private Set<String> ids = new HashSet<>();
    private boolean full;
    private int signals;
    private SignalLag lag = new SignalLag();
    private List<CompletableFuture<Long>> waiters = new ArrayList<>();
    private long firstNanos;
    private long lastNanos;
    private boolean statusChanged;
    private boolean closed;
    /** Row changes not yet taken: latest per id (an id also in {@link #ids} is re-read instead). */
    private Map<String, RowChange> rows = new LinkedHashMap<>();
    /** Whether a metrics read is scheduled, and from when on it is due. */
    private boolean metricsScheduled;
    private long metricsDueNanos;

    PendingWork(Duration window, Duration maxDelay, int maxBatchIds) {
        this.windowNanos = window.toNanos();
        this.maxDelayNanos = maxDelay.toNanos();
        this.maxBatchIds = maxBatchIds;
    }

    /**
     * A change signal for one session.
     *
     * @param id the session id
     */
    void signal(String id) {
        signal(id, null);
    }

    /**
     * A change signal from the change source: its session, and its arrival (and commit) time for the change lag.
     *
     * @param signal a signal of a row action (not TRUNCATE)
     */
    void signal(ChangeSignal signal) {
        signal(signal.sessionId(), signal);
    }

    private void signal(String id, ChangeSignal timed) {
        lock.lock();
        try {
            if (!closed) {
                touch();
                addId(id);
                signals++;
                if (timed != null) {
                    lag.add(timed);
                }
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A change that carries its row: applied without a read unless the same batch re-reads its id or everything.
     *
     * @param change the change
     */
    void row(RowChange change) {
        lock.lock();
        try {
            if (!closed) {
                touch();
                signals++;
                if (!full && !ids.contains(change.sessionId())) {
                    rows.remove(change.sessionId()); // re-inserted last: the map keeps arrival order of the latest changes
                    rows.put(change.sessionId(), change);
                    if (rows.size() + ids.size() > maxBatchIds) {
                        setFull();
                    }
                }
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Rows were applied: the metrics must be re-read, not before {@code atNanos}. An earlier schedule stays.
     *
     * @param atNanos {@link System#nanoTime()} from which the read is due
     */
    void metricsDue(long atNanos) {
        lock.lock();
        try {
            if (!closed && !metricsScheduled) {
                metricsScheduled = true;
                metricsDueNanos = atNanos;
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A signal or request that needs everything re-read (TRUNCATE, resync, reconcile).
     *
     * @param countAsSignal whether it came from a source or caller (else it is the feed's own reconcile)
     */
    void requestFull(boolean countAsSignal) {
        requestFull(countAsSignal, null);
    }

    /**
     * A TRUNCATE signal: a full rebuild, counted as a signal, with the signal's times for the change lag.
     *
     * @param truncate the signal
     */
    void requestFull(ChangeSignal truncate) {
        requestFull(true, truncate);
    }

    private void requestFull(boolean countAsSignal, ChangeSignal timed) {
        lock.lock();
        try {
            if (!closed) {
                touch();
                setFull();
                if (countAsSignal) {
                    signals++;
                }
                if (timed != null) {
                    lag.add(timed);
                }
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A caller wants {@code refreshIds} re-read and to be told when that happened.
     *
     * @param refreshIds the ids
     * @param waiter     completed by the rebuild thread
     * @return false when closed (the waiter was not added)
     */
    boolean refresh(Collection<String> refreshIds, CompletableFuture<Long> waiter) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            touch();
            for (String id : refreshIds) {
                addId(id);
            }
            waiters.add(waiter);
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Puts the reads of a failed batch back (its waiters are not: they were failed).
     *
     * @param failed the batch whose read failed
     */
    void restore(Batch failed) {
        lock.lock();
        try {
            if (!closed && failed.metricsDue() && !metricsScheduled) {
                // The rows were applied before the metrics read failed: only the metrics are retried.
                metricsScheduled = true;
                metricsDueNanos = System.nanoTime();
            }
            if (!closed && (failed.full() || !failed.ids().isEmpty())) {
                touch();
                if (failed.full()) {
                    setFull();
                }
                for (String id : failed.ids()) {
                    addId(id);
                }
                lag.addAll(failed.lag());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The status changed: wake the rebuild thread so it tells the broadcasters. */
    void statusChanged() {
        lock.lock();
        try {
            statusChanged = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting work and wakes the rebuild thread.
     *
     * @return the waiters that were never taken; the caller fails them
     */
    List<CompletableFuture<Long>> close() {
        lock.lock();
        try {
            closed = true;
            List<CompletableFuture<Long>> orphans = waiters;
            waiters = new ArrayList<>();
            ids = new HashSet<>();
            rows = new LinkedHashMap<>();
            full = false;
            metricsScheduled = false;
            changed.signalAll();
            return orphans;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells whether {@link #close()} was called.
     *
     * @return true once closed
     */
    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for something to do. Returns, in this order of preference: null once closed; all pending work when
     * it is ready (and not before {@code notBeforeNanos} when {@code backingOff}); an empty batch when the
     * status changed; an empty batch with {@link Batch#reconcileDue()} once {@code wakeAtNanos} passed (when
     * {@code wake}).
     *
     * @param backingOff     whether reads must wait for {@code notBeforeNanos} (after a failure)
     * @param notBeforeNanos {@link System#nanoTime()} before which no read may start
     * @param wake           whether to wake up at {@code wakeAtNanos}
     * @param wakeAtNanos    {@link System#nanoTime()} of the next periodic reconcile
     * @return the batch, or null when closed
     * @throws InterruptedException if the rebuild thread is interrupted while waiting
     */
    Batch take(boolean backingOff, long notBeforeNanos, boolean wake, long wakeAtNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return null;
                }
                long now = System.nanoTime();
                boolean hasWork = full || !ids.isEmpty() || !waiters.isEmpty() || !rows.isEmpty();
                long waitNanos = Long.MAX_VALUE;
                if (!hasWork && metricsScheduled) {
                    if (backingOff && notBeforeNanos - now > 0) {
                        waitNanos = notBeforeNanos - now;
                    } else if (now - metricsDueNanos >= 0) {
                        return drain();
                    } else {
                        waitNanos = metricsDueNanos - now;
                    }
                }
                if (hasWork) {
                    long readyAt = now;
                    if (windowNanos > 0) {
                        long quiet = lastNanos + windowNanos;
                        long cap = firstNanos + maxDelayNanos;
                        readyAt = quiet - cap < 0 ? quiet : cap;
                    }
                    if (backingOff && notBeforeNanos - readyAt > 0) {
                        readyAt = notBeforeNanos;
                    }
                    if (now - readyAt >= 0) {
                        return drain();
                    }
                    waitNanos = readyAt - now;
                }
                if (statusChanged) {
                    statusChanged = false;
                    return NOTHING;
                }
                if (wake) {
                    if (now - wakeAtNanos >= 0) {
                        return RECONCILE;
                    }
                    waitNanos = Math.min(waitNanos, wakeAtNanos - now);
                }
                if (waitNanos == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.await(waitNanos, TimeUnit.NANOSECONDS);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything pending; call with the lock held. */
    private Batch drain() {
        assert lock.isHeldByCurrentThread();
        boolean metrics = metricsScheduled && System.nanoTime() - metricsDueNanos >= 0;
        SignalLag taken = lag.count() == 0 ? SignalLag.NONE : lag;
        Batch batch;
        if (full || !ids.isEmpty() || !waiters.isEmpty()) {
            // A read: it re-reads the rows' ids too (fresher than the rows) and brings the metrics.
            Set<String> read = new HashSet<>(ids);
            read.addAll(rows.keySet());
            batch = new Batch(full, full ? Set.of() : Set.copyOf(read), signals, List.copyOf(waiters), false, taken,
                    Map.of(), false);
            metricsScheduled = false;
        } else {
            batch = new Batch(false, Set.of(), signals, List.of(), false, taken, Collections.unmodifiableMap(rows),
                    metrics);
            if (metrics) {
                metricsScheduled = false;
            }
        }
        rows = new LinkedHashMap<>();
        ids = new HashSet<>();
        full = false;
        signals = 0;
        if (lag.count() > 0) {
            lag = new SignalLag();
        }
        waiters = new ArrayList<>();
        statusChanged = false;
        return batch;
    }

    /** Stamps the arrival of work for coalescing; call with the lock held. */
    private void touch() {
        assert lock.isHeldByCurrentThread();
        long now = System.nanoTime();
        boolean hadWork = full || !ids.isEmpty() || !waiters.isEmpty() || !rows.isEmpty();
        if (!hadWork) {
            firstNanos = now;
        }
        lastNanos = now;
    }

    /** Adds one id, turning into a full rebuild above {@code maxBatchIds}; call with the lock held. */
    private void addId(String id) {
        assert lock.isHeldByCurrentThread();
        if (full) {
            return;
        }
        ids.add(id);
        if (ids.size() + rows.size() > maxBatchIds) {
            setFull();
        }
    }

    /** Marks a full rebuild (which covers every id); call with the lock held. */
    private void setFull() {
        assert lock.isHeldByCurrentThread();
        full = true;
        ids = new HashSet<>();
        rows = new LinkedHashMap<>();
    }
}
