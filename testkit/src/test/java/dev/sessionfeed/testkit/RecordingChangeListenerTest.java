package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordingChangeListenerTest {

    @Test
    void recordsEveryReportInOrderByKind() {
        RecordingChangeListener r = new RecordingChangeListener();
        r.onResync("listener connected");
        r.onChange(ChangeSignal.of(ChangeAction.INSERT, "a"));
        r.onStatus(FeedStatus.LIVE, "listening");

        assertThat(r.lines()).containsExactly("resync:listener connected", "change:INSERT:a", "status:LIVE:listening");
        assertThat(r.resyncs()).containsExactly("listener connected");
        assertThat(r.signals()).extracting(ChangeSignal::sessionId).containsExactly("a");
        assertThat(r.statuses()).containsExactly(FeedStatus.LIVE);
        assertThat(r.sawSignalFor("a")).isTrue();
        assertThat(r.sawSignalFor("b")).isFalse();
        assertThat(r.last().kind()).isEqualTo(RecordingChangeListener.Kind.STATUS);
        assertThat(r.size()).isEqualTo(3);
    }

    @Test
    void awaitReturnsWhenAnotherThreadReportsAndFailsNamingTheEventsAfterTheDeadline() throws Exception {
        RecordingChangeListener r = new RecordingChangeListener();
        CompletableFuture<ChangeSignal> waiter = CompletableFuture.supplyAsync(() -> r.awaitSignalFor("b", Duration.ofSeconds(10)));
        r.onChange(ChangeSignal.of(ChangeAction.UPDATE, "a"));
        r.onChange(ChangeSignal.of(ChangeAction.UPDATE, "b"));

        assertThat(waiter.get(10, TimeUnit.SECONDS).sessionId()).isEqualTo("b");
        assertThat(r.awaitSignals(2, Duration.ofSeconds(1))).hasSize(2);
        assertThatThrownBy(() -> r.awaitResync("never", Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("change:UPDATE:a");
        assertThatThrownBy(() -> r.await(2, e -> true, Duration.ofMillis(20))).isInstanceOf(AssertionError.class);
    }

    @Test
    void tapsASourceSoThatTheFeedHearsEachReportOnce() {
        RecordingChangeListener feed = new RecordingChangeListener();
        RecordingChangeListener tap = new RecordingChangeListener();
        ManualChangeSource source = new ManualChangeSource();
        tap.tap(source).start(feed);

        source.changed("a");
        source.reportStatus(FeedStatus.RECOVERING, "database down");

        assertThat(tap.lines()).containsExactly("change:UPDATE:a", "status:RECOVERING:database down");
        assertThat(feed.lines()).containsExactly("change:UPDATE:a", "status:RECOVERING:database down");
        assertThat(tap.awaitStatus(FeedStatus.RECOVERING, Duration.ofSeconds(1)).reason()).isEqualTo("database down");
    }

    @Test
    void forwardsEachReportAfterRecordingIt() {
        RecordingChangeListener downstream = new RecordingChangeListener();
        RecordingChangeListener tee = RecordingChangeListener.forwardingTo(downstream);

        tee.onResync("polling started");
        tee.onChange(ChangeSignal.of(ChangeAction.TRUNCATE, null));

        assertThat(tee.lines()).containsExactly("resync:polling started", "change:TRUNCATE:null");
        assertThat(downstream.lines()).isEqualTo(tee.lines());
    }
}
