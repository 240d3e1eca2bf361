package dev.sessionfeed.testkit;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.RowChange;
import dev.sessionfeed.source.SessionChangeSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SessionChangeSource} the test drives by hand: it fires change signals, resyncs and status changes
 * itself, on its own thread, instead of a database reporting them. Use it with a feed under test
 * ({@code SessionFeed.builder(snapshots, source)}) to make the feed rebuild exactly when the test says.
 *
 * <p>Contract: {@link #start} may be called once (a second call throws, like a real source); the firing methods
 * call the started listener synchronously on the calling thread and throw {@link IllegalStateException} before
 * {@code start}. {@link #close()} only counts: a closed source still fires, so a test can check that a closed
 * feed ignores late signals. {@link #status()} starts as {@link FeedStatus#LIVE} and follows
 * {@link #reportStatus}.
 *
 * <p>Thread-safety: all methods are thread-safe; signals fired from several threads reach the listener
 * concurrently, as they may from a real source.
 */
public final class ManualChangeSource implements SessionChangeSource {

    private final Object lock = new Object();
    private ChangeListener listener; // guarded by lock; written once
    private volatile FeedStatus status = FeedStatus.LIVE;
    private volatile RuntimeException startFailure;
    private final AtomicInteger closes = new AtomicInteger();

    /** Creates a source that is not started, with status {@link FeedStatus#LIVE}. */
    public ManualChangeSource() {
    }

    /**
     * Records the listener the firing methods call.
     *
     * @param listener the feed's listener
     * @throws IllegalStateException if already started
     * @throws NullPointerException  if {@code listener} is null
     * @throws RuntimeException      the failure set with {@link #failStartWith}, if any (the source stays not
     *                               started)
     */
    @Override
    public void start(ChangeListener listener) {
        Objects.requireNonNull(listener, "listener");
        RuntimeException failure = startFailure;
        if (failure != null) {
            throw failure;
        }
        synchronized (lock) {
            if (this.listener != null) {
                throw new IllegalStateException("already started");
            }
            this.listener = listener;
        }
    }

    /**
     * Makes {@link #start} throw, to play a source that cannot listen.
     *
     * @param failure what {@code start} throws; null makes it work again
     */
    public void failStartWith(RuntimeException failure) {
        this.startFailure = failure;
    }

    /**
     * The status last {@linkplain #reportStatus reported}.
     *
     * @return {@link FeedStatus#LIVE} until a test reports another one
     */
    @Override
    public FeedStatus status() {
        return status;
    }

    /** Counts the call; nothing else (idempotent, as the contract requires). */
    @Override
    public void close() {
        closes.incrementAndGet();
    }

    /**
     * How often {@link #close()} was called.
     *
     * @return the number of calls
     */
    public int closes() {
        return closes.get();
    }

    /**
     * Whether {@link #start} was called.
     *
     * @return true once started
     */
    public boolean started() {
        synchronized (lock) {
            return listener != null;
        }
    }

    /**
     * Reports a change signal (received now).
     *
     * @param action    what happened
     * @param sessionId the session's id ({@code null} only for {@link ChangeAction#TRUNCATE})
     * @throws IllegalStateException if not started
     */
    public void fire(ChangeAction action, String sessionId) {
        listener().onChange(ChangeSignal.of(action, sessionId));
    }

    /**
     * Reports a change signal as given, for example one received earlier or with a commit time
     * ({@link ChangeSignal#committed}), as a logical replication source would send it.
     *
     * @param signal the signal
     * @throws IllegalStateException if not started
     * @throws NullPointerException  if {@code signal} is null
     */
    public void fire(ChangeSignal signal) {
        listener().onChange(Objects.requireNonNull(signal, "signal"));
    }

    /**
     * Reports a change that carries its row, as a row-carrying source (logical replication) does: the feed applies
     * it without a read when its snapshot builder decodes rows, and re-reads {@code change.sessionId()} otherwise.
     *
     * @param change the change
     * @throws IllegalStateException if not started
     */
    public void row(RowChange change) {
        listener().onRowChange(Objects.requireNonNull(change, "change"));
    }

    /**
     * Reports that one session changed: {@code fire(ChangeAction.UPDATE, sessionId)}.
     *
     * @param sessionId the session's id
     * @throws IllegalStateException if not started
     */
    public void changed(String sessionId) {
        fire(ChangeAction.UPDATE, sessionId);
    }

    /**
     * Asks the listener for a full rebuild, as a source does after a reconnect.
     *
     * @param reason why, for logs
     * @throws IllegalStateException if not started
     */
    public void resync(String reason) {
        listener().onResync(reason);
    }

    /**
     * Sets {@link #status()} and reports the transition to the listener.
     *
     * @param newStatus the new status
     * @param reason    why, for people
     * @throws IllegalStateException if not started
     * @throws NullPointerException  if {@code newStatus} is null
     */
    public void reportStatus(FeedStatus newStatus, String reason) {
        Objects.requireNonNull(newStatus, "newStatus");
        ChangeListener l = listener();
        status = newStatus;
        l.onStatus(newStatus, reason);
    }

    private ChangeListener listener() {
        synchronized (lock) {
            if (listener == null) {
                throw new IllegalStateException("source not started");
            }
            return listener;
        }
    }

    @Override
    public String toString() {
        return "ManualChangeSource{started=" + started() + ", status=" + status + ", closes=" + closes.get() + '}';
    }
}
