package dev.sessionfeed;

/**
 * Receives what a {@link SessionFeed} publishes and passes it on (to WebSocket clients, a message bus, a
 * test). An SPI: new methods get {@code default} bodies so implementations keep compiling.
 *
 * <p>Threading: the feed calls every method from its single rebuild thread, in seq order, one call at a time
 * per feed (the threading model is written once, on {@link SessionFeed}). Implementations must return quickly and must not block on I/O (hand the work to a sender); an
 * exception thrown by a broadcaster is logged by the feed and does not affect other broadcasters or the feed.
 * A broadcaster whose senders fall behind may apply backpressure by waiting, for a short bounded time, until
 * they took the previous change: the feed merges the signals that arrive meanwhile into its next read (the
 * WebSocket adapter does this, at most 100 ms per wait).
 */
public interface Broadcaster {

    /**
     * A change was published. Called after the feed's current state became {@code current}.
     *
     * @param delta   the change; {@code delta.seq() == current.seq()}
     * @param current the full state after the change (for clients that want full {@code session_update}s)
     */
    default void onDelta(SessionDelta delta, Snapshot current) {
    }

    /**
     * The feed's status changed (for example the change source went down and polling took over).
     *
     * @param status the new status
     * @param reason a short human-readable reason, never null
     */
    default void onStatus(FeedStatus status, String reason) {
    }

    /**
     * The feed is closing; sent once, after the last delta.
     */
    default void onClose() {
    }
}
