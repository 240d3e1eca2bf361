package dev.sessionfeed.jdbc;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.Threads;
import dev.sessionfeed.internal.jdbc.FallbackPoller;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SourceStats;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop behind {@link PollingChangeSource}: one thread that runs the {@link DetectionQuery} every interval,
 * compares fingerprints and reports. It has two personalities: the public source's ({@link #start}: polls at once,
 * active status {@code LIVE}) and the fallback's ({@link #startSuspended}: nothing until {@link #resume()}).
 *
 * <p>Threading: {@code lock} guards the schedule and the reporting state (fields marked below). The query runs
 * on the polling thread <em>without</em> the lock; its result is reported under the lock, and only if no
 * resume/suspend/close happened while it ran ({@code generation}). Listener calls are made under the lock: that is
 * what lets {@link #suspend()} promise that no call follows its return (the feed's listener only records and wakes
 * its rebuild thread). No query and no logging happens under the lock. All public methods may be called from any
 * thread.
 */
final class PollLoop implements FallbackPoller {

    /** The status reason while polls fail: a fixed sentence, since it reaches every dashboard. */
    static final String POLL_FAILED = "polling query failed";

    private static final Logger LOG = LoggerFactory.getLogger(PollingChangeSource.class);

    private final DetectionQuery query;
    private final String tableName;
    private final Duration interval;
    private final Duration joinBound;
    private final ThreadFactory threadFactory;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong pollNanos = new AtomicLong();
    private final AtomicLong lastPollNanos = new AtomicLong(-1);

    // Guarded by lock.
    private boolean suspended;
    private boolean pollNow;
    /** Incremented by every resume/suspend/close; a poll reports only if it did not change while the query ran. */
    private long generation;
    /** The fingerprint of the last successful poll in this generation, or null: the next success resyncs. */
    private List<Object> fingerprint;
    private boolean failing;
    /** Set by resume(): the next successful poll reports the active status before its resync. */
    private boolean announce;
    private String resyncReason = "polling started";
    /** Set once at start, before the thread exists. */
    private FeedStatus activeStatus = FeedStatus.LIVE;

    private volatile FeedStatus status = FeedStatus.LIVE;
    private volatile ChangeListener listener;
    private volatile Thread thread;

    /**
     * @param query         the detection query
     * @param tableName     the polled table, for logs
     * @param interval      time between the starts of two polls
     * @param joinBound     how long {@link #close()} waits for the thread (a poll in progress ends within its query
     *                      timeout)
     * @param threadFactory makes the polling thread
     */
    PollLoop(DetectionQuery query, String tableName, Duration interval, Duration joinBound, ThreadFactory threadFactory) {
        this.query = query;
        this.tableName = tableName;
        this.interval = interval;
        this.joinBound = joinBound;
        this.threadFactory = threadFactory;
    }

    /** The public personality: polls at once; reports {@code LIVE} while polls succeed. */
    void start(ChangeListener changeListener) {
        begin(changeListener, FeedStatus.LIVE, false);
    }

    @Override
    public void startSuspended(ChangeListener changeListener, FeedStatus active) {
        Objects.requireNonNull(active, "activeStatus");
        if (active == FeedStatus.RECOVERING) {
            throw new IllegalArgumentException("activeStatus must be LIVE or DEGRADED, was: RECOVERING");
        }
        begin(changeListener, active, true);
    }

    private void begin(ChangeListener changeListener, FeedStatus active, boolean startSuspended) {
        Objects.requireNonNull(changeListener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("PollingChangeSource is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("PollingChangeSource already started");
        }
        this.listener = changeListener;
        lock.lock();
        try {
            activeStatus = active;
            status = active;
            suspended = startSuspended;
            pollNow = true;
        } finally {
            lock.unlock();
        }
        Thread t = threadFactory.newThread(this::run);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        thread = t;
        t.start();
        LOG.debug("polling {} every {} (suspended={})", tableName, interval, startSuspended);
    }

    @Override
    public boolean isStarted() {
        return started.get();
    }

    @Override
    public void suspend() {
        boolean changed = false;
        lock.lock();
        try {
            if (!suspended) {
                suspended = true;
                generation++;
                changed = true;
            }
        } finally {
            lock.unlock();
        }
        if (changed) {
            LOG.debug("polling {} suspended", tableName);
        }
    }

    @Override
    public void resume() {
        boolean changed = false;
        lock.lock();
        try {
            if (suspended) {
                changed = true;
                suspended = false;
                generation++;
                fingerprint = null;
                failing = false;
                announce = true;
                resyncReason = "polling resumed";
                pollNow = true;
                wakeUp.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (changed) {
            LOG.debug("polling {} resumed", tableName);
        }
    }

    @Override
    public boolean isSuspended() {
        lock.lock();
        try {
            return suspended;
        } finally {
            lock.unlock();
        }
    }

    /** RECOVERING while polls fail, else the active status (also while suspended). */
    FeedStatus status() {
        return status;
    }

    /** The counters: received, resyncs, reconnects, and the successful polls with their time as probes. */
    SourceStats stats() {
        return SourceStats.builder().received(received.get()).resyncs(resyncs.get()).reconnects(reconnects.get())
                .probes(polls.get(), pollNanos.get()).lastProbeRoundTripNanos(lastPollNanos.get()).build();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            generation++;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
        Threads.joinBounded(thread, joinBound, LOG, "its current poll (query timeout)");
        LOG.debug("polling {} closed", tableName);
    }

    private void run() {
        long next = System.nanoTime();
        while (!closed.get()) {
            long gen;
            lock.lock();
            try {
                while (!closed.get()) {
                    long wait = next - System.nanoTime();
                    if (!suspended && (pollNow || wait <= 0)) {
                        break;
                    }
                    if (suspended) {
                        wakeUp.await();
                    } else {
                        wakeUp.awaitNanos(wait);
                    }
                }
                if (closed.get()) {
                    return;
                }
                pollNow = false;
                gen = generation;
            } catch (InterruptedException e) {
                // Only close() should stop the poller; a stray interrupt is logged and the schedule kept.
                LOG.warn("polling thread interrupted; it stops only on close()");
                continue;
            } finally {
                lock.unlock();
            }
            try {
                pollOnce(gen);
            } catch (Throwable t) {
                // The schedule must survive anything, including a listener that throws.
                LOG.error("polling {}: unexpected error, polling continues", tableName, t);
            }
            long now = System.nanoTime();
            next += interval.toNanos();
            if (next - now <= 0) {
                // Overran: skip the missed ticks instead of running them back to back.
                next = now + interval.toNanos();
            }
        }
    }

    private void pollOnce(long gen) {
        List<Object> current;
        long t0 = System.nanoTime();
        try {
            current = query.fingerprint();
            long took = System.nanoTime() - t0;
            pollNanos.addAndGet(took);
            lastPollNanos.set(took);
            polls.incrementAndGet();
        } catch (SQLException | RuntimeException e) {
            boolean first;
            lock.lock();
            try {
                first = reportFailure(gen);
            } finally {
                lock.unlock();
            }
            // Logged after the lock is released: no I/O under the lock.
            if (first) {
                LOG.warn("polling {} failed, retrying every {}: {}", tableName, interval, e.toString(), e);
            } else {
                LOG.debug("polling {} still failing (or superseded): {}", tableName, e.toString());
            }
            return;
        }
        boolean recovered;
        lock.lock();
        try {
            recovered = reportSuccess(gen, current);
        } finally {
            lock.unlock();
        }
        if (recovered) {
            LOG.info("polling {} recovered", tableName);
        }
    }

    /** Reports a failed poll unless superseded; returns true when it starts a failure streak. */
    private boolean reportFailure(long gen) {
        assert lock.isHeldByCurrentThread();
        if (gen != generation || failing) {
            return false;
        }
        failing = true;
        fingerprint = null;
        status = FeedStatus.RECOVERING;
        // A fixed sentence: the reason reaches every dashboard; the driver's text (host, port) is in the WARN log.
        listener.onStatus(FeedStatus.RECOVERING, POLL_FAILED);
        return true;
    }

    /** Reports a successful poll unless superseded; returns true when it ends a failure streak. */
    private boolean reportSuccess(long gen, List<Object> current) {
        assert lock.isHeldByCurrentThread();
        if (gen != generation) {
            return false;
        }
        boolean recovered = false;
        if (failing) {
            failing = false;
            recovered = true;
            reconnects.incrementAndGet();
            resyncReason = "polling recovered";
            status = activeStatus;
            listener.onStatus(activeStatus, "polling recovered");
        } else if (announce) {
            status = activeStatus;
            listener.onStatus(activeStatus, resyncReason);
        }
        announce = false;
        if (fingerprint == null) {
            fingerprint = current;
            resyncs.incrementAndGet();
            listener.onResync(resyncReason);
        } else if (!fingerprint.equals(current)) {
            fingerprint = current;
            received.incrementAndGet();
            resyncs.incrementAndGet();
            listener.onResync("polling detected a change");
        }
        return recovered;
    }

    @Override
    public String toString() {
        return "PollingChangeSource{" + tableName + ", interval=" + interval + ", status=" + status + ", suspended=" + isSuspended() + '}';
    }
}
