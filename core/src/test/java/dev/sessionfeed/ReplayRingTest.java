package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayRingTest {

    private static SessionDelta delta(long seq) {
        return new SessionDelta("e", seq, seq - 1, Instant.EPOCH, List.of(), List.of("id" + seq), null);
    }

    private static ReplayRing filled(int capacity, int deltas) {
        ReplayRing ring = new ReplayRing(capacity);
        for (int seq = 1; seq <= deltas; seq++) {
            ring.add(delta(seq));
        }
        return ring;
    }

    @Test
    void keepsTheMostRecentDeltasUpToItsCapacity() {
        ReplayRing ring = filled(100, 250);

        assertThat(ring.size()).isEqualTo(100);
        assertThat(ring.after(150)).extracting(SessionDelta::seq).first().isEqualTo(151L);
        assertThat(ring.after(150)).hasSize(100);
        assertThat(ring.after(149)).isNull();
        assertThat(ring.after(249)).extracting(SessionDelta::seq).containsExactly(250L);
        assertThat(ring.after(250)).isEmpty();
        assertThat(ring.after(251)).isNull();
    }

    @Test
    void growsBeyondItsInitialArrayWithoutLosingOrder() {
        ReplayRing ring = filled(1_000, 700);

        assertThat(ring.after(0)).extracting(SessionDelta::seq).startsWith(1L, 2L).endsWith(699L, 700L).hasSize(700);
    }

    @Test
    void aZeroCapacityRingRetainsNothing() {
        ReplayRing ring = filled(0, 3);

        assertThat(ring.size()).isZero();
        assertThat(ring.after(2)).isNull();
    }

    @Test
    void rejectsAGap() {
        ReplayRing ring = filled(10, 2);

        assertThatThrownBy(() -> ring.add(delta(4))).isInstanceOf(IllegalStateException.class).hasMessageContaining("4");
    }
}
