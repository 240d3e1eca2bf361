package dev.sessionfeed;

import dev.sessionfeed.source.ChangeSignal;

/**
 * The feed's one event hook: one call per signal, resync and rebuild, with its timing, for benchmarks and for
 * hosts that want per-event data (for example the latency of each signal). Counters for a metrics system come
 * from {@link SessionFeed#stats()} instead, which is counted at these same events. An SPI with {@code default}
 * no-op methods.
 *
 * <p>Threading (see the threading model on {@link SessionFeed}): {@link #onSignal} and {@link #onResync} are
 * called on the thread that reported them (the change source's thread, or the caller of
 * {@link SessionFeed#requestResync}); the other methods on the rebuild thread, except that the initial read is
 * reported on the thread calling {@link SessionFeed#start()}. Implementations must be fast and thread-safe and
 * should not throw (an exception is logged and ignored).
 */
public interface FeedObserver {

    /** An observer that does nothing. */
    FeedObserver NOOP = new FeedObserver() { };

    /**
     * A change signal arrived from the source.
     *
     * @param signal the signal, with its {@link ChangeSignal#receivedNanos()} timestamp
     */
    default void onSignal(ChangeSignal signal) {
    }

    /**
     * A resync was requested.
     *
     * @param reason why
     */
    default void onResync(String reason) {
    }

    /**
     * A rebuild finished.
     *
     * @param full           whether all sessions were re-read (else only {@code ids} of them)
     * @param ids            number of session ids refreshed (0 for a full rebuild)
     * @param signals        number of signals this rebuild covered (the rest were coalesced)
     * @param durationNanos  how long the database read and diff took
     * @param published      the delta published, or null when nothing changed
     */
    default void onRebuild(boolean full, int ids, int signals, long durationNanos, SessionDelta published) {
    }

    /**
     * A rebuild failed (the database could not be read).
     *
     * @param error the cause
     */
    default void onRebuildFailed(Throwable error) {
    }
}
