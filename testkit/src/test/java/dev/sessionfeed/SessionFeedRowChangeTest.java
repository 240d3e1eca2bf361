package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.RowChange;
import dev.sessionfeed.testkit.MapSnapshotBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the engine applies changes that carry their rows (issue 16's SPI addition). */
class SessionFeedRowChangeTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private static RowChange row(ChangeAction action, String id, String status) {
        return new RowChange(action, id, action == ChangeAction.DELETE ? Map.of() : Map.of("session_id", id, "status", status),
                Map.of(), System.nanoTime());
    }

    /** A builder over the same map that decodes rows from their status column (and refuses status "undecodable"). */
    private SnapshotBuilder decoding(MapSnapshotBuilder db, int max) {
        return new SnapshotBuilder() {
            @Override
            public SnapshotRead buildFull() {
                return db.buildFull();
            }

            @Override
            public SnapshotRead refresh(Set<String> ids) {
                return db.refresh(ids);
            }

            @Override
            public int maxSessions() {
                return max;
            }

            @Override
            public boolean decodesRows() {
                return true;
            }

            @Override
            public Optional<ChatSession> decodeRow(RowChange change, Instant now) {
                String status = change.columns().get("status");
                if ("undecodable".equals(status)) {
                    throw new IllegalArgumentException("column subject is not in the change");
                }
                ChatSession s = db.get(change.sessionId());
                return "archived".equals(status) ? Optional.empty() : Optional.of(Sessions.withStatus(s, status, s.messageCount()));
            }
        };
    }

    private SessionFeed startDecoding(int max, Duration metricsInterval) {
        h.feed = SessionFeed.builder(decoding(h.db, max), h.source).epoch(FeedHarness.EPOCH).reconcileInterval(Duration.ZERO)
                .rowMetricsInterval(metricsInterval).build();
        h.feed.addBroadcaster(h.out);
        h.feed.start();
        return h.feed;
    }

    @Test
    void aRowChangeIsReReadByIdWhenTheSnapshotBuilderDoesNotDecodeRows() throws Exception {
        h.start();
        h.db.put(Sessions.session("s-1", "waiting", 1));
        h.source.row(row(ChangeAction.INSERT, "s-1", "waiting"));
        await().atMost(WAIT).until(() -> h.feed.current().sessionsById().containsKey("s-1"));
        assertThat(h.db.idSets()).contains(Set.of("s-1"));
        assertThat(h.feed.stats().rowsApplied()).isZero();
    }

    @Test
    void aDecodedRowIsAppliedWithoutAnyReadAndMetricsFollowOncePerInterval() throws Exception {
        h.db.put(Sessions.session("s-1", "waiting", 1));
        SessionFeed feed = startDecoding(100, Duration.ofSeconds(60));
        int reads = h.db.reads();
        h.db.put(Sessions.session("s-2", "waiting", 2));
        h.db.metric("totalSessions", 2);
        h.source.row(row(ChangeAction.INSERT, "s-2", "waiting"));
        h.source.row(row(ChangeAction.UPDATE, "s-1", "active"));
        await().atMost(WAIT).until(() -> feed.current().sessionsById().containsKey("s-2")
                && "active".equals(feed.current().sessionsById().get("s-1").status()));
        h.source.row(row(ChangeAction.DELETE, "s-2", null));
        await().atMost(WAIT).until(() -> !feed.current().sessionsById().containsKey("s-2"));
        assertThat(feed.stats().rowsApplied()).isEqualTo(3);
        // No session was read, and the metrics read waits for the 60 s interval (the first is due at once, after the
        // first batch: at most one read for all three changes).
        assertThat(h.db.idSets()).allSatisfy(ids -> assertThat(ids).isEmpty());
        assertThat(h.db.reads() - reads).isLessThanOrEqualTo(1);
    }

    @Test
    void metricsAreReReadAfterRowsWithAZeroInterval() throws Exception {
        h.db.put(Sessions.session("s-1", "waiting", 1));
        SessionFeed feed = startDecoding(100, Duration.ZERO);
        h.db.metric("totalSessions", 7);
        h.source.row(row(ChangeAction.UPDATE, "s-1", "active"));
        await().atMost(WAIT).until(() -> Integer.valueOf(7).equals(feed.current().metrics().get("totalSessions")));
        assertThat(h.db.idSets()).allSatisfy(ids -> assertThat(ids).isEmpty());
    }

    @Test
    void aRowThatCannotBeDecodedIsReReadById() throws Exception {
        h.db.put(Sessions.session("s-1", "waiting", 1));
        SessionFeed feed = startDecoding(100, Duration.ofSeconds(60));
        h.db.put(Sessions.withStatus(h.db.get("s-1"), "ended", 3));
        h.source.row(row(ChangeAction.UPDATE, "s-1", "undecodable"));
        await().atMost(WAIT).until(() -> "ended".equals(feed.current().sessionsById().get("s-1").status()));
        assertThat(h.db.idSets()).contains(Set.of("s-1"));
        assertThat(feed.stats().rowsReread()).isEqualTo(1);
    }

    @Test
    void aRowOutOfScopeIsARemovalAndTheCapStillHolds() throws Exception {
        h.db.put(Sessions.session("s-1", "waiting", 1));
        h.db.put(Sessions.session("s-2", "waiting", 2));
        SessionFeed feed = startDecoding(2, Duration.ofSeconds(60));
        h.db.put(Sessions.session("s-3", "waiting", 3));
        h.source.row(row(ChangeAction.INSERT, "s-3", "waiting"));
        // Newest first: s-3 enters, the oldest (s-1) leaves the capped list, as after a by-id read.
        await().atMost(WAIT).until(() -> feed.current().sessionsById().keySet().equals(Set.of("s-3", "s-2")));
        h.db.remove("s-3");
        h.source.row(row(ChangeAction.UPDATE, "s-3", "archived"));
        // Out of scope: removed; the list was at the cap, so a full read fills the gap with s-1.
        await().atMost(WAIT).until(() -> feed.current().sessionsById().keySet().equals(Set.of("s-2", "s-1")));
    }
}
