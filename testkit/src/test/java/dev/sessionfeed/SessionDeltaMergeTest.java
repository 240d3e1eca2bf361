package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SessionDeltaMergeTest {

    private static final String EPOCH = "e1";

    /** One step of a random history: upsert (version >= 0) or remove (version < 0) of an id, maybe new metrics. */
    record Step(String id, int version, Integer metrics) {
    }

    @Provide
    Arbitrary<List<Step>> histories() {
        Arbitrary<Step> step = Combinators.combine(
                Arbitraries.of("a", "b", "c", "d", "e"),
                Arbitraries.integers().between(-3, 20),
                Arbitraries.integers().between(0, 9).injectNull(0.6))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 300)
    void applyingTheMergedDeltaEqualsApplyingEachDelta(@ForAll("histories") List<Step> history,
                                                        @ForAll @IntRange(min = 0, max = 29) int splitAt) {
        Snapshot initial = new Snapshot(EPOCH, 7, Sessions.T0,
                List.of(Sessions.session("a", "waiting", 1), Sessions.session("c", "active", 2)), metrics(-1));
        List<SessionDelta> deltas = deltas(initial.seq(), history);
        int split = Math.min(splitAt, deltas.size() - 1);

        // A client that applied the first part one by one and receives the rest merged.
        List<SessionDelta> mixed = new ArrayList<>(deltas.subList(0, split));
        mixed.add(SessionDelta.merge(deltas.subList(split, deltas.size())));

        Sessions.Applied oneByOne = Sessions.apply(initial, deltas);
        Sessions.Applied merged = Sessions.apply(initial, mixed);
        assertThat(merged.sessions()).isEqualTo(oneByOne.sessions());
        assertThat(merged.metrics()).isEqualTo(oneByOne.metrics());
        assertThat(merged.seq()).isEqualTo(oneByOne.seq());
    }

    @Test
    void keepsEachSessionsLastVersionAndTheLastMetrics() {
        SessionDelta d1 = delta(5, List.of(Sessions.session("a", "waiting", 1)), List.of(), metrics(1));
        SessionDelta d2 = delta(6, List.of(Sessions.withStatus(Sessions.session("a", "waiting", 1), "active", 3),
                Sessions.session("b", "waiting", 2)), List.of(), null);
        SessionDelta d3 = delta(7, List.of(), List.of("b"), metrics(2));
        SessionDelta d4 = delta(8, List.of(), List.of(), metrics(3));

        SessionDelta m = SessionDelta.merge(List.of(d1, d2, d3, d4));

        assertThat(m.prevSeq()).isEqualTo(4);
        assertThat(m.seq()).isEqualTo(8);
        assertThat(m.timestamp()).isEqualTo(d4.timestamp());
        assertThat(m.upserted()).extracting(ChatSession::id, ChatSession::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", "active"));
        assertThat(m.removed()).containsExactly("b");
        assertThat(m.metrics()).isEqualTo(metrics(3));
    }

    @Test
    void aSessionRemovedThenAddedAgainIsUpsertedNotRemoved() {
        SessionDelta d1 = delta(1, List.of(), List.of("a"), null);
        SessionDelta d2 = delta(2, List.of(Sessions.session("a", "waiting", 1)), List.of(), null);

        SessionDelta m = SessionDelta.merge(List.of(d1, d2));

        assertThat(m.removed()).isEmpty();
        assertThat(m.upserted()).extracting(ChatSession::id).containsExactly("a");
        assertThat(m.metrics()).isNull();
    }

    @Test
    void mergingOneDeltaReturnsIt() {
        SessionDelta d = delta(3, List.of(), List.of("x"), null);
        assertThat(SessionDelta.merge(List.of(d))).isSameAs(d);
    }

    @Test
    void rejectsGapsEpochMixesAndEmptyInputNamingTheProblem() {
        SessionDelta d1 = delta(1, List.of(), List.of("a"), null);
        SessionDelta d3 = delta(3, List.of(), List.of("b"), null);
        SessionDelta other = new SessionDelta("e2", 2, 1, Sessions.T0, List.of(), List.of("c"), null);

        assertThatThrownBy(() -> SessionDelta.merge(List.of(d1, d3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("consecutive").hasMessageContaining("applies to seq 2").hasMessageContaining("follows seq 1");
        assertThatThrownBy(() -> SessionDelta.merge(List.of(d1, other)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch 'e2'");
        assertThatThrownBy(() -> SessionDelta.merge(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        List<SessionDelta> withNull = new ArrayList<>();
        withNull.add(d1);
        withNull.add(null);
        assertThatThrownBy(() -> SessionDelta.merge(withNull))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("deltas[1]");
    }

    @Test
    void aDeltaMayCoverSeveralChangesButNeverGoBackwards() {
        assertThat(new SessionDelta(EPOCH, 9, 4, Sessions.T0, List.of(), List.of("a"), null).prevSeq()).isEqualTo(4);
        assertThatThrownBy(() -> new SessionDelta(EPOCH, 4, 4, Sessions.T0, List.of(), List.of("a"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seq=4, prevSeq=4");
        assertThatThrownBy(() -> new SessionDelta(EPOCH, 4, -1, Sessions.T0, List.of(), List.of("a"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prevSeq=-1");
    }

    private static List<SessionDelta> deltas(long fromSeq, List<Step> history) {
        List<SessionDelta> out = new ArrayList<>();
        long seq = fromSeq;
        for (Step s : history) {
            seq++;
            List<ChatSession> up = s.version() >= 0
                    ? List.of(Sessions.withStatus(Sessions.session(s.id(), "waiting", 1), "active", s.version()))
                    : List.of();
            List<String> removed = s.version() < 0 ? List.of(s.id()) : List.of();
            out.add(new SessionDelta(EPOCH, seq, seq - 1, Sessions.T0.plusSeconds(seq), up, removed,
                    s.metrics() == null ? null : metrics(s.metrics())));
        }
        return out;
    }

    private static SessionDelta delta(long seq, List<ChatSession> upserted, List<String> removed, ChatMetrics metrics) {
        return new SessionDelta(EPOCH, seq, seq - 1, Instant.EPOCH.plusSeconds(seq), upserted, removed, metrics);
    }

    private static ChatMetrics metrics(int n) {
        return new ChatMetrics(Map.of("waitingNow", n));
    }
}
