package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionListTest {

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static ChatSession s(String id, String status) {
        return new ChatSession(id, status, null, null, null, null, null, NOW, NOW, null, null, 0, null, Map.of());
    }

    private static SessionList list(ChatSession... sessions) {
        return SessionList.copyOf(new ArrayList<>(Arrays.asList(sessions)));
    }

    @Test
    void equalsAndHashesLikeAnyListWithTheSameElements() {
        SessionList l = list(s("a", "waiting"), s("b", "active"));

        assertThat(l).isEqualTo(List.of(s("a", "waiting"), s("b", "active")));
        assertThat(List.of(s("a", "waiting"), s("b", "active"))).isEqualTo(l);
        assertThat(l.hashCode()).isEqualTo(List.of(s("a", "waiting"), s("b", "active")).hashCode());
        assertThat(l).isNotEqualTo(List.of(s("b", "active"), s("a", "waiting")));
    }

    @Test
    void isUnmodifiableAndRejectsNulls() {
        SessionList l = list(s("a", "waiting"));

        assertThatThrownBy(() -> l.add(s("b", "waiting"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> l.set(0, s("b", "waiting"))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> l.remove(0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list(s("a", "waiting"), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void copyOfKeepsASessionListAndDoesNotShareTheSourceList() {
        List<ChatSession> source = new ArrayList<>(List.of(s("a", "waiting")));
        SessionList l = SessionList.copyOf(source);
        source.add(s("b", "waiting"));

        assertThat(SessionList.copyOf(l)).isSameAs(l);
        assertThat(l).extracting(ChatSession::id).containsExactly("a");
    }

    @Test
    void findsThePositionOfTheFirstSessionWithAnId() {
        SessionList l = list(s("a", "waiting"), s("b", "waiting"), s("a", "active"));

        assertThat(l.position("a")).isZero();
        assertThat(l.position("b")).isEqualTo(1);
        assertThat(l.position("x")).isEqualTo(-1);
    }

    @Test
    void replacesInPlaceWithoutChangingTheOriginal() {
        SessionList l = list(s("a", "waiting"), s("b", "waiting"), s("c", "waiting"));

        SessionList next = l.withReplaced(new int[] {2, 0}, new ChatSession[] {s("c", "ended"), s("a", "active")}, 2);

        assertThat(next).containsExactly(s("a", "active"), s("b", "waiting"), s("c", "ended"));
        assertThat(next.position("c")).isEqualTo(2);
        assertThat(l).containsExactly(s("a", "waiting"), s("b", "waiting"), s("c", "waiting"));
    }

    @Test
    void refusesAnInPlaceReplacementWithAnotherId() {
        SessionList l = list(s("a", "waiting"), s("b", "waiting"));

        assertThatThrownBy(() -> l.withReplaced(new int[] {0}, new ChatSession[] {s("b", "active")}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 0");
    }

    @Test
    void rebuildsWithNewcomersFirstRemovalsLeftOutAndReplacementsInPlace() {
        SessionList l = list(s("a", "waiting"), s("b", "waiting"), s("c", "waiting"), s("d", "waiting"));
        l.position("a"); // the index exists before the rebuild, and must not leak into the new list

        SessionList next = l.rebuilt(List.of(s("x", "waiting"), s("y", "waiting")), new int[] {1, 3}, 2,
                new int[] {2}, new ChatSession[] {s("c", "active")}, 1);

        assertThat(next).containsExactly(s("x", "waiting"), s("y", "waiting"), s("a", "waiting"), s("c", "active"));
        assertThat(next.position("c")).isEqualTo(3);
        assertThat(next.position("x")).isZero();
        assertThat(next.position("b")).isEqualTo(-1);
    }

    @Test
    void snapshotKeepsASessionListInsteadOfCopyingIt() {
        SessionList l = list(s("a", "waiting"));

        Snapshot snapshot = new Snapshot("e", 1, NOW, l, ChatMetrics.EMPTY);

        assertThat(snapshot.sessions()).isSameAs(l);
        assertThat(snapshot).isEqualTo(new Snapshot("e", 1, NOW, List.of(s("a", "waiting")), ChatMetrics.EMPTY));
    }
}
