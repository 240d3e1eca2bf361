package dev.sessionfeed;

import java.util.ArrayList;
import java.util.List;

/**
 * The most recent published deltas, at most {@code capacity} of them, in seq order. Backed by a circular
 * array that grows on demand up to the capacity, so a large window costs memory only once it is used.
 *
 * <p>Not thread-safe: {@link FeedState} guards it with its lock.
 */
final class ReplayRing {

    private static final int INITIAL_ARRAY = 64;

    private final int capacity;
    private SessionDelta[] buffer;
    private int head;
    private int size;

    ReplayRing(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
        this.capacity = capacity;
        this.buffer = new SessionDelta[Math.min(capacity, INITIAL_ARRAY)];
    }

    /**
     * Appends a delta, dropping the oldest when full. Deltas must be appended in seq order without gaps.
     *
     * @param delta the delta just published
     */
    void add(SessionDelta delta) {
        if (capacity == 0) {
            return;
        }
        if (size > 0 && delta.prevSeq() != get(size - 1).seq()) {
            throw new IllegalStateException("delta seq " + delta.seq() + " does not follow " + get(size - 1).seq());
        }
        if (size == buffer.length && buffer.length < capacity) {
            grow();
        }
        if (size == buffer.length) {
            buffer[head] = delta;
            head = (head + 1) % buffer.length;
        } else {
            buffer[(head + size) % buffer.length] = delta;
            size++;
        }
    }

    /**
     * The deltas after {@code lastSeq}, when the window still holds all of them.
     *
     * @param lastSeq the last seq a client applied; must be below the newest retained seq
     * @return the deltas with {@code seq > lastSeq} in order, or null when {@code lastSeq} is older than the
     *     oldest retained delta's {@code prevSeq} (or nothing is retained)
     */
    List<SessionDelta> after(long lastSeq) {
        if (size == 0) {
            return null;
        }
        long oldestPrev = get(0).prevSeq();
        long newest = get(size - 1).seq();
        if (lastSeq < oldestPrev || lastSeq > newest) {
            return null;
        }
        int from = (int) (lastSeq - oldestPrev);
        List<SessionDelta> result = new ArrayList<>(size - from);
        for (int i = from; i < size; i++) {
            result.add(get(i));
        }
        return result;
    }

    /**
     * Tells how many deltas are retained.
     *
     * @return the count, at most the capacity
     */
    int size() {
        return size;
    }

    private SessionDelta get(int i) {
        return buffer[(head + i) % buffer.length];
    }

    private void grow() {
        SessionDelta[] bigger = new SessionDelta[(int) Math.min(capacity, buffer.length * 2L)];
        for (int i = 0; i < size; i++) {
            bigger[i] = get(i);
        }
        buffer = bigger;
        head = 0;
    }
}
