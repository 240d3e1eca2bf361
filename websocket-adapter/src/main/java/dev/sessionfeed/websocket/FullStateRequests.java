package dev.sessionfeed.websocket;

/**
 * One connection's rate limit on full states sent on request ({@code subscribe} without a resume, {@code resync}):
 * a request within {@link WebSocketOptions#subscribeInterval()} of the last full state given on request is not
 * answered at once; the requests of an interval are coalesced into one full state when it ends
 * ({@link #dueAt}). Pure decisions, like {@link Liveness}: not thread-safe on its own; every method must be called
 * holding the connection's lock (asserted).
 */
final class FullStateRequests {

    private final Object lock;
    private final long intervalNanos;
    /** When a full state was last given on request, 0 never. */
    private long last;
    /** A request was coalesced: a full state is due when the interval ends. */
    private boolean due;

    FullStateRequests(Object lock, long intervalNanos) {
        this.lock = lock;
        this.intervalNanos = intervalNanos;
    }

    /**
     * A client asks for the full state.
     *
     * @param now {@link System#nanoTime()}
     * @return true if it may have it now (recorded as given); false if it is coalesced (due when the interval ends)
     */
    boolean request(long now) {
        assert Thread.holdsLock(lock);
        if (last != 0 && now - last < intervalNanos) {
            due = true;
            return false;
        }
        given(now);
        return true;
    }

    /** A full state was given on request (the first subscribe's) without asking {@link #request}. */
    void given(long now) {
        assert Thread.holdsLock(lock);
        last = now == 0 ? 1 : now;
        due = false;
    }

    /**
     * The housekeeping tick: whether a coalesced full state is due now (then recorded as given).
     *
     * @param now {@link System#nanoTime()}
     * @return true if the caller must queue the full state now
     */
    boolean dueAt(long now) {
        assert Thread.holdsLock(lock);
        if (due && now - last >= intervalNanos) {
            given(now);
            return true;
        }
        return false;
    }
}
