package dev.sessionfeed;

import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.NamedThreadFactory;
import dev.sessionfeed.internal.Threads;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.RowChange;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.SessionChangeSource;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * The {@link SessionFeed} implementation: owns the change source, the {@link PendingWork} queue, the rebuild
 * thread ({@link RebuildLoop}) and the published {@link FeedState}. See {@link SessionFeed} for the contract.
 *
 * <p>Thread-safe; its threads and locks are those of the threading model written on {@link SessionFeed}: the
 * {@code lifecycle} lock serializes {@link #start()} and {@link #close()} (and only they take it), the rebuild
 * thread runs {@link RebuildLoop}. Not constructible outside this package: {@link SessionFeed.Builder#build()}
 * is the way to make one.
 */
final class DefaultSessionFeed implements SessionFeed {

    private static final Logger log = LoggerFactory.getLogger(DefaultSessionFeed.class);

    /** The default rebuild thread's name. */
    static final String THREAD_NAME = "sessionfeed-rebuild";
    /** How long {@link #close()} waits for the rebuild thread before interrupting it (a read in flight). */
    private static final Duration JOIN_BEFORE_INTERRUPT = Duration.ofSeconds(5);
    /** How long {@link #close()} waits after interrupting it. */
    private static final Duration JOIN_AFTER_INTERRUPT = Duration.ofSeconds(5);

    private final String epoch;
    private final SessionChangeSource source;
    private final ThreadFactory threadFactory;
    /** Counts for {@link #stats()}, then hands each event to the host's observer. */
    private final FeedMetrics observer;
    private final PendingWork work;
    private final FeedState state;
    private final StatusTracker status = new StatusTracker();
    private final Broadcasters broadcasters = new Broadcasters();
    private final RebuildLoop loop;
    private final ChangeListener listener = new Listener();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread thread;

    /**
     * Creates the feed from a validated builder; only {@link SessionFeed.Builder#build()} calls this.
     *
     * @param builder the configuration
     * @throws NullPointerException if {@code builder} is null
     */
    DefaultSessionFeed(SessionFeed.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        this.epoch = builder.epoch() != null ? builder.epoch() : Epochs.random();
        this.source = builder.source();
        this.threadFactory = builder.threadFactory() != null ? builder.threadFactory() : NamedThreadFactory.single(THREAD_NAME);
        this.observer = new FeedMetrics(new SafeObserver(builder.observer()));
        Clock clock = builder.clock();
        this.work = new PendingWork(builder.coalesceWindow(), builder.maxCoalesceDelay(), builder.maxBatchIds());
        this.state = new FeedState(epoch, builder.replayWindow(),
                new Snapshot(epoch, 0, clock.instant(), List.of(), ChatMetrics.EMPTY));
        this.loop = new RebuildLoop(epoch, builder.snapshots(), work, state, status, broadcasters, observer, clock,
                builder.retryInitialBackoff(), builder.retryMaxBackoff(), builder.reconcileInterval(),
                builder.rowMetricsInterval());
    }

    @Override
    public void start() {
        lifecycle.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("feed " + epoch + " is closed");
            }
            if (!started.compareAndSet(false, true)) {
                throw new IllegalStateException("feed " + epoch + " is already started");
            }
            status.sourceBeforeStart(sourceStatusBeforeStart());
            loop.initialRead();
            Thread t = threadFactory.newThread(loop);
            if (t == null) {
                throw new IllegalStateException("threadFactory " + threadFactory + " returned no thread");
            }
            thread = t;
            t.start();
        } finally {
            lifecycle.unlock();
        }
        try {
            source.start(listener);
            status.sourceInitial(source.status());
            work.statusChanged();
        } catch (RuntimeException e) {
            log.error("Feed {}: the change source {} failed to start; closing the feed", epoch, source, e);
            close();
            throw e;
        }
        Snapshot s = state.current();
        log.info("Feed {} started: {} sessions at seq {}, status {}", epoch, s.sessions().size(), s.seq(),
                status.view().status().wireName());
    }

    /** The source's status before its start; null (keep the default) when a host's source cannot tell yet. */
    private FeedStatus sourceStatusBeforeStart() {
        try {
            return source.status();
        } catch (RuntimeException e) {
            log.debug("Feed {}: change source {} has no status before its start: {}", epoch, source, e.toString());
            return null;
        }
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public Snapshot current() {
        return state.current();
    }

    @Override
    public Replay replaySince(String epoch, long lastSeq) {
        return state.replaySince(epoch, lastSeq);
    }

    @Override
    public AutoCloseable addBroadcaster(Broadcaster broadcaster) {
        return broadcasters.add(broadcaster);
    }

    @Override
    public FeedStatus status() {
        return status.view().status();
    }

    @Override
    public String statusReason() {
        return status.view().reason();
    }

    @Override
    public FeedStats stats() {
        return observer.snapshot(state.current(), status.view().status());
    }

    @Override
    public void requestResync(String reason) {
        listener.onResync(Objects.requireNonNull(reason, "reason"));
    }

    @Override
    public CompletableFuture<Long> refresh(Collection<String> ids) {
        Objects.requireNonNull(ids, "ids");
        Set<String> copy = new LinkedHashSet<>();
        for (String id : ids) {
            copy.add(Checks.notBlank("ids element", id));
        }
        observer.refreshRequested();
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (!work.refresh(copy, future)) {
            future.completeExceptionally(new SessionFeedException("Cannot refresh " + copy.size() + " session(s): feed "
                    + epoch + " is closed (seq " + state.current().seq() + ")"));
        }
        return future;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lifecycle.lock();
        try {
            try {
                source.close();
            } catch (RuntimeException e) {
                log.warn("Feed {}: closing the change source {} failed", epoch, source, e);
            }
            List<CompletableFuture<Long>> orphans = work.close();
            if (!orphans.isEmpty()) {
                SessionFeedException failure = new SessionFeedException("The feed was closed before the refresh ran (feed "
                        + epoch + ", seq " + state.current().seq() + ")");
                orphans.forEach(f -> f.completeExceptionally(failure));
            }
            Thread t = thread;
            if (t == null) {
                broadcasters.close();
            } else if (t != Thread.currentThread()) {
                join(t);
            }
        } finally {
            lifecycle.unlock();
        }
        log.info("Feed {} closed at seq {}", epoch, state.current().seq());
    }

    /**
     * Waits for the rebuild thread; interrupts it if a read keeps it busy too long, then waits once more and
     * abandons it (it is stopped, and ends after its read returns). Keeps the caller's interrupt flag.
     */
    private void join(Thread t) {
        // The first wait is expected to time out only when a read is slow: its own line below says so, not
        // joinBounded's "abandoned" line.
        if (Threads.joinBounded(t, JOIN_BEFORE_INTERRUPT, NOPLogger.NOP_LOGGER, "its current read")) {
            return;
        }
        log.warn("Feed {}: rebuild thread {} still busy {} ms after close; interrupting it", epoch, t.getName(),
                JOIN_BEFORE_INTERRUPT.toMillis());
        t.interrupt();
        Threads.joinBounded(t, JOIN_AFTER_INTERRUPT, log, "the current read of feed " + epoch + ", interrupted "
                + JOIN_AFTER_INTERRUPT.toMillis() + " ms ago");
    }

    /** What the change source reports to. Never throws, never blocks. */
    private final class Listener implements ChangeListener {

        @Override
        public void onChange(ChangeSignal signal) {
            if (signal == null) {
                log.warn("Feed {}: change source {} reported a null signal; resyncing", epoch, source);
                onResync("null signal");
                return;
            }
            observer.onSignal(signal);
            if (signal.action() == ChangeAction.TRUNCATE) {
                work.requestFull(signal);
            } else {
                work.signal(signal);
            }
        }

        @Override
        public void onRowChange(RowChange change) {
            if (change == null) {
                log.warn("Feed {}: change source {} reported a null row change; resyncing", epoch, source);
                onResync("null row change");
                return;
            }
            observer.onSignal(change.asSignal());
            if (loop.decodesRows()) {
                work.row(change);
            } else {
                work.signal(change.sessionId());
            }
        }

        @Override
        public void onResync(String reason) {
            String why = reason == null ? "unspecified" : reason;
            if (closed.get()) {
                log.debug("Feed {}: ignoring resync after close ({})", epoch, why);
                return;
            }
            log.debug("Feed {}: resync requested ({}): full rebuild", epoch, why);
            observer.onResync(why);
            work.requestFull(true);
        }

        @Override
        public void onStatus(FeedStatus sourceStatus, String reason) {
            if (sourceStatus == null) {
                log.warn("Feed {}: change source {} reported a null status; ignoring it", epoch, source);
                return;
            }
            status.source(sourceStatus, reason);
            work.statusChanged();
        }
    }
}
