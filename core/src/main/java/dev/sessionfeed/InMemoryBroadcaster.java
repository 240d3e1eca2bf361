package dev.sessionfeed;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Broadcaster} that records what a feed publishes, for tests and for host apps that want to look at
 * the recent history (an admin page, a health check).
 *
 * <p>It keeps the deltas it received (the most recent {@code maxDeltas} of them, all of them by default), the
 * latest snapshot handed along with a delta, every status change, and whether the feed closed. Accessors
 * return copies, so callers can iterate without locking.
 *
 * <p>Thread-safe: the feed calls it from its rebuild thread while any other thread reads it.
 */
public final class InMemoryBroadcaster implements Broadcaster {

    /**
     * One status change as the feed reported it.
     *
     * @param status the new status
     * @param reason the reason the feed gave, never null
     */
    public record StatusChange(FeedStatus status, String reason) {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component is null
         */
        public StatusChange {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private final int maxDeltas;
    private final Deque<SessionDelta> deltas = new ArrayDeque<>();
    private final List<StatusChange> statusChanges = new ArrayList<>();
    private long deltaCount;
    private Snapshot latest;
    private int closeCount;

    /** Creates a recorder that keeps every delta (for tests; a host app should bound it). */
    public InMemoryBroadcaster() {
        this(Integer.MAX_VALUE);
    }

    /**
     * Creates a recorder that keeps only the most recent deltas.
     *
     * @param maxDeltas how many deltas to keep, at least 1
     * @throws IllegalArgumentException naming the value if {@code maxDeltas < 1}
     */
    public InMemoryBroadcaster(int maxDeltas) {
        if (maxDeltas < 1) {
            throw new IllegalArgumentException("maxDeltas must be at least 1, was " + maxDeltas);
        }
        this.maxDeltas = maxDeltas;
    }

    @Override
    public synchronized void onDelta(SessionDelta delta, Snapshot current) {
        deltas.addLast(Objects.requireNonNull(delta, "delta"));
        if (deltas.size() > maxDeltas) {
            deltas.removeFirst();
        }
        deltaCount++;
        latest = current;
    }

    @Override
    public synchronized void onStatus(FeedStatus status, String reason) {
        statusChanges.add(new StatusChange(status, reason));
    }

    @Override
    public synchronized void onClose() {
        closeCount++;
    }

    /**
     * The retained deltas, oldest first.
     *
     * @return a copy
     */
    public synchronized List<SessionDelta> deltas() {
        return List.copyOf(deltas);
    }

    /**
     * How many deltas were received in total, including those no longer retained.
     *
     * @return the count
     */
    public synchronized long deltaCount() {
        return deltaCount;
    }

    /**
     * The snapshot that came with the latest delta.
     *
     * @return the snapshot, or null before the first delta
     */
    public synchronized Snapshot latestSnapshot() {
        return latest;
    }

    /**
     * Every status change received, oldest first.
     *
     * @return a copy
     */
    public synchronized List<StatusChange> statusChanges() {
        return List.copyOf(statusChanges);
    }

    /**
     * The latest status change.
     *
     * @return the latest status, or null when the feed never reported a change
     */
    public synchronized FeedStatus latestStatus() {
        return statusChanges.isEmpty() ? null : statusChanges.get(statusChanges.size() - 1).status();
    }

    /**
     * How often {@link #onClose()} was called (a feed calls it once).
     *
     * @return the count
     */
    public synchronized int closeCount() {
        return closeCount;
    }

    /**
     * Tells whether the feed closed.
     *
     * @return true after {@link #onClose()}
     */
    public synchronized boolean isClosed() {
        return closeCount > 0;
    }

    @Override
    public synchronized String toString() {
        return "InMemoryBroadcaster[deltas=" + deltaCount + ", latestSeq=" + (latest == null ? "-" : latest.seq())
                + ", statusChanges=" + statusChanges.size() + ", closed=" + (closeCount > 0) + "]";
    }
}
