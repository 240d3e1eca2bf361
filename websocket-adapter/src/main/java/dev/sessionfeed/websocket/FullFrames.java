package dev.sessionfeed.websocket;

import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ServerMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The {@code session_update} and {@code metrics_update} of one snapshot, each encoded at most once (lazily, by
 * whichever connection needs it first) and shared by all. Thread-safe: guarded by {@code this}, held while
 * encoding (CPU only, no I/O) so that concurrent callers wait for the one encode.
 */
final class FullFrames {

    final Snapshot snapshot;
    private final FrameCache cache;
    // Guarded by this.
    private String sessionUpdate;
    private String metricsUpdate;
    private ByteBuffer sessionUpdateUtf8;

    FullFrames(FrameCache cache, Snapshot snapshot) {
        this.cache = cache;
        this.snapshot = snapshot;
    }

    synchronized String sessionUpdate() {
        if (sessionUpdate == null) {
            sessionUpdate = cache.encodeShared(ServerMessage.SessionUpdate.of(snapshot));
        }
        return sessionUpdate;
    }

    /**
     * The {@code session_update} as UTF-8 bytes, encoded once and shared by every connection that takes it as a
     * binary frame (each sends its own {@link ByteBuffer#duplicate() duplicate}; the bytes are never copied per
     * connection by the adapter).
     *
     * @return a read-only buffer; duplicate it before use
     */
    synchronized ByteBuffer sessionUpdateUtf8() {
        if (sessionUpdateUtf8 == null) {
            sessionUpdateUtf8 = ByteBuffer.wrap(sessionUpdate().getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        }
        return sessionUpdateUtf8;
    }

    /** @return whether {@code text} is this snapshot's {@code session_update} (the same shared instance) */
    synchronized boolean isSessionUpdate(String text) {
        return sessionUpdate != null && sessionUpdate == text;
    }

    synchronized String metricsUpdate() {
        if (metricsUpdate == null) {
            metricsUpdate = cache.encodeShared(ServerMessage.MetricsUpdate.of(snapshot));
        }
        return metricsUpdate;
    }
}
