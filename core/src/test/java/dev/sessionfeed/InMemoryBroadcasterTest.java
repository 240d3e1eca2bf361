package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryBroadcasterTest {

    private static SessionDelta delta(long seq) {
        return new SessionDelta("e", seq, seq - 1, Instant.EPOCH, List.of(), List.of("x" + seq), null);
    }

    private static Snapshot snapshot(long seq) {
        return new Snapshot("e", seq, Instant.EPOCH, List.of(), ChatMetrics.EMPTY);
    }

    @Test
    void recordsDeltasStatusAndClose() {
        InMemoryBroadcaster b = new InMemoryBroadcaster();

        b.onDelta(delta(1), snapshot(1));
        b.onStatus(FeedStatus.DEGRADED, "polling");
        b.onDelta(delta(2), snapshot(2));
        b.onClose();

        assertThat(b.deltas()).extracting(SessionDelta::seq).containsExactly(1L, 2L);
        assertThat(b.latestSnapshot().seq()).isEqualTo(2);
        assertThat(b.latestStatus()).isEqualTo(FeedStatus.DEGRADED);
        assertThat(b.statusChanges()).containsExactly(new InMemoryBroadcaster.StatusChange(FeedStatus.DEGRADED, "polling"));
        assertThat(b.isClosed()).isTrue();
        assertThat(b.closeCount()).isEqualTo(1);
    }

    @Test
    void keepsOnlyTheMostRecentDeltasWhenBounded() {
        InMemoryBroadcaster b = new InMemoryBroadcaster(2);
        for (long seq = 1; seq <= 5; seq++) {
            b.onDelta(delta(seq), snapshot(seq));
        }

        assertThat(b.deltas()).extracting(SessionDelta::seq).containsExactly(4L, 5L);
        assertThat(b.deltaCount()).isEqualTo(5);
    }

    @Test
    void startsEmpty() {
        InMemoryBroadcaster b = new InMemoryBroadcaster();

        assertThat(b.deltas()).isEmpty();
        assertThat(b.latestSnapshot()).isNull();
        assertThat(b.latestStatus()).isNull();
        assertThat(b.isClosed()).isFalse();
    }

    @Test
    void rejectsANonPositiveBound() {
        assertThatThrownBy(() -> new InMemoryBroadcaster(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDeltas").hasMessageContaining("0");
    }
}
