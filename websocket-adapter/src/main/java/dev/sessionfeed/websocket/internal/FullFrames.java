package dev.sessionfeed.websocket.internal;

import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ServerMessage;

/** The encoded {@code session_update} and {@code metrics_update} of one snapshot, each encoded at most once. */
final class FullFrames {

    final Snapshot snapshot;
    private final Hub hub;
    private String sessionUpdate;
    private String metricsUpdate;

    FullFrames(Hub hub, Snapshot snapshot) {
        this.hub = hub;
        this.snapshot = snapshot;
    }

    synchronized String sessionUpdate() {
        if (sessionUpdate == null) {
            sessionUpdate = hub.encodeShared(ServerMessage.SessionUpdate.of(snapshot));
        }
        return sessionUpdate;
    }

    synchronized String metricsUpdate() {
        if (metricsUpdate == null) {
            metricsUpdate = hub.encodeShared(ServerMessage.MetricsUpdate.of(snapshot));
        }
        return metricsUpdate;
    }

    /** A lazily encoded {@code session_delta}, shared by all subscribers of one broadcast. */
    static final class DeltaFrame {
        private final Hub hub;
        private final ServerMessage.Delta message;
        private String text;

        DeltaFrame(Hub hub, ServerMessage.Delta message) {
            this.hub = hub;
            this.message = message;
        }

        synchronized String text() {
            if (text == null) {
                text = hub.encodeShared(message);
            }
            return text;
        }
    }
}
