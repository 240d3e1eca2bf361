package dev.sessionfeed.benchmarks.jmh;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Test data for the micro benchmarks: sessions shaped like the benchmark database's rows. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    private Fixtures() {
    }

    static ChatSession session(int i, long messageCount) {
        boolean waiting = i % 3 == 0;
        return new ChatSession(String.format("s%06d", i), waiting ? "waiting" : "active", "visitor-" + i, "Visitor " + i,
                waiting ? null : "agent-" + (i % 17), waiting ? null : "Agent " + (i % 17),
                "Question about order " + i + " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                T0.minusSeconds(i), T0.minusSeconds(i), null, waiting ? null : T0.minusSeconds(i - 20L), messageCount,
                T0.minusSeconds(i), Map.of());
    }

    static List<ChatSession> sessions(int n) {
        List<ChatSession> l = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            l.add(session(i, 0));
        }
        return l;
    }

    static ChatMetrics metrics(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("countsByStatus", Map.of("waiting", n / 3, "active", n - n / 3));
        m.put("totalSessions", n);
        m.put("waitingNow", n / 3);
        m.put("activeNow", n - n / 3);
        m.put("longestWaitingSince", T0.minusSeconds(n).toString());
        m.put("longestWaitSeconds", n);
        m.put("avgFirstResponseSeconds", 20.0);
        m.put("avgDurationSeconds", 300.5);
        m.put("startedLast24h", n);
        m.put("endedLast24h", 0);
        m.put("activeAgents", 17);
        return new ChatMetrics(m);
    }

    /** An in-memory table: the feed reads it as it would read PostgreSQL, without I/O. Thread-safe. */
    static final class MemoryTable implements SnapshotBuilder {
        final Map<String, ChatSession> rows = new ConcurrentHashMap<>();
        final List<String> order = new ArrayList<>();
        final ChatMetrics metrics;

        MemoryTable(int n) {
            for (ChatSession s : sessions(n)) {
                rows.put(s.id(), s);
                order.add(s.id());
            }
            metrics = metrics(n);
        }

        void bump(String id) {
            ChatSession s = rows.get(id);
            rows.put(id, new ChatSession(s.id(), s.status(), s.visitorId(), s.visitorName(), s.agentId(), s.agentName(),
                    s.subject(), s.createdAt(), s.updatedAt(), s.endedAt(), s.firstResponseAt(), s.messageCount() + 1,
                    s.lastMessageAt(), s.attributes()));
        }

        @Override
        public SnapshotRead buildFull() {
            List<ChatSession> l = new ArrayList<>(order.size());
            for (String id : order) {
                l.add(rows.get(id));
            }
            return new SnapshotRead(l, metrics, T0);
        }

        @Override
        public SnapshotRead refresh(Set<String> ids) {
            List<ChatSession> l = new ArrayList<>(ids.size());
            for (String id : ids) {
                ChatSession s = rows.get(id);
                if (s != null) {
                    l.add(s);
                }
            }
            return new SnapshotRead(l, metrics, T0);
        }
    }

    /** A source that never signals (the benchmark drives refreshes itself). */
    static final class SilentSource implements SessionChangeSource {
        @Override
        public void start(ChangeListener listener) {
        }

        @Override
        public FeedStatus status() {
            return FeedStatus.LIVE;
        }

        @Override
        public void close() {
        }
    }
}
