package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeAction;
import org.junit.jupiter.api.Test;

class ManualChangeSourceTest {

    @Test
    void reportsWhatTheTestFiresToTheStartedListenerInOrder() {
        ManualChangeSource source = new ManualChangeSource();
        RecordingChangeListener listener = new RecordingChangeListener();
        source.start(listener);

        source.changed("a");
        source.fire(ChangeAction.DELETE, "b");
        source.resync("reconnected");
        source.reportStatus(FeedStatus.DEGRADED, "polling");

        assertThat(source.started()).isTrue();
        assertThat(listener.lines()).containsExactly("change:UPDATE:a", "change:DELETE:b", "resync:reconnected",
                "status:DEGRADED:polling");
        assertThat(source.status()).isEqualTo(FeedStatus.DEGRADED);
    }

    @Test
    void refusesToFireBeforeStartAndToStartTwice() {
        ManualChangeSource source = new ManualChangeSource();

        assertThat(source.started()).isFalse();
        assertThatThrownBy(() -> source.changed("a")).isInstanceOf(IllegalStateException.class).hasMessage("source not started");
        source.start(new RecordingChangeListener());
        assertThatThrownBy(() -> source.start(new RecordingChangeListener())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void countsClosesAndCanFailToStart() {
        ManualChangeSource source = new ManualChangeSource();
        source.failStartWith(new IllegalStateException("cannot listen"));

        assertThatThrownBy(() -> source.start(new RecordingChangeListener())).hasMessage("cannot listen");
        assertThat(source.started()).isFalse();
        source.close();
        source.close();
        assertThat(source.closes()).isEqualTo(2);
    }
}
