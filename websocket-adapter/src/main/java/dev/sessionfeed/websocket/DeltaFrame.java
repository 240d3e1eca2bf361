package dev.sessionfeed.websocket;

import dev.sessionfeed.protocol.ServerMessage;

/**
 * The {@code session_delta} of one broadcast change, encoded at most once (lazily: only if a delta client queues it
 * as its own frame) and shared by all connections. Thread-safe: guarded by {@code this}, held while encoding.
 */
final class DeltaFrame {

    private final FrameCache cache;
    private final ServerMessage.Delta message;
    // Guarded by this.
    private String text;

    DeltaFrame(FrameCache cache, ServerMessage.Delta message) {
        this.cache = cache;
        this.message = message;
    }

    synchronized String text() {
        if (text == null) {
            text = cache.encodeShared(message);
        }
        return text;
    }
}
