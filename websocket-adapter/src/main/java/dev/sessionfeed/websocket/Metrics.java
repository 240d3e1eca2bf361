package dev.sessionfeed.websocket;

import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoint's one metrics holder: monotonic counters, each named exactly like the {@link WebSocketStats}
 * accessor that reports it (and like the "Stats" table of {@code docs/websocket-adapter.md}). Thread-safe: every
 * counter is a {@link LongAdder}, written from any thread, read one by one by {@link #snapshot}.
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
    final LongAdder connectionsRefused = new LongAdder();
    final LongAdder subscriptionsRefused = new LongAdder();
    final LongAdder stalledClientsShed = new LongAdder();
    final LongAdder commandFloodsClosed = new LongAdder();
    final LongAdder fullStatesCoalesced = new LongAdder();
    final LongAdder commandsRateLimited = new LongAdder();
    final CommandCounts commands;

    /** Counts for an endpoint without a command handler. */
    Metrics() {
        this(Set.of());
    }

    /**
     * @param actions the command handler's actions, the keys of {@link WebSocketStats#commands()} besides "other"
     */
    Metrics(Set<String> actions) {
        this.commands = new CommandCounts(actions);
    }

    /**
     * Reads every counter (one by one: not atomic across counters).
     *
     * @param openConnections    the gauge, from the connection registry
     * @param closingConnections the gauge, from the connection registry
     * @param bufferedBytes      the gauge, from the memory budget
     * @return a new snapshot
     */
    WebSocketStats snapshot(int openConnections, int closingConnections, long bufferedBytes) {
        return WebSocketStats.builder()
                .openConnections(openConnections)
                .closingConnections(closingConnections)
                .bufferedBytes(bufferedBytes)
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
                .connectionsRefused(connectionsRefused.sum())
                .subscriptionsRefused(subscriptionsRefused.sum())
                .stalledClientsShed(stalledClientsShed.sum())
                .commandFloodsClosed(commandFloodsClosed.sum())
                .fullStatesCoalesced(fullStatesCoalesced.sum())
                .commandsRateLimited(commandsRateLimited.sum())
                .commands(commands.snapshot())
                .build();
    }
}
