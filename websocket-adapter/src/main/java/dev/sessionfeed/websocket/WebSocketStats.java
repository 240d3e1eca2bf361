package dev.sessionfeed.websocket;

/**
 * A snapshot of a {@link SessionFeedEndpoint}'s counters, from {@link SessionFeedEndpoint#stats()}. Immutable.
 *
 * <p>Every counter except {@code openConnections} is monotonic: it only grows from 0 over the endpoint's life,
 * so rates and averages come from the difference of two snapshots (for example the rebuild-thread time per
 * broadcast is {@code Δ broadcasterNanos / Δ broadcasts}). The counters are updated without a global lock and
 * read one after another, so a snapshot is <em>not</em> atomic across fields: a broadcast that runs while
 * {@code stats()} reads may be counted in {@code broadcasts} but not yet in {@code broadcasterNanos}, or the
 * reverse. Take snapshots while the feed is quiet when exact ratios matter.
 *
 * @param openConnections       the open, authenticated connections at the time of the snapshot (not counting
 *                              those being closed)
 * @param broadcasts            the feed events handled: changes ({@code Broadcaster.onDelta}) and status changes
 *                              ({@code Broadcaster.onStatus})
 * @param sharedEncodes         frames encoded once and shared by all connections ({@code session_delta},
 *                              {@code session_update}, {@code metrics_update}, {@code status}): per broadcast
 *                              this does not grow with the number of connections
 * @param framesSent            text frames the container reported as sent (all types, including replies)
 * @param charsSent             the length in chars ({@link String#length()}, not bytes) of those frames
 * @param mergedChanges         changes folded, for one connection, into a delta already waiting for it (it was
 *                              behind)
 *                              (sent as one merged {@code session_delta}; encoded once per step for all
 *                              connections behind by the same changes)
 * @param fullStateConflations  times a connection's queued changes were replaced by "the latest full state"
 *                              (a full-state client was busy, a delta client was more than
 *                              {@link WebSocketOptions#maxQueuedFrames()} changes behind or missed a change)
 * @param slowClientsClosed     connections closed with 1013 because a send stayed unfinished past
 *                              {@link WebSocketOptions#slowClientGrace()} or replies were not read
 * @param commandsRejectedBusy  commands answered {@code rate_limited} because every worker thread was busy
 *                              and the command queue was full ({@link WebSocketOptions#workerThreads()})
 * @param broadcasterNanos      nanoseconds the feed's rebuild thread spent inside this endpoint's broadcaster
 *                              callbacks, in total (including {@code fanOutWaitNanos})
 * @param fanOutWaitNanos       of those, nanoseconds the rebuild thread waited for the sender threads to start
 *                              the previous change's sends before queuing the next (backpressure: meanwhile the
 *                              feed merges new signals into its next read)
 * @param fanOutWaitsTimedOut   waits that hit their bound (100 ms) and queued the change anyway (a container
 *                              call that takes that long holds a sender thread)
 */
public record WebSocketStats(
        int openConnections,
        long broadcasts,
        long sharedEncodes,
        long framesSent,
        long charsSent,
        long mergedChanges,
        long fullStateConflations,
        long slowClientsClosed,
        long commandsRejectedBusy,
        long broadcasterNanos,
        long fanOutWaitNanos,
        long fanOutWaitsTimedOut) {
}
