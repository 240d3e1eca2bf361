package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.MapSnapshotBuilder;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every setter of {@link SessionFeed.Builder} rejects bad values with a message naming property and value. */
class SessionFeedBuilderTest {

    private static SessionFeed.Builder builder() {
        return SessionFeed.builder(new MapSnapshotBuilder(), new ManualChangeSource());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("coalesceWindow", "-1ms", b -> b.coalesceWindow(Duration.ofMillis(-1))),
                bad("coalesceWindow", "PT11S", b -> b.coalesceWindow(Duration.ofSeconds(11))),
                bad("maxCoalesceDelay", "0ms", b -> b.maxCoalesceDelay(Duration.ZERO)),
                bad("maxCoalesceDelay", "PT1M1S", b -> b.maxCoalesceDelay(Duration.ofSeconds(61))),
                bad("replayWindow", "-1", b -> b.replayWindow(-1)),
                bad("replayWindow", "1000001", b -> b.replayWindow(1_000_001)),
                bad("reconcileInterval", "999ms", b -> b.reconcileInterval(Duration.ofMillis(999))),
                bad("reconcileInterval", "-1000ms", b -> b.reconcileInterval(Duration.ofSeconds(-1))),
                bad("reconcileInterval", "PT25H", b -> b.reconcileInterval(Duration.ofHours(25))),
                bad("retryInitialBackoff", "0ms", b -> b.retryBackoff(Duration.ZERO, Duration.ofSeconds(1))),
                bad("retryInitialBackoff", "PT11M", b -> b.retryBackoff(Duration.ofMinutes(11), Duration.ofMinutes(11))),
                bad("retryMaxBackoff", "50ms", b -> b.retryBackoff(Duration.ofMillis(100), Duration.ofMillis(50))),
                bad("retryMaxBackoff", "PT11M", b -> b.retryBackoff(Duration.ofMillis(100), Duration.ofMinutes(11))),
                bad("maxBatchIds", "0", b -> b.maxBatchIds(0)),
                bad("maxBatchIds", "100001", b -> b.maxBatchIds(100_001)),
                bad("epoch", "''", b -> b.epoch("")),
                bad("epoch", "'has space'", b -> b.epoch("has space")),
                bad("epoch", "'" + "x".repeat(65) + "'", b -> b.epoch("x".repeat(65))));
    }

    private static Arguments bad(String property, String shownValue, Consumer<SessionFeed.Builder> setter) {
        return Arguments.of(property, shownValue, setter);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("badValues")
    void rejectsABadValueNamingPropertyAndValue(String property, String shownValue, Consumer<SessionFeed.Builder> setter) {
        assertThatThrownBy(() -> setter.accept(builder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(property + " ")
                .hasMessageContaining(shownValue);
    }

    static Stream<Arguments> nullValues() {
        return Stream.of(
                bad("coalesceWindow", "", b -> b.coalesceWindow(null)),
                bad("maxCoalesceDelay", "", b -> b.maxCoalesceDelay(null)),
                bad("reconcileInterval", "", b -> b.reconcileInterval(null)),
                bad("retryInitialBackoff", "", b -> b.retryBackoff(null, Duration.ofSeconds(1))),
                bad("retryMaxBackoff", "", b -> b.retryBackoff(Duration.ofSeconds(1), null)),
                bad("threadFactory", "", b -> b.threadFactory(null)),
                bad("clock", "", b -> b.clock(null)),
                bad("observer", "", b -> b.observer(null)),
                bad("epoch", "", b -> b.epoch(null)));
    }

    @ParameterizedTest(name = "{0} = null")
    @MethodSource("nullValues")
    void rejectsNullNamingTheProperty(String property, String unused, Consumer<SessionFeed.Builder> setter) {
        assertThatThrownBy(() -> setter.accept(builder()))
                .isInstanceOf(NullPointerException.class)
                .hasMessage(property);
    }

    @Test
    void acceptsTheBoundaryValues() {
        SessionFeed.Builder b = builder()
                .coalesceWindow(Duration.ZERO).coalesceWindow(Duration.ofSeconds(10))
                .maxCoalesceDelay(Duration.ofMillis(1)).maxCoalesceDelay(Duration.ofSeconds(60))
                .replayWindow(0).replayWindow(1_000_000)
                .reconcileInterval(Duration.ZERO).reconcileInterval(Duration.ofSeconds(1)).reconcileInterval(Duration.ofHours(24))
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(1)).retryBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10))
                .maxBatchIds(1).maxBatchIds(100_000)
                .epoch("a").epoch("A-z_0".repeat(12) + "abcd");

        assertThat(b.replayWindow()).isEqualTo(1_000_000);
        assertThat(b.epoch()).hasSize(64);
        try (SessionFeed feed = b.build()) {
            assertThat(feed.epoch()).isEqualTo(b.epoch());
        }
    }

    @Test
    void documentsItsDefaults() {
        SessionFeed.Builder b = builder();

        assertThat(b.coalesceWindow()).isEqualTo(Duration.ZERO);
        assertThat(b.maxCoalesceDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.replayWindow()).isEqualTo(1024);
        assertThat(b.reconcileInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(b.retryInitialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(b.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.maxBatchIds()).isEqualTo(500);
        assertThat(b.threadFactory()).isNull();
        assertThat(b.observer()).isSameAs(FeedObserver.NOOP);
        assertThat(b.epoch()).isNull();
    }

    @Test
    void rejectsNullCollaborators() {
        assertThatThrownBy(() -> SessionFeed.builder(null, new ManualChangeSource()))
                .isInstanceOf(NullPointerException.class).hasMessage("snapshots");
        assertThatThrownBy(() -> SessionFeed.builder(new MapSnapshotBuilder(), null))
                .isInstanceOf(NullPointerException.class).hasMessage("source");
    }
}
