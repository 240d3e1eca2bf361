package dev.sessionfeed.websocket;

import java.util.Map;

/**
 * One immutable snapshot of a {@link SessionFeedEndpoint}'s counters, from {@link SessionFeedEndpoint#stats()}:
 * monotonic counters (they only grow while the endpoint lives; subtract two snapshots for a rate) and three gauges
 * ({@link #openConnections()}, {@link #closingConnections()}, {@link #bufferedBytes()}). Durations are cumulative nanoseconds with a matching count
 * ({@link #broadcasterNanos()} / {@link #broadcasts()}, {@link #fanOutWaitNanos()} / {@link #fanOutWaits()}), so a
 * timer can be bound to them. Every name, its unit and meaning is listed under "Stats" in
 * {@code docs/websocket-adapter.md}; the endpoint's metrics holder uses the same names.
 *
 * <p>The counters are read one by one, so a snapshot is not atomic across them (for example
 * {@link #framesSent()} may already count a frame whose {@link #charsSent()} is not yet added). Immutable and
 * thread-safe; only the endpoint creates snapshots.
 */
public final class WebSocketStats {

    private final int openConnections;
    private final long broadcasts;
    private final long broadcasterNanos;
    private final long sharedEncodes;
    private final long framesSent;
    private final long charsSent;
    private final long mergedChanges;
    private final long fullStateConflations;
    private final long slowClientsClosed;
    private final long commandsRejectedBusy;
    private final long fanOutWaits;
    private final long fanOutWaitNanos;
    private final long fanOutWaitsTimedOut;
    private final int closingConnections;
    private final long bufferedBytes;
    private final long connectionsRefused;
    private final long subscriptionsRefused;
    private final long stalledClientsShed;
    private final long commandFloodsClosed;
    private final long fullStatesCoalesced;
    private final long commandsRateLimited;
    private final Map<String, Map<String, Long>> commands;

    private WebSocketStats(Builder b) {
        this.openConnections = b.openConnections;
        this.broadcasts = b.broadcasts;
        this.broadcasterNanos = b.broadcasterNanos;
        this.sharedEncodes = b.sharedEncodes;
        this.framesSent = b.framesSent;
        this.charsSent = b.charsSent;
        this.mergedChanges = b.mergedChanges;
        this.fullStateConflations = b.fullStateConflations;
        this.slowClientsClosed = b.slowClientsClosed;
        this.commandsRejectedBusy = b.commandsRejectedBusy;
        this.fanOutWaits = b.fanOutWaits;
        this.fanOutWaitNanos = b.fanOutWaitNanos;
        this.fanOutWaitsTimedOut = b.fanOutWaitsTimedOut;
        this.closingConnections = b.closingConnections;
        this.bufferedBytes = b.bufferedBytes;
        this.connectionsRefused = b.connectionsRefused;
        this.subscriptionsRefused = b.subscriptionsRefused;
        this.stalledClientsShed = b.stalledClientsShed;
        this.commandFloodsClosed = b.commandFloodsClosed;
        this.fullStatesCoalesced = b.fullStatesCoalesced;
        this.commandsRateLimited = b.commandsRateLimited;
        this.commands = b.commands;
    }

    static Builder builder() {
        return new Builder();
    }

    /**
     * Gauge: open, authenticated connections, not counting those being closed.
     *
     * @return the count
     */
    public int openConnections() {
        return openConnections;
    }

    /**
     * Counter: feed events handled ({@code Broadcaster.onDelta} and {@code onStatus} calls).
     *
     * @return the count
     */
    public long broadcasts() {
        return broadcasts;
    }

    /**
     * Counter: nanoseconds the feed's rebuild thread spent inside this endpoint's broadcaster callbacks, in total
     * (including {@link #fanOutWaitNanos()}); divide by {@link #broadcasts()} for the mean.
     *
     * @return cumulative nanoseconds
     */
    public long broadcasterNanos() {
        return broadcasterNanos;
    }

    /**
     * Counter: frames encoded once and shared by all connections ({@code session_delta}, merged
     * {@code session_delta}, {@code session_update}, {@code metrics_update}, {@code status}); per broadcast this
     * does not grow with the number of connections.
     *
     * @return the count
     */
    public long sharedEncodes() {
        return sharedEncodes;
    }

    /**
     * Counter: text frames (and binary full states) the container reported as sent (all types, including replies;
     * not pings).
     *
     * @return the count
     */
    public long framesSent() {
        return framesSent;
    }

    /**
     * Counter: the length in chars ({@link String#length()}, not bytes; bytes for a binary full state) of the
     * {@link #framesSent()}.
     *
     * @return cumulative chars
     */
    public long charsSent() {
        return charsSent;
    }

    /**
     * Counter: changes folded, for one connection that was behind, into a delta already waiting for it (sent as one
     * merged {@code session_delta}, encoded once per step for all connections behind by the same changes).
     *
     * @return the count
     */
    public long mergedChanges() {
        return mergedChanges;
    }

    /**
     * Counter: times a connection's queued changes were replaced by "the latest full state" (a full-state client
     * was busy; a delta client was more than {@link WebSocketOptions#maxQueuedFrames()} changes behind, missed a
     * change, or its changes left the adapter's delta window).
     *
     * @return the count
     */
    public long fullStateConflations() {
        return fullStateConflations;
    }

    /**
     * Counter: connections closed with 1013 because a send stayed unfinished past
     * {@link WebSocketOptions#slowClientGrace()} or replies were not read.
     *
     * @return the count
     */
    public long slowClientsClosed() {
        return slowClientsClosed;
    }

    /**
     * Counter: commands answered {@code rate_limited} because every worker thread was busy and the command queue
     * was full ({@link WebSocketOptions#workerThreads()}).
     *
     * @return the count
     */
    public long commandsRejectedBusy() {
        return commandsRejectedBusy;
    }

    /**
     * Counter: times the rebuild thread waited for the sender threads (fan-out backpressure).
     *
     * @return the count
     */
    public long fanOutWaits() {
        return fanOutWaits;
    }

    /**
     * Counter: of {@link #broadcasterNanos()}, nanoseconds the rebuild thread waited for the sender threads to start
     * the previous change's sends before queuing the next (backpressure: meanwhile the feed merges new signals into
     * its next read); divide by {@link #fanOutWaits()} for the mean.
     *
     * @return cumulative nanoseconds
     */
    public long fanOutWaitNanos() {
        return fanOutWaitNanos;
    }

    /**
     * Counter: of {@link #fanOutWaits()}, those that hit their bound (100 ms) and queued the change anyway (a
     * container call that takes that long holds a sender thread).
     *
     * @return the count
     */
    public long fanOutWaitsTimedOut() {
        return fanOutWaitsTimedOut;
    }

    /**
     * Gauge: connections the endpoint has closed (or is closing) whose end the container has not yet reported;
     * they still hold a socket and buffers. An aborted connection (1013) leaves within seconds.
     *
     * @return the count
     */
    public int closingConnections() {
        return closingConnections;
    }

    /**
     * Gauge: bytes of frames handed to the container and not yet reported written, over all connections (the
     * memory budget's count, {@link WebSocketOptions#maxBufferedBytes()}).
     *
     * @return bytes (frame length in chars, equal to UTF-8 bytes for ASCII JSON)
     */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /**
     * Counter: connections closed with 1013 right after the handshake because of {@code maxConnections} or
     * {@code maxConnectionsPerAdmin}.
     *
     * @return connections
     */
    public long connectionsRefused() {
        return connectionsRefused;
    }

    /**
     * Counter: {@code subscribe} or {@code resync}, or a full state of at least 1 MiB about to be sent, refused
     * (connection closed with 1013) while the memory budget was exceeded.
     *
     * @return requests
     */
    public long subscriptionsRefused() {
        return subscriptionsRefused;
    }

    /**
     * Counter: connections with a stalled send closed with 1013 (and aborted) to bring the memory budget back
     * under its limit, longest-stalled first. Also counted in {@link #slowClientsClosed()}.
     *
     * @return connections
     */
    public long stalledClientsShed() {
        return stalledClientsShed;
    }

    /**
     * Counter: connections closed with 1008 after sending commands over the rate limit 20 times in a row.
     *
     * @return connections
     */
    public long commandFloodsClosed() {
        return commandFloodsClosed;
    }

    /**
     * Counter: {@code subscribe} or {@code resync} requests within {@link WebSocketOptions#subscribeInterval()} of
     * the client's previous full state, coalesced into one full state sent when the interval ends.
     *
     * @return requests
     */
    public long fullStatesCoalesced() {
        return fullStatesCoalesced;
    }

    /**
     * Counter: commands answered {@code rate_limited} because the connection's own budget
     * ({@link WebSocketOptions#commandsPerSecond()}, {@link WebSocketOptions#commandBurst()}) had no token left,
     * including the one that got the connection closed ({@link #commandFloodsClosed()}). Every frame a client
     * sends as a command costs a token, refused ones too.
     *
     * @return commands
     */
    public long commandsRateLimited() {
        return commandsRateLimited;
    }

    /**
     * Counters: commands by action and outcome. The actions are the command handler's
     * ({@code CommandHandler.actions()} when the endpoint was made) and {@code "other"} for any action it does not
     * list (the client chooses the action; the keys stay bounded); the outcomes are {@code ok} (acknowledged,
     * replays of an earlier command id included) and the error codes a command is answered with:
     * {@code bad_request}, {@code forbidden}, {@code not_found}, {@code rate_limited} (the connection's budget, busy
     * workers, or a {@code BUSY} handler), {@code internal}. Every pair is present from the start, with 0.
     *
     * @return action to outcome to count; immutable, actions sorted, outcomes in the order above
     */
    public Map<String, Map<String, Long>> commands() {
        return commands;
    }

    @Override
    public String toString() {
        return "WebSocketStats{openConnections=" + openConnections + ", broadcasts=" + broadcasts
                + ", broadcasterNanos=" + broadcasterNanos + ", sharedEncodes=" + sharedEncodes
                + ", framesSent=" + framesSent + ", charsSent=" + charsSent + ", mergedChanges=" + mergedChanges
                + ", fullStateConflations=" + fullStateConflations + ", slowClientsClosed=" + slowClientsClosed
                + ", commandsRejectedBusy=" + commandsRejectedBusy + ", fanOutWaits=" + fanOutWaits
                + ", fanOutWaitNanos=" + fanOutWaitNanos + ", fanOutWaitsTimedOut=" + fanOutWaitsTimedOut
                + ", closingConnections=" + closingConnections + ", bufferedBytes=" + bufferedBytes
                + ", connectionsRefused=" + connectionsRefused + ", subscriptionsRefused=" + subscriptionsRefused
                + ", stalledClientsShed=" + stalledClientsShed + ", commandFloodsClosed=" + commandFloodsClosed
                + ", fullStatesCoalesced=" + fullStatesCoalesced + ", commandsRateLimited=" + commandsRateLimited
                + ", commands=" + commands + '}';
    }

    /** Builds a snapshot; used by the endpoint's metrics holder (and tests). Not thread-safe. */
    static final class Builder {
        private int openConnections;
        private long broadcasts;
        private long broadcasterNanos;
        private long sharedEncodes;
        private long framesSent;
        private long charsSent;
        private long mergedChanges;
        private long fullStateConflations;
        private long slowClientsClosed;
        private long commandsRejectedBusy;
        private long fanOutWaits;
        private long fanOutWaitNanos;
        private long fanOutWaitsTimedOut;
        private int closingConnections;
        private long bufferedBytes;
        private long connectionsRefused;
        private long subscriptionsRefused;
        private long stalledClientsShed;
        private long commandFloodsClosed;
        private long fullStatesCoalesced;
        private long commandsRateLimited;
        private Map<String, Map<String, Long>> commands = Map.of();

        private Builder() {
        }

        Builder openConnections(int v) { openConnections = v; return this; }
        Builder broadcasts(long v) { broadcasts = v; return this; }
        Builder broadcasterNanos(long v) { broadcasterNanos = v; return this; }
        Builder sharedEncodes(long v) { sharedEncodes = v; return this; }
        Builder framesSent(long v) { framesSent = v; return this; }
        Builder charsSent(long v) { charsSent = v; return this; }
        Builder mergedChanges(long v) { mergedChanges = v; return this; }
        Builder fullStateConflations(long v) { fullStateConflations = v; return this; }
        Builder slowClientsClosed(long v) { slowClientsClosed = v; return this; }
        Builder commandsRejectedBusy(long v) { commandsRejectedBusy = v; return this; }
        Builder fanOutWaits(long v) { fanOutWaits = v; return this; }
        Builder fanOutWaitNanos(long v) { fanOutWaitNanos = v; return this; }
        Builder fanOutWaitsTimedOut(long v) { fanOutWaitsTimedOut = v; return this; }
        Builder closingConnections(int v) { closingConnections = v; return this; }
        Builder bufferedBytes(long v) { bufferedBytes = v; return this; }
        Builder connectionsRefused(long v) { connectionsRefused = v; return this; }
        Builder subscriptionsRefused(long v) { subscriptionsRefused = v; return this; }
        Builder stalledClientsShed(long v) { stalledClientsShed = v; return this; }
        Builder commandFloodsClosed(long v) { commandFloodsClosed = v; return this; }
        Builder fullStatesCoalesced(long v) { fullStatesCoalesced = v; return this; }
        Builder commandsRateLimited(long v) { commandsRateLimited = v; return this; }
        Builder commands(Map<String, Map<String, Long>> v) { commands = v; return this; }

        WebSocketStats build() {
            return new WebSocketStats(this);
        }
    }
}
