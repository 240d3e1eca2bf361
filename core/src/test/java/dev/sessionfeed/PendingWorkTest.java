package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PendingWorkTest {

    private static final long NEVER = 0;

    private static PendingWork work(int maxBatchIds) {
        return new PendingWork(Duration.ZERO, Duration.ofMillis(100), maxBatchIds);
    }

    @Test
    void takesEverythingPendingAsOneBatch() throws Exception {
        PendingWork w = work(10);
        w.signal("a");
        w.signal("b");
        w.signal("a");
        CompletableFuture<Long> waiter = new CompletableFuture<>();
        w.refresh(List.of("c"), waiter);

        PendingWork.Batch b = w.take(false, NEVER, false, NEVER);

        assertThat(b.full()).isFalse();
        assertThat(b.ids()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(b.signals()).isEqualTo(3);
        assertThat(b.waiters()).containsExactly(waiter);
    }

    @Test
    void tooManyIdsBecomeAFullRebuild() throws Exception {
        PendingWork w = work(2);
        w.signal("a");
        w.signal("b");
        w.signal("c");
        w.signal("d");

        PendingWork.Batch b = w.take(false, NEVER, false, NEVER);

        assertThat(b.full()).isTrue();
        assertThat(b.ids()).isEmpty();
        assertThat(b.signals()).isEqualTo(4);
    }

    @Test
    void restorePutsAFailedReadBackWithoutItsWaiters() throws Exception {
        PendingWork w = work(10);
        w.refresh(Set.of("a"), new CompletableFuture<>());
        PendingWork.Batch failed = w.take(false, NEVER, false, NEVER);

        w.restore(failed);
        PendingWork.Batch retry = w.take(false, NEVER, false, NEVER);

        assertThat(retry.ids()).containsExactly("a");
        assertThat(retry.waiters()).isEmpty();
    }

    @Test
    void reportsAReconcileOnceTheWakeTimePassedWithoutWork() throws Exception {
        PendingWork w = work(10);

        PendingWork.Batch b = w.take(false, NEVER, true, System.nanoTime());

        assertThat(b.reconcileDue()).isTrue();
        assertThat(b.hasWork()).isFalse();
    }

    @Test
    void wakesForAStatusChangeWithoutTakingWorkThatIsBackingOff() throws Exception {
        PendingWork w = work(10);
        w.signal("a");
        w.statusChanged();

        PendingWork.Batch b = w.take(true, System.nanoTime() + Duration.ofHours(1).toNanos(), false, NEVER);

        assertThat(b.hasWork()).isFalse();
        assertThat(b.reconcileDue()).isFalse();
    }

    @Test
    void closeReturnsTheWaitersAndRefusesNewWork() throws Exception {
        PendingWork w = work(10);
        CompletableFuture<Long> waiter = new CompletableFuture<>();
        w.refresh(Set.of("a"), waiter);

        assertThat(w.close()).containsExactly(waiter);
        assertThat(w.refresh(Set.of("b"), new CompletableFuture<>())).isFalse();
        assertThat(w.take(false, NEVER, false, NEVER)).isNull();
        assertThat(w.isClosed()).isTrue();
    }
}
