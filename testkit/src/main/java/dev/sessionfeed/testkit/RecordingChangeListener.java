package dev.sessionfeed.testkit;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.SessionChangeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A {@link ChangeListener} that records everything a change source reports, in order, for a test to check:
 * start a source under test with it ({@code source.start(recorder)}), or put it between a source and a feed
 * with {@link #tap(SessionChangeSource)}.
 *
 * <p>Reading: {@link #events()} (every report), or one kind: {@link #signals()}, {@link #resyncs()} (the
 * reasons), {@link #statuses()}; {@link #lines()} gives the events as short strings such as
 * {@code "resync:listener connected"} for readable assertions. Waiting: the {@code await...} methods block until
 * a matching event was recorded or the timeout passes, then throw an {@link AssertionError} listing what was
 * recorded; they wait on the recorder's monitor with a deadline, never by sleeping.
 *
 * <p>A recorder made with {@link #forwardingTo(ChangeListener)} passes every report on to a delegate after
 * recording it, on the reporting thread.
 *
 * <p>Thread-safety: thread-safe. A source may report from any number of threads; events are recorded in the
 * order their calls took the recorder's lock. Getters return copies. The delegate is called outside the lock.
 */
public final class RecordingChangeListener implements ChangeListener {

    /** What kind of report an {@link Event} is. */
    public enum Kind {
        /** {@link ChangeListener#onChange}. */
        CHANGE,
        /** {@link ChangeListener#onResync}. */
        RESYNC,
        /** {@link ChangeListener#onStatus}. */
        STATUS
    }

    /**
     * One recorded report.
     *
     * @param kind   what was reported
     * @param signal the signal of a {@link Kind#CHANGE}, else null
     * @param status the status of a {@link Kind#STATUS}, else null
     * @param reason the reason of a {@link Kind#RESYNC} or {@link Kind#STATUS}, else null
     */
    public record Event(Kind kind, ChangeSignal signal, FeedStatus status, String reason) {

        /**
         * Checks that the fields fit the kind.
         *
         * @throws NullPointerException     if {@code kind} is null
         * @throws IllegalArgumentException if a change has no signal or a status no status
         */
        public Event {
            Objects.requireNonNull(kind, "kind");
            if (kind == Kind.CHANGE && signal == null) {
                throw new IllegalArgumentException("a CHANGE event needs a signal");
            }
            if (kind == Kind.STATUS && status == null) {
                throw new IllegalArgumentException("a STATUS event needs a status");
            }
        }

        /**
         * The event as a short string: {@code change:UPDATE:s-1}, {@code resync:<reason>} or
         * {@code status:DEGRADED:<reason>}.
         *
         * @return the string
         */
        @Override
        public String toString() {
            return switch (kind) {
                case CHANGE -> "change:" + signal.action() + ":" + signal.sessionId();
                case RESYNC -> "resync:" + reason;
                case STATUS -> "status:" + status + ":" + reason;
            };
        }
    }

    private final ChangeListener delegate;
    private final List<Event> events = new ArrayList<>(); // guarded by this

    /** Creates a recorder that only records. */
    public RecordingChangeListener() {
        this.delegate = null;
    }

    private RecordingChangeListener(ChangeListener delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * Creates a recorder that passes every report on to {@code delegate} after recording it.
     *
     * @param delegate the listener to forward to, for example a feed's
     * @return the recorder
     */
    public static RecordingChangeListener forwardingTo(ChangeListener delegate) {
        return new RecordingChangeListener(delegate);
    }

    /**
     * Wraps a source so that what it reports to the feed is recorded here too. The returned source delegates
     * {@code status()} and {@code close()} (its {@code stats()} are the default ones); its
     * {@code start(feedListener)} starts {@code source} with a listener that records into this recorder (without
     * forwarding to this recorder's delegate, if any), then passes the report to {@code feedListener}.
     *
     * @param source the source to tap
     * @return a source to give the feed instead
     */
    public SessionChangeSource tap(SessionChangeSource source) {
        return new TappedChangeSource(source, this);
    }

    @Override
    public void onChange(ChangeSignal signal) {
        record(new Event(Kind.CHANGE, Objects.requireNonNull(signal, "signal"), null, null));
        if (delegate != null) {
            delegate.onChange(signal);
        }
    }

    @Override
    public void onResync(String reason) {
        record(new Event(Kind.RESYNC, null, null, reason));
        if (delegate != null) {
            delegate.onResync(reason);
        }
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        record(new Event(Kind.STATUS, null, Objects.requireNonNull(status, "status"), reason));
        if (delegate != null) {
            delegate.onStatus(status, reason);
        }
    }

    /** Records one event (without forwarding it). */
    synchronized void record(Event e) {
        events.add(e);
        notifyAll();
    }

    /**
     * Every report so far, in order.
     *
     * @return a copy
     */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * Every report so far as {@linkplain Event#toString() short strings}, in order.
     *
     * @return a copy
     */
    public synchronized List<String> lines() {
        return events.stream().map(Event::toString).toList();
    }

    /**
     * How many reports were recorded.
     *
     * @return the count
     */
    public synchronized int size() {
        return events.size();
    }

    /**
     * The last report.
     *
     * @return the event, or null when nothing was reported
     */
    public synchronized Event last() {
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    /**
     * The change signals, in order.
     *
     * @return a copy
     */
    public synchronized List<ChangeSignal> signals() {
        return events.stream().filter(e -> e.kind() == Kind.CHANGE).map(Event::signal).toList();
    }

    /**
     * The reasons of the resyncs, in order.
     *
     * @return a copy
     */
    public synchronized List<String> resyncs() {
        return events.stream().filter(e -> e.kind() == Kind.RESYNC).map(Event::reason).toList();
    }

    /**
     * The reported statuses, in order.
     *
     * @return a copy
     */
    public synchronized List<FeedStatus> statuses() {
        return events.stream().filter(e -> e.kind() == Kind.STATUS).map(Event::status).toList();
    }

    /**
     * Whether a change signal for a session was recorded.
     *
     * @param sessionId the id
     * @return true if one was
     */
    public synchronized boolean sawSignalFor(String sessionId) {
        return events.stream().anyMatch(e -> e.kind() == Kind.CHANGE && Objects.equals(sessionId, e.signal().sessionId()));
    }

    /**
     * Waits for the first event at index {@code from} or later that matches.
     *
     * @param from      index of the first event to look at (for example {@link #size()} before an action)
     * @param condition what to wait for
     * @param timeout   how long at most
     * @return the event
     * @throws AssertionError if none was recorded in time (the message lists the events), or the wait was
     *                        interrupted (the interrupt flag is restored)
     */
    public synchronized Event await(int from, Predicate<Event> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = Math.max(0, from);
        while (true) {
            for (; next < events.size(); next++) {
                Event e = events.get(next);
                if (condition.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout + " (from #" + from + "); recorded: " + lines());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for an event; recorded: " + lines(), e);
            }
        }
    }

    /**
     * Waits for a change signal for a session.
     *
     * @param sessionId the id
     * @param timeout   how long at most
     * @return the signal
     * @throws AssertionError if none arrived in time
     */
    public ChangeSignal awaitSignalFor(String sessionId, Duration timeout) {
        return await(0, e -> e.kind() == Kind.CHANGE && Objects.equals(sessionId, e.signal().sessionId()), timeout).signal();
    }

    /**
     * Waits until at least {@code count} change signals were recorded.
     *
     * @param count   how many
     * @param timeout how long at most
     * @return the signals (at least {@code count})
     * @throws AssertionError if fewer arrived in time
     */
    public List<ChangeSignal> awaitSignals(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (signals().size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("fewer than " + count + " signals within " + timeout + "; recorded: " + lines());
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for signals; recorded: " + lines(), e);
                }
            }
            return signals();
        }
    }

    /**
     * Waits for a resync with exactly this reason.
     *
     * @param reason  the reason
     * @param timeout how long at most
     * @return the event
     * @throws AssertionError if none arrived in time
     */
    public Event awaitResync(String reason, Duration timeout) {
        return await(0, e -> e.kind() == Kind.RESYNC && Objects.equals(reason, e.reason()), timeout);
    }

    /**
     * Waits for a report of this status.
     *
     * @param status  the status
     * @param timeout how long at most
     * @return the event
     * @throws AssertionError if none arrived in time
     */
    public Event awaitStatus(FeedStatus status, Duration timeout) {
        return await(0, e -> e.kind() == Kind.STATUS && e.status() == status, timeout);
    }

    @Override
    public synchronized String toString() {
        return "RecordingChangeListener" + lines();
    }
}
