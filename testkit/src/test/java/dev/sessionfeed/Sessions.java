package dev.sessionfeed;

import dev.sessionfeed.testkit.FeedStateClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test data, and deltas applied the way the protocol says. */
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

    /**
     * Applies deltas to a starting state the way a client does (testkit's {@link FeedStateClient}); returns
     * sessions by id and the metrics. A delta that does not continue the state fails the test.
     */
    static Applied apply(Snapshot initial, List<SessionDelta> deltas) {
        FeedStateClient client = new FeedStateClient();
        client.applySnapshot(initial);
        for (SessionDelta d : deltas) {
            long seq = client.seq();
            if (!client.applyDelta(d)) {
                throw new AssertionError("gap: delta " + d.prevSeq() + "->" + d.seq() + " after seq " + seq);
            }
        }
        return new Applied(new HashMap<>(client.sessions()), client.metrics(), client.seq());
    }

    static Map<String, ChatSession> byId(List<ChatSession> sessions) {
        Map<String, ChatSession> m = new LinkedHashMap<>();
        sessions.forEach(s -> m.put(s.id(), s));
        return m;
    }

    record Applied(Map<String, ChatSession> sessions, ChatMetrics metrics, long seq) {
    }
}
