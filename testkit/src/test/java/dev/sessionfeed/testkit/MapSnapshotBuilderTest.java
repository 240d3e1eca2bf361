package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SnapshotRead;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MapSnapshotBuilderTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    private static ChatSession session(String id, String status, int minute) {
        Instant at = T0.plusSeconds(60L * minute);
        return new ChatSession(id, status, null, null, null, null, null, at, at, null, null, 0, null, Map.of());
    }

    @Test
    void readsNewestFirstWithCountsPerStatusAndExtraMetrics() {
        MapSnapshotBuilder db = new MapSnapshotBuilder();
        db.put(session("a", "waiting", 1));
        db.put(session("b", "active", 3));
        db.put(session("c", "waiting", 2));
        db.metric("activeAgents", 4);

        SnapshotRead read = db.buildFull();

        assertThat(read.sessions()).extracting(ChatSession::id).containsExactly("b", "c", "a");
        assertThat(read.metrics().values()).containsExactly(
                Map.entry("countsByStatus", Map.of("active", 1L, "waiting", 2L)),
                Map.entry("totalSessions", 3L),
                Map.entry("activeAgents", 4));
        assertThat(db.fullReads()).isEqualTo(1);
    }

    @Test
    void aFullReadHoldsMaxSessionsAndARefreshReturnsEveryRequestedRow() {
        MapSnapshotBuilder db = new MapSnapshotBuilder(2);
        db.put(session("a", "waiting", 1));
        db.put(session("b", "waiting", 2));
        db.put(session("c", "waiting", 3));

        assertThat(db.maxSessions()).isEqualTo(2);
        assertThat(db.buildFull().sessions()).extracting(ChatSession::id).containsExactly("c", "b");
        assertThat(db.buildFull().metrics().get("totalSessions")).isEqualTo(3L);
        assertThat(db.refresh(Set.of("a", "c", "gone")).sessions()).extracting(ChatSession::id).containsExactly("c", "a");
        assertThat(db.idSets()).containsExactly(Set.of("a", "c", "gone"));
        assertThat(new MapSnapshotBuilder().maxSessions()).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> new MapSnapshotBuilder(0)).hasMessage("maxSessions must be at least 1, was 0");
    }

    @Test
    void failsReadsOnDemandAndCountsThemAsStartedOnly() {
        MapSnapshotBuilder db = new MapSnapshotBuilder();
        db.failWith(new IllegalStateException("database down"));

        assertThatThrownBy(db::buildFull).hasMessage("database down");
        assertThat(db.readsStarted()).isEqualTo(1);
        assertThat(db.reads()).isZero();
        db.failWith(null);
        db.buildFull();
        assertThat(db.reads()).isEqualTo(1);
    }

    @Test
    void holdsReadsAtTheGateUntilReleasedWithoutBlockingWrites() throws Exception {
        MapSnapshotBuilder db = new MapSnapshotBuilder();
        db.holdReads();
        CompletableFuture<SnapshotRead> read = CompletableFuture.supplyAsync(db::buildFull);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (db.readsStarted() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        db.put(session("late", "waiting", 1));
        assertThat(read).isNotDone();
        db.releaseReads();

        assertThat(read.get(10, TimeUnit.SECONDS).sessions()).extracting(ChatSession::id).containsExactly("late");
        assertThat(db.peek().sessions()).hasSize(1);
        assertThat(db.fullReads()).isEqualTo(1);
    }
}
