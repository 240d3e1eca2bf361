package dev.sessionfeed;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test data and a minimal client that applies deltas the way the protocol says. */
final class Sessions {

    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    private Sessions() {
    }

    /** A session created {@code minute} minutes after {@link #T0}. */
    static ChatSession session(String id, String status, int minute) {
        Instant created = T0.plusSeconds(60L * minute);
        return new ChatSession(id, status, "v-" + id, "Visitor " + id, null, null, "subject " + id,
                created, created, null, null, 0, null, Map.of());
    }

    static ChatSession withStatus(ChatSession s, String status, long messageCount) {
        return new ChatSession(s.id(), status, s.visitorId(), s.visitorName(), s.agentId(), s.agentName(), s.subject(),
                s.createdAt(), s.updatedAt(), s.endedAt(), s.firstResponseAt(), messageCount, s.lastMessageAt(),
                s.attributes());
    }

    /** Applies deltas to a starting state the way a client does; returns sessions by id and the metrics. */
    static Applied apply(Snapshot initial, List<SessionDelta> deltas) {
        Map<String, ChatSession> sessions = new HashMap<>(initial.sessionsById());
        ChatMetrics metrics = initial.metrics();
        long seq = initial.seq();
        for (SessionDelta d : deltas) {
            if (d.prevSeq() != seq) {
                throw new AssertionError("gap: delta " + d.prevSeq() + "->" + d.seq() + " after seq " + seq);
            }
            d.upserted().forEach(s -> sessions.put(s.id(), s));
            d.removed().forEach(sessions::remove);
            if (d.metrics() != null) {
                metrics = d.metrics();
            }
            seq = d.seq();
        }
        return new Applied(sessions, metrics, seq);
    }

    static Map<String, ChatSession> byId(List<ChatSession> sessions) {
        Map<String, ChatSession> m = new LinkedHashMap<>();
        sessions.forEach(s -> m.put(s.id(), s));
        return m;
    }

    record Applied(Map<String, ChatSession> sessions, ChatMetrics metrics, long seq) {
    }
}
