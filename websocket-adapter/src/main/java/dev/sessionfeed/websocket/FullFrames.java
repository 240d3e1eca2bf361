package dev.sessionfeed.websocket;

import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ServerMessage;

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

    synchronized String metricsUpdate() {
        if (metricsUpdate == null) {
            metricsUpdate = cache.encodeShared(ServerMessage.MetricsUpdate.of(snapshot));
        }
        return metricsUpdate;
    }
}
