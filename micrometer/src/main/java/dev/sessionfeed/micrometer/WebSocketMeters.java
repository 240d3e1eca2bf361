package dev.sessionfeed.micrometer;

import dev.sessionfeed.websocket.WebSocketStats;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The meters of a {@code SessionFeedEndpoint}, read from its {@link WebSocketStats} (names and meanings in the
 * table of {@code docs/micrometer.md}). The endpoint is reached through a supplier of its stats so that this class
 * never loads the Jakarta WebSocket API. Stateless.
 */
final class WebSocketMeters {

    private WebSocketMeters() {
    }

    static void bind(MeterSet m, Supplier<WebSocketStats> endpoint) {
        m.gauge("websocket.connections", "Connections, by state (open: authenticated and not closing; closing: closed by "
                + "the endpoint, not yet reported ended by the container)", "connections",
                endpoint, e -> e.get().openConnections(), Tags.of("state", "open"));
        m.gauge("websocket.connections", "Connections, by state (open: authenticated and not closing; closing: closed by "
                + "the endpoint, not yet reported ended by the container)", "connections",
                endpoint, e -> e.get().closingConnections(), Tags.of("state", "closing"));
        m.gauge("websocket.buffered", "Bytes of frames handed to the container and not yet reported written (the memory "
                + "budget's count)", "bytes", endpoint, e -> e.get().bufferedBytes());
        m.timer("websocket.broadcast", "Feed events handled, and the time the rebuild thread spent in the endpoint's "
                + "callbacks", endpoint, e -> e.get().broadcasts(), e -> e.get().broadcasterNanos());
        m.timer("websocket.fanout.wait", "Times the rebuild thread waited for the sender threads (backpressure), and how "
                + "long", endpoint, e -> e.get().fanOutWaits(), e -> e.get().fanOutWaitNanos());
        m.counter("websocket.fanout.timeouts", "Fan-out waits that hit their 100 ms bound", "waits",
                endpoint, e -> e.get().fanOutWaitsTimedOut());
        m.counter("websocket.encodes", "Frames encoded once and shared by all connections", "frames",
                endpoint, e -> e.get().sharedEncodes());
        m.counter("websocket.frames.sent", "Frames the container reported sent (all types, replies included; not pings)",
                "frames", endpoint, e -> e.get().framesSent());
        m.counter("websocket.sent", "Payload of the frames sent: chars of text frames (= UTF-8 bytes for ASCII JSON), "
                + "bytes of binary full states", "bytes", endpoint, e -> e.get().charsSent());
        m.counter("websocket.changes.merged", "Changes folded into a delta already waiting for a connection that was behind",
                "changes", endpoint, e -> e.get().mergedChanges());
        m.counter("websocket.conflations", "Times a connection's queued changes were replaced by the latest full state",
                "conflations", endpoint, e -> e.get().fullStateConflations());
        m.counter("websocket.full.states.coalesced", "subscribe/resync requests coalesced into one full state",
                "requests", endpoint, e -> e.get().fullStatesCoalesced());
        m.counter("websocket.slow.closes", "Connections closed with 1013 because a send stayed unfinished past the grace "
                + "or replies were not read", "connections", endpoint, e -> e.get().slowClientsClosed());
        m.counter("websocket.budget.sheds", "Stalled connections closed to bring the memory budget back under its limit "
                + "(also counted in websocket.slow.closes)", "connections", endpoint, e -> e.get().stalledClientsShed());
        m.counter("websocket.refusals", "Refused with 1013, by kind (connection: connection limits; subscription: memory "
                + "budget exceeded)", "refusals", endpoint, e -> e.get().connectionsRefused(), Tags.of("kind", "connection"));
        m.counter("websocket.refusals", "Refused with 1013, by kind (connection: connection limits; subscription: memory "
                + "budget exceeded)", "refusals", endpoint, e -> e.get().subscriptionsRefused(), Tags.of("kind", "subscription"));
        m.counter("websocket.commands.busy", "Commands answered rate_limited because every command worker was busy and "
                + "the queue full", "commands", endpoint, e -> e.get().commandsRejectedBusy());
        m.counter("websocket.rate.limited", "Commands answered rate_limited because the connection's own command budget "
                + "had no token left", "commands", endpoint, e -> e.get().commandsRateLimited());
        // The key set is fixed when the endpoint is made (the handler's actions and "other" x every outcome).
        for (Map.Entry<String, Map<String, Long>> action : endpoint.get().commands().entrySet()) {
            for (String outcome : action.getValue().keySet()) {
                String a = action.getKey();
                m.counter("commands", "Commands by action (the command handler's, or other) and outcome (ok or the error "
                        + "code answered)", "commands", endpoint,
                        e -> e.get().commands().getOrDefault(a, Map.of()).getOrDefault(outcome, 0L),
                        Tags.of("action", a, "outcome", outcome));
            }
        }
        m.counter("websocket.flood.closes", "Connections closed with 1008 after 20 commands over the rate limit in a row",
                "connections", endpoint, e -> e.get().commandFloodsClosed());
    }
}
