package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeedStateClientTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    private static ChatSession session(String id, String status) {
        return new ChatSession(id, status, null, null, null, null, null, T, T, null, null, 0, null, Map.of());
    }

    private static ChatMetrics metrics(long waiting) {
        return new ChatMetrics(Map.of("waitingNow", waiting, "longestWaitSeconds", 1.0 * waiting));
    }

    private static Snapshot snapshot(String epoch, long seq, ChatMetrics m, ChatSession... sessions) {
        return new Snapshot(epoch, seq, T, List.of(sessions), m);
    }

    private static SessionDelta delta(String epoch, long seq, List<ChatSession> upserted, List<String> removed, ChatMetrics m) {
        return new SessionDelta(epoch, seq, seq - 1, T, upserted, removed, m);
    }

    @Test
    void appliesSnapshotThenContinuousDeltas() {
        FeedStateClient client = new FeedStateClient();
        client.applySnapshot(snapshot("e", 3, metrics(1), session("a", "waiting"), session("b", "active")));

        assertThat(client.applyDelta(delta("e", 4, List.of(session("a", "active"), session("c", "waiting")), List.of("b"), null))).isTrue();
        assertThat(client.applyDelta(delta("e", 5, List.of(), List.of(), metrics(7)))).isTrue();

        assertThat(client.seq()).isEqualTo(5);
        assertThat(client.sessions()).containsOnlyKeys("a", "c");
        assertThat(client.sessions().get("a").status()).isEqualTo("active");
        assertThat(client.metrics()).isEqualTo(metrics(7));
        assertThat(client.gaps()).isEmpty();
        assertThat(client.matches(snapshot("db", 0, metrics(7), session("c", "waiting"), session("a", "active")))).isTrue();
    }

    @Test
    void recordsAGapAndDoesNotApplyTheDelta() {
        FeedStateClient client = new FeedStateClient();
        client.applySnapshot(snapshot("e", 3, metrics(1), session("a", "waiting")));

        assertThat(client.applyDelta(delta("e", 5, List.of(session("x", "waiting")), List.of(), null))).isFalse();
        assertThat(client.applyDelta(delta("other", 4, List.of(session("y", "waiting")), List.of(), null))).isFalse();

        assertThat(client.gaps()).hasSize(2).first().asString().contains("prevSeq 4").contains("at seq 3");
        assertThat(client.sessions()).containsOnlyKeys("a");
        assertThat(client.seq()).isEqualTo(3);
    }

    @Test
    void ignoresDeltasAlreadyCoveredByTheSnapshot() {
        FeedStateClient client = new FeedStateClient();
        client.applySnapshot(snapshot("e", 5, metrics(1), session("a", "waiting")));

        assertThat(client.applyDelta(delta("e", 5, List.of(), List.of("a"), null))).isFalse();

        assertThat(client.sessions()).containsOnlyKeys("a");
        assertThat(client.gaps()).isEmpty();
    }

    @Test
    void asBroadcasterTakesTheFullStateAfterAGapAndRecordsStatusAndClose() {
        FeedStateClient client = new FeedStateClient();
        client.applySnapshot(snapshot("e", 1, metrics(1), session("a", "waiting")));
        Snapshot current = snapshot("e", 9, metrics(2), session("z", "active"));

        client.onDelta(delta("e", 9, List.of(session("z", "active")), List.of("a"), metrics(2)), current);
        client.onStatus(FeedStatus.DEGRADED, "listener down");
        client.onClose();

        assertThat(client.gaps()).hasSize(1);
        assertThat(client.seq()).isEqualTo(9);
        assertThat(client.differencesFrom(current)).isEmpty();
        assertThat(client.status()).isEqualTo(FeedStatus.DEGRADED);
        assertThat(client.statusReason()).isEqualTo("listener down");
        assertThat(client.isClosed()).isTrue();
    }

    @Test
    void asBroadcasterTakesTheFirstStateFromADeltaArrivingBeforeAnySnapshotWithoutAGap() {
        FeedStateClient client = new FeedStateClient();
        Snapshot current = snapshot("e", 4, metrics(1), session("a", "waiting"));

        client.onDelta(delta("e", 4, List.of(session("a", "waiting")), List.of(), null), current);
        client.applySnapshot(snapshot("e", 3, metrics(0)));

        assertThat(client.gaps()).isEmpty();
        assertThat(client.seq()).isEqualTo(4);
        assertThat(client.sessions()).containsOnlyKeys("a");
    }

    @Test
    void listsEveryDifferenceIgnoringTimeDependentMetrics() {
        FeedStateClient client = new FeedStateClient();
        client.applySnapshot(snapshot("e", 1, metrics(1), session("a", "waiting"), session("b", "active")));
        Snapshot expected = snapshot("db", 0, new ChatMetrics(Map.of("waitingNow", 2L, "longestWaitSeconds", 99.0)),
                session("b", "ended"), session("c", "waiting"));

        List<String> diffs = client.differencesFrom(expected);

        assertThat(diffs).hasSize(4);
        assertThat(diffs.get(0)).startsWith("unexpected session a");
        assertThat(diffs.get(1)).startsWith("session b differs");
        assertThat(diffs.get(2)).startsWith("missing session c");
        assertThat(diffs.get(3)).startsWith("metric waitingNow differs");
        assertThat(client.differencesFrom(expected, Set.of())).hasSize(5);
    }
}
