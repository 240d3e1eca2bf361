package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotDiffTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final ChatMetrics M1 = new ChatMetrics(Map.of("waitingNow", 1));
    private static final ChatMetrics M2 = new ChatMetrics(Map.of("waitingNow", 2));

    private static ChatSession s(String id, String status) {
        return new ChatSession(id, status, null, null, null, null, null, NOW, NOW, null, null, 0, null, Map.of());
    }

    private static Snapshot snapshot(ChatMetrics metrics, ChatSession... sessions) {
        return new Snapshot("e", 3, NOW, List.of(sessions), metrics);
    }

    private static SnapshotRead read(ChatMetrics metrics, ChatSession... sessions) {
        return new SnapshotRead(List.of(sessions), metrics, NOW);
    }

    @Test
    void fullDiffFindsNewChangedAndRemovedAndTakesTheReadsOrder() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"), s("c", "waiting"));

        SnapshotDiff.Result r = SnapshotDiff.full(current, read(M1, s("d", "waiting"), s("c", "active"), s("a", "waiting")));

        assertThat(r.upserted()).containsExactly(s("d", "waiting"), s("c", "active"));
        assertThat(r.removed()).containsExactly("b");
        assertThat(r.metrics()).isNull();
        assertThat(r.sessions()).extracting(ChatSession::id).containsExactly("d", "c", "a");
        assertThat(r.isEmpty()).isFalse();
    }

    @Test
    void fullDiffOfTheSameStateIsEmpty() {
        Snapshot current = snapshot(M1, s("a", "waiting"));

        assertThat(SnapshotDiff.full(current, read(M1, s("a", "waiting"))).isEmpty()).isTrue();
    }

    @Test
    void reportsChangedMetricsOnly() {
        Snapshot current = snapshot(M1, s("a", "waiting"));

        SnapshotDiff.Result r = SnapshotDiff.full(current, read(M2, s("a", "waiting")));

        assertThat(r.upserted()).isEmpty();
        assertThat(r.removed()).isEmpty();
        assertThat(r.metrics()).isEqualTo(M2);
    }

    @Test
    void byIdDiffRemovesOnlyRequestedIdsMissingFromTheRead() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"), s("c", "waiting"));

        SnapshotDiff.Result r = SnapshotDiff.byIds(current, read(M1, s("b", "ended")), Set.of("a", "b", "zzz"));

        assertThat(r.removed()).containsExactly("a");
        assertThat(r.upserted()).containsExactly(s("b", "ended"));
        assertThat(r.sessions()).extracting(ChatSession::id).containsExactly("b", "c");
    }

    @Test
    void byIdDiffPutsNewSessionsFirstInReadOrderAndKeepsOthersInPlace() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"));

        SnapshotDiff.Result r = SnapshotDiff.byIds(current,
                read(M1, s("y", "waiting"), s("b", "active"), s("x", "waiting")), Set.of("x", "y", "b"));

        assertThat(r.sessions()).extracting(ChatSession::id).containsExactly("y", "x", "a", "b");
        assertThat(r.sessions().get(3).status()).isEqualTo("active");
        assertThat(r.upserted()).extracting(ChatSession::id).containsExactly("y", "x", "b");
    }

    @Test
    void keepsTheFirstOfDuplicateIdsInARead() {
        Snapshot current = snapshot(M1);

        SnapshotDiff.Result r = SnapshotDiff.full(current, read(M1, s("a", "waiting"), s("a", "ended")));

        assertThat(r.sessions()).containsExactly(s("a", "waiting"));
        assertThat(r.upserted()).containsExactly(s("a", "waiting"));
    }

    @Test
    void byIdDiffsInARowListChangesInDisplayOrderAndLeaveTheCurrentListAlone() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"), s("c", "waiting"), s("d", "waiting"));

        SnapshotDiff.Result first = SnapshotDiff.byIds(current,
                read(M1, s("d", "active"), s("b", "active"), s("a", "waiting")), Set.of("d", "b", "a"));
        Snapshot next = new Snapshot("e", 4, NOW, first.sessions(), M1);
        SnapshotDiff.Result second = SnapshotDiff.byIds(next,
                read(M1, s("c", "ended"), s("n", "waiting")), Set.of("c", "n", "b"));

        assertThat(first.upserted()).containsExactly(s("b", "active"), s("d", "active"));
        assertThat(first.removed()).isEmpty();
        assertThat(first.sessions()).containsExactly(s("a", "waiting"), s("b", "active"), s("c", "waiting"), s("d", "active"));
        assertThat(current.sessions()).extracting(ChatSession::status).containsOnly("waiting");
        assertThat(second.upserted()).containsExactly(s("n", "waiting"), s("c", "ended"));
        assertThat(second.removed()).containsExactly("b");
        assertThat(second.sessions()).containsExactly(s("n", "waiting"), s("a", "waiting"), s("c", "ended"), s("d", "active"));
        assertThat(next.sessions()).containsExactly(s("a", "waiting"), s("b", "active"), s("c", "waiting"), s("d", "active"));
    }

    @Test
    void byIdDiffWithoutChangeKeepsTheCurrentList() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"));
        Snapshot engine = new Snapshot("e", 3, NOW, SessionList.copyOf(current.sessions()), M1);

        SnapshotDiff.Result r = SnapshotDiff.byIds(engine, read(M1, s("b", "waiting")), Set.of("b"));

        assertThat(r.isEmpty()).isTrue();
        assertThat(r.sessions()).isSameAs(engine.sessions());
    }

    @Test
    void byIdDiffBeyondTheCapDropsTheEndOfTheDisplayOrderAsRemoved() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"), s("c", "waiting"));

        // A new session goes first; with a cap of 3 the last one shown leaves, and a change to it is not sent.
        SnapshotDiff.Result r = SnapshotDiff.byIds(current, read(M1, s("n", "waiting"), s("c", "active")),
                Set.of("n", "c"), 3);

        assertThat(r.sessions()).extracting(ChatSession::id).containsExactly("n", "a", "b");
        assertThat(r.upserted()).containsExactly(s("n", "waiting"));
        assertThat(r.removed()).containsExactly("c");
    }

    @Test
    void byIdDiffWithMoreNewSessionsThanTheCapKeepsTheFirstOnesAndRemovesEveryOldOne() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"));

        SnapshotDiff.Result r = SnapshotDiff.byIds(current,
                read(M1, s("x", "waiting"), s("y", "waiting"), s("z", "waiting")), Set.of("x", "y", "z", "b"), 2);

        assertThat(r.sessions()).extracting(ChatSession::id).containsExactly("x", "y");
        assertThat(r.upserted()).extracting(ChatSession::id).containsExactly("x", "y");
        assertThat(r.removed()).containsExactly("a", "b"); // b left the scope, a fell off the end: display order
    }

    @Test
    void byIdDiffWithinTheCapIsTheUncappedDiff() {
        Snapshot current = snapshot(M1, s("a", "waiting"), s("b", "waiting"));
        SnapshotRead read = read(M1, s("n", "waiting"));

        SnapshotDiff.Result capped = SnapshotDiff.byIds(current, read, Set.of("n"), 3);

        assertThat(capped).isEqualTo(SnapshotDiff.byIds(current, read, Set.of("n")));
    }
}
