package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 10: the status reason reaches every dashboard. SessionFeed's own sources send fixed sentences
 * (see the pg-listener's NeverStaleWhileLiveTest and the polling source below); a host's source that passes on a
 * long, multi-line driver message is cut to 200 characters with its control characters replaced.
 */
@SessionFeedPostgres
class StatusReasonBoundsTest {

    /** A source whose status the test reports by hand. */
    private static final class Manual implements SessionChangeSource {
        final AtomicReference<ChangeListener> listener = new AtomicReference<>();
        @Override public void start(ChangeListener l) { listener.set(l); }
        @Override public FeedStatus status() { return FeedStatus.LIVE; }
        @Override public void close() { }
    }

    @Test
    void aHostSourcesReasonIsBoundedAndHasNoControlCharacters(TestDatabase db) {
        Manual source = new Manual();
        try (SessionFeed feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source).build()) {
            feed.start();
            String driverText = "Connection to db.internal:5432 refused.\n\u001b[31mforged line\r\n" + "x".repeat(1000);
            source.listener.get().onStatus(FeedStatus.DEGRADED, driverText);
            assertThat(feed.statusReason()).hasSize(200).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b")
                    .startsWith("Connection to db.internal:5432 refused.").endsWith("\u2026");
        }
    }

    @Test
    void thePollingSourceReportsAFixedSentenceWhenItsQueryFails(TestDatabase db) throws Exception {
        org.postgresql.ds.PGSimpleDataSource closed = new org.postgresql.ds.PGSimpleDataSource();
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        closed.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + db.databaseName());
        RecordingListener listener = new RecordingListener();
        try (PollingChangeSource source = PollingChangeSource.builder(closed).interval(java.time.Duration.ofMillis(100)).build()) {
            source.start(listener);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> listener.last() != null && listener.last().startsWith("status:RECOVERING"));
            assertThat(listener.last()).isEqualTo("status:RECOVERING:polling query failed");
        }
    }
}
