package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.SessionDelta;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recent deltas a merged delta is built from. */
class DeltaWindowTest {

    private static SessionDelta delta(String epoch, long seq, long prevSeq) {
        return new SessionDelta(epoch, seq, prevSeq, Instant.EPOCH, List.of(), List.of(), null);
    }

    private static List<Long> seqs(List<SessionDelta> deltas) {
        return deltas.stream().map(SessionDelta::seq).toList();
    }

    @Test
    void returnsTheChangesBetweenTwoSeqs() {
        DeltaWindow w = new DeltaWindow(8);
        for (long seq = 1; seq <= 6; seq++) {
            w.add(delta("e", seq, seq - 1));
        }
        assertThat(seqs(w.between(2, 5))).containsExactly(3L, 4L, 5L);
        assertThat(seqs(w.between(0, 6))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void answersNullForChangesThatLeftTheWindowOrHaveNotArrived() {
        DeltaWindow w = new DeltaWindow(2);
        for (long seq = 1; seq <= 6; seq++) {
            w.add(delta("e", seq, seq - 1));
        }
        assertThat(w.between(1, 6)).isNull(); // seq 2..4 are gone
        assertThat(seqs(w.between(4, 6))).containsExactly(5L, 6L);
        assertThat(w.between(5, 7)).isNull();
    }

    @Test
    void aDeltaThatDoesNotContinueTheChainStartsANewOne() {
        DeltaWindow w = new DeltaWindow(8);
        w.add(delta("e", 1, 0));
        w.add(delta("e", 2, 1));
        w.add(delta("f", 1, 0)); // another epoch

        assertThat(w.between(0, 2)).isNull();
        assertThat(seqs(w.between(0, 1))).containsExactly(1L);
    }

    @Test
    void anEmptyWindowHoldsNothing() {
        DeltaWindow w = new DeltaWindow(0);
        w.add(delta("e", 1, 0));
        assertThat(w.between(0, 1)).isNull();
    }
}
