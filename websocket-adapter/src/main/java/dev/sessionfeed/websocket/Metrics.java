package dev.sessionfeed.websocket;

import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoint's one metrics holder: monotonic counters, each named exactly like the {@link WebSocketStats}
 * accessor that reports it (and like the "Stats" table of {@code docs/websocket-adapter.md}). Thread-safe: every
 * counter is a {@link LongAdder}, written from any thread, read one by one by {@link #snapshot(int)}.
 */
final class Metrics {

    final LongAdder broadcasts = new LongAdder();
    final LongAdder broadcasterNanos = new LongAdder();
    final LongAdder sharedEncodes = new LongAdder();
    final LongAdder framesSent = new LongAdder();
    final LongAdder charsSent = new LongAdder();
    final LongAdder mergedChanges = new LongAdder();
    final LongAdder fullStateConflations = new LongAdder();
    final LongAdder slowClientsClosed = new LongAdder();
    final LongAdder commandsRejectedBusy = new LongAdder();
    final LongAdder fanOutWaits = new LongAdder();
    final LongAdder fanOutWaitNanos = new LongAdder();
    final LongAdder fanOutWaitsTimedOut = new LongAdder();

    /**
     * Reads every counter (one by one: not atomic across counters).
     *
     * @param openConnections the gauge, from the connection registry
     * @return a new snapshot
     */
    WebSocketStats snapshot(int openConnections) {
        return WebSocketStats.builder()
                .openConnections(openConnections)
                .broadcasts(broadcasts.sum())
                .broadcasterNanos(broadcasterNanos.sum())
                .sharedEncodes(sharedEncodes.sum())
                .framesSent(framesSent.sum())
                .charsSent(charsSent.sum())
                .mergedChanges(mergedChanges.sum())
                .fullStateConflations(fullStateConflations.sum())
                .slowClientsClosed(slowClientsClosed.sum())
                .commandsRejectedBusy(commandsRejectedBusy.sum())
                .fanOutWaits(fanOutWaits.sum())
                .fanOutWaitNanos(fanOutWaitNanos.sum())
                .fanOutWaitsTimedOut(fanOutWaitsTimedOut.sum())
                .build();
    }
}
