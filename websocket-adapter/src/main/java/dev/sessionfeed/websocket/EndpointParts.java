package dev.sessionfeed.websocket;

/**
 * The shared parts of one endpoint that a {@link Connection} talks to, wired once by the {@link Hub}. Immutable;
 * each part documents its own thread-safety.
 *
 * @param options   the endpoint's options
 * @param metrics   the metrics holder
 * @param mirror    what the endpoint knows of the feed
 * @param frames    the shared frames
 * @param replies   encodes per-connection frames
 * @param scheduler hands sends to the sender threads
 * @param tasks     the endpoint's threads
 * @param registry  the open connections
 * @param inbound   handles inbound frames
 * @param budget    the endpoint's memory budget
 */
record EndpointParts(WebSocketOptions options, Metrics metrics, FeedMirror mirror, FrameCache frames, Replies replies,
        SendScheduler scheduler, TaskRunner tasks, ConnectionRegistry registry, InboundDispatcher inbound,
        MemoryBudget budget) {
}
