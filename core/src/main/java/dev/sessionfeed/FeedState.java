package dev.sessionfeed;

import java.util.List;
import java.util.Objects;

/**
 * The published state of one feed: the current snapshot and the replay window of recent deltas, changed
 * together under one lock so a {@link #replaySince replay} always leads exactly to the snapshot it returns.
 *
 * <p>Thread-safety: {@link #publish} is called by the rebuild thread only; the readers are safe from any thread.
 */
final class FeedState {

    private final Object lock = new Object();
    private final String epoch;
    private final ReplayRing ring;
    private volatile Snapshot current;

    FeedState(String epoch, int replayWindow, Snapshot initial) {
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        this.ring = new ReplayRing(replayWindow);
        this.current = Objects.requireNonNull(initial, "initial");
    }

    /**
     * The latest published snapshot.
     *
     * @return the snapshot, never null
     */
    Snapshot current() {
        return current;
    }

    /**
     * Replaces the seq-0 snapshot before anything was published (the initial read).
     *
     * @param initial the first snapshot, with seq 0
     */
    void initial(Snapshot initial) {
        synchronized (lock) {
            if (current.seq() != 0 || initial.seq() != 0 || ring.size() != 0) {
                throw new IllegalStateException("initial snapshot after publishing, seq " + current.seq());
            }
            current = initial;
        }
    }

    /**
     * Makes {@code next} the current state and remembers {@code delta} for replay.
     *
     * @param next  the new snapshot, with {@code next.seq() == delta.seq()}
     * @param delta the change from the previous snapshot
     */
    void publish(Snapshot next, SessionDelta delta) {
        synchronized (lock) {
            if (delta.prevSeq() != current.seq() || next.seq() != delta.seq()) {
                throw new IllegalStateException("delta " + delta.prevSeq() + "->" + delta.seq()
                        + " does not apply to seq " + current.seq() + " or lead to " + next.seq());
            }
            ring.add(delta);
            current = next;
        }
    }

    /**
     * Replaces the current snapshot with one that has the same seq, sessions and metrics in another display
     * order. Deltas carry no order, so this needs no new seq; clients that take the full state get the new order.
     *
     * @param reordered the current state in the order of a full read
     */
    void reorder(Snapshot reordered) {
        synchronized (lock) {
            if (reordered.seq() != current.seq()
                    || !reordered.sessionsById().equals(current.sessionsById())
                    || !reordered.metrics().equals(current.metrics())) {
                throw new IllegalStateException("reorder must keep seq " + current.seq() + ", sessions and metrics");
            }
            current = reordered;
        }
    }

    /**
     * See {@link dev.sessionfeed.SessionFeed#replaySince}.
     *
     * @param clientEpoch the client's epoch, or null
     * @param lastSeq     the client's last applied seq
     * @return the deltas after {@code lastSeq} with the snapshot they lead to, or the full state
     */
    Replay replaySince(String clientEpoch, long lastSeq) {
        synchronized (lock) {
            Snapshot snapshot = current;
            if (!epoch.equals(clientEpoch) || lastSeq < 0 || lastSeq > snapshot.seq()) {
                return new Replay(true, snapshot, List.of());
            }
            if (lastSeq == snapshot.seq()) {
                return new Replay(false, snapshot, List.of());
            }
            List<SessionDelta> missed = ring.after(lastSeq);
            return missed == null ? new Replay(true, snapshot, List.of()) : new Replay(false, snapshot, missed);
        }
    }
}
