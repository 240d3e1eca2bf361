package dev.sessionfeed.websocket;

/**
 * One connection's send slot — the two flags of the pump-claim protocol that {@link SendScheduler} runs: at most one
 * send in flight ({@code inFlight}: a text frame being materialized or sent, or a ping), and at most one pending
 * hand-off to the sender threads ({@code scheduled}), so a connection waits in the ready queue at most once and its
 * frames keep their order. Not thread-safe on its own: every method must be called holding the connection's lock
 * (asserted).
 */
final class SendSlot {

    private final Object lock;
    private boolean inFlight;
    private boolean scheduled;
    private long inFlightSince;

    SendSlot(Object lock) {
        this.lock = lock;
    }

    /**
     * Claims a hand-off to the sender threads if one is needed: work waiting, nothing in flight, none scheduled.
     *
     * @param hasWork whether frames wait
     * @return true if the caller must {@linkplain SendScheduler#schedule hand the connection over}
     */
    boolean claimHandOff(boolean hasWork) {
        assert Thread.holdsLock(lock);
        if (inFlight || scheduled || !hasWork) {
            return false;
        }
        scheduled = true;
        return true;
    }

    /** The claimed hand-off ran (or was refused). */
    void handOffDone() {
        assert Thread.holdsLock(lock);
        scheduled = false;
    }

    /**
     * Takes the slot for one send.
     *
     * @param now {@link System#nanoTime()}
     * @return false if a send is in flight
     */
    boolean acquire(long now) {
        assert Thread.holdsLock(lock);
        if (inFlight) {
            return false;
        }
        inFlight = true;
        inFlightSince = now;
        return true;
    }

    /** The send finished (or never started). */
    void release() {
        assert Thread.holdsLock(lock);
        inFlight = false;
    }

    boolean inFlight() {
        assert Thread.holdsLock(lock);
        return inFlight;
    }

    /** @return whether a send is in flight or a hand-off is pending */
    boolean busy() {
        assert Thread.holdsLock(lock);
        return inFlight || scheduled;
    }

    /** @return how long the send in flight has been unfinished, 0 when none */
    long inFlightNanos(long now) {
        assert Thread.holdsLock(lock);
        return inFlight ? now - inFlightSince : 0;
    }
}
