package dev.sessionfeed.websocket;

import dev.sessionfeed.SessionDelta;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One connection's conflating mailbox: the frames waiting behind the send in flight, and where the connection's
 * state stream stands ({@link #lastQueuedSeq()}). Pure: no threads, no I/O, no locks of its own — not thread-safe;
 * the owning {@link Connection} guards it with its lock.
 *
 * <p>State frames are conflated: a full-state client never has more than the latest full state waiting while it is
 * busy; a delta client never has more than one delta waiting — changes that arrive while it waits are folded into
 * it (a merged delta, encoded when it is its turn: {@link Out#isMergedDelta()}). A client more than
 * {@code maxQueued} changes behind, or one that missed a change, gets a full-state marker instead ("the latest full
 * state", materialized when it is its turn). Control frames (replies, status) are never dropped; more than
 * {@code max(16, maxQueued)} of them waiting refuses further ones.
 */
final class OutboundQueue {

    /**
     * A queued frame. A state frame with {@code full} set marks "the latest full state"; a delta whose text is
     * null covers several changes and is merged when it is its turn.
     */
    static final class Out {
        String text;
        final long fromSeq;
        long seq;
        final boolean state;
        final boolean full;

        private Out(String text, long fromSeq, long seq, boolean state, boolean full) {
            this.text = text;
            this.fromSeq = fromSeq;
            this.seq = seq;
            this.state = state;
            this.full = full;
        }

        static Out control(String text) {
            return new Out(text, -1, -1, false, false);
        }

        static Out state(String text, long seq) {
            return new Out(text, -1, seq, true, false);
        }

        static Out delta(String text, long fromSeq, long seq) {
            return new Out(text, fromSeq, seq, true, false);
        }

        static Out fullMarker() {
            return new Out(null, -1, -1, true, true);
        }

        /** @return whether this is a delta over several changes still to be merged and encoded */
        boolean isMergedDelta() {
            return !full && fromSeq >= 0 && text == null;
        }

        /** @return whether this is "the latest full state", still to be materialized */
        boolean isFullMarker() {
            return full;
        }
    }

    private final int maxQueued;
    private final int maxControl;
    private final Metrics metrics;
    private final ArrayDeque<Out> queue = new ArrayDeque<>();
    private int queuedState;
    private int queuedControl;
    private boolean subscribed;
    private boolean deltas;
    private long lastQueuedSeq = -1;
    /** The last queued delta while it waits: later consecutive deltas extend it instead of queuing more frames. */
    private Out pendingDelta;

    /**
     * @param maxQueued how many changes a delta client may fall behind ({@link WebSocketOptions#maxQueuedFrames()})
     * @param metrics   counts conflations and merged changes
     */
    OutboundQueue(int maxQueued, Metrics metrics) {
        this.maxQueued = maxQueued;
        this.maxControl = Math.max(16, maxQueued);
        this.metrics = metrics;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    boolean subscribed() {
        return subscribed;
    }

    /** @return the seq of the newest state queued (or sent), -1 before the first */
    long lastQueuedSeq() {
        return lastQueuedSeq;
    }

    int queuedState() {
        return queuedState;
    }

    int queuedControl() {
        return queuedControl;
    }

    /**
     * Starts (or restarts) the state stream: drops waiting state frames, remembers whether the client wants deltas.
     */
    void subscribe(boolean wantsDeltas) {
        dropState();
        subscribed = true;
        deltas = wantsDeltas;
    }

    /** Queues a full state (its two frames) at {@code seq}. */
    void queueFullState(String sessionUpdate, String metricsUpdate, long seq) {
        add(Out.state(sessionUpdate, seq));
        add(Out.state(metricsUpdate, seq));
        lastQueuedSeq = seq;
    }

    /** Queues "the latest full state", to be materialized at a seq of at least {@code seq}. */
    void queueLatestFullState(long seq) {
        markFull();
        lastQueuedSeq = Math.max(lastQueuedSeq, seq);
    }

    /**
     * Queues what a resuming client missed, as one delta from {@code fromSeq} to {@code toSeq} (nothing when they
     * are equal).
     *
     * @param text the encoded delta, or null to merge it when it is its turn
     */
    void queueResume(long fromSeq, long toSeq, String text) {
        lastQueuedSeq = fromSeq;
        if (toSeq > fromSeq) {
            pendingDelta = Out.delta(text, fromSeq, toSeq);
            add(pendingDelta);
            lastQueuedSeq = toSeq;
        }
    }

    /**
     * Queues a broadcast change.
     *
     * @param delta the change
     * @param frame its shared frame (for a delta client that queues it as its own frame)
     * @param full  the full-state frames it leads to (for a full-state client)
     * @param busy  whether a send is in flight or scheduled
     * @return false if the change was ignored (not subscribed, already queued, another epoch)
     */
    boolean offerDelta(SessionDelta delta, DeltaFrame frame, FullFrames full, boolean busy) {
        if (!subscribed || delta.seq() <= lastQueuedSeq || !delta.epoch().equals(full.snapshot.epoch())) {
            return false;
        }
        if (delta.prevSeq() != lastQueuedSeq) {
            conflate(); // missed something: the latest full state repairs it
        } else if (deltas) {
            Out p = pendingDelta;
            if (p != null && p.seq == delta.prevSeq()) {
                if (delta.seq() - p.fromSeq > maxQueued) {
                    conflate(); // too far behind: the latest full state is as small and cheaper to apply
                } else {
                    // Behind: fold this change into the waiting delta (one merged frame, not one per change).
                    p.text = null;
                    p.seq = delta.seq();
                    metrics.mergedChanges.increment();
                }
            } else if (queuedState >= maxQueued) {
                conflate();
            } else {
                pendingDelta = Out.delta(frame.text(), delta.prevSeq(), delta.seq());
                add(pendingDelta);
            }
        } else if (busy && queuedState > 0) {
            conflate(); // busy: keep only the latest full state
        } else {
            if (delta.sessionsChanged()) {
                add(Out.state(full.sessionUpdate(), delta.seq()));
            }
            if (delta.metricsChanged()) {
                add(Out.state(full.metricsUpdate(), delta.seq()));
            }
        }
        lastQueuedSeq = delta.seq();
        return true;
    }

    /**
     * Queues a control frame (a reply or a status).
     *
     * @return false if too many control frames wait already (the client does not read): nothing queued
     */
    boolean addControl(String text) {
        if (queuedControl >= maxControl) {
            return false;
        }
        add(Out.control(text));
        return true;
    }

    /** The client asked for the full state ({@code resync}). */
    void markFull() {
        dropState();
        add(Out.fullMarker());
    }

    /** Takes the next frame (a full-state marker or a merged delta is then materialized by the caller). */
    Out poll() {
        Out o = queue.poll();
        if (o == null) {
            return null;
        }
        if (o.state) {
            queuedState--;
        } else {
            queuedControl--;
        }
        if (o == pendingDelta) {
            pendingDelta = null; // on its way: later changes queue behind it (nobody changes o any more)
        }
        return o;
    }

    /**
     * A full state at {@code seq} was materialized (its {@code session_update} is being sent): drops the waiting
     * state frames it makes obsolete and queues its {@code metrics_update} first.
     */
    void fullStateTaken(long seq, String metricsUpdate) {
        for (Iterator<Out> it = queue.iterator(); it.hasNext(); ) {
            Out q = it.next();
            if (q.state && q.seq <= seq) {
                it.remove();
                queuedState--;
                if (q == pendingDelta) {
                    pendingDelta = null;
                }
            }
        }
        lastQueuedSeq = Math.max(lastQueuedSeq, seq);
        queue.addFirst(Out.state(metricsUpdate, seq));
        queuedState++;
    }

    /** Drops everything (the connection is closed). */
    void clear() {
        queue.clear();
        queuedState = 0;
        queuedControl = 0;
        pendingDelta = null;
    }

    private void conflate() {
        metrics.fullStateConflations.increment();
        markFull();
    }

    private void add(Out o) {
        queue.add(o);
        if (o.state) {
            queuedState++;
        } else {
            queuedControl++;
        }
    }

    private void dropState() {
        for (Iterator<Out> it = queue.iterator(); it.hasNext(); ) {
            if (it.next().state) {
                it.remove();
            }
        }
        queuedState = 0;
        pendingDelta = null;
    }
}
