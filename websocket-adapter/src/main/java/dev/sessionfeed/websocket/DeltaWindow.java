package dev.sessionfeed.websocket;

import dev.sessionfeed.SessionDelta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last {@code capacity} deltas the feed broadcast to this endpoint, oldest first: what merged deltas are built
 * from, so the send path never reads the feed. Holds a consecutive chain only ({@code prevSeq} of each = {@code seq}
 * of the one before); a delta that does not continue the chain starts a new one. Thread-safe: guarded by
 * {@code this}, held only to copy references (no I/O, no encoding).
 */
final class DeltaWindow {

    private final int capacity;
    // Guarded by this.
    private final ArrayDeque<SessionDelta> deltas = new ArrayDeque<>();

    /**
     * @param capacity how many deltas to keep; 0 keeps none (every merge falls back to the full state)
     */
    DeltaWindow(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, was " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Appends a broadcast delta, dropping the oldest beyond the capacity. Called by the feed's rebuild thread.
     *
     * @param delta the delta
     */
    synchronized void add(SessionDelta delta) {
        SessionDelta last = deltas.peekLast();
        if (last != null && (last.seq() != delta.prevSeq() || !last.epoch().equals(delta.epoch()))) {
            deltas.clear(); // not a continuation (a new epoch): older changes cannot be merged with it
        }
        if (capacity == 0) {
            return;
        }
        if (deltas.size() == capacity) {
            deltas.pollFirst();
        }
        deltas.addLast(delta);
    }

    /**
     * The changes that take a client from {@code fromSeq} to {@code toSeq}.
     *
     * @param fromSeq the seq the client has
     * @param toSeq   the seq it should get to, greater than {@code fromSeq}
     * @return the consecutive deltas with {@code fromSeq < seq <= toSeq}, oldest first, or null when the window does
     *     not hold all of them
     */
    synchronized List<SessionDelta> between(long fromSeq, long toSeq) {
        List<SessionDelta> out = new ArrayList<>();
        for (Iterator<SessionDelta> it = deltas.iterator(); it.hasNext(); ) {
            SessionDelta d = it.next();
            if (d.seq() <= fromSeq) {
                continue;
            }
            if (d.seq() > toSeq) {
                break;
            }
            if (out.isEmpty() && d.prevSeq() != fromSeq) {
                return null; // the first change the client needs has already left the window
            }
            out.add(d);
        }
        return out.isEmpty() || out.get(out.size() - 1).seq() != toSeq ? null : out;
    }
}
