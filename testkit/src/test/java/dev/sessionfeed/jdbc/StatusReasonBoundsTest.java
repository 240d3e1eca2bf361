package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.RecordingChangeListener;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 10: the status reason reaches every dashboard. SessionFeed's own sources send fixed sentences
 * (see the pg-listener's NeverStaleWhileLiveTest and the polling source below); a host's source that passes on a
 * long, multi-line driver message is cut to 200 characters with its control characters replaced.
 */
@SessionFeedPostgres
class StatusReasonBoundsTest {

    @Test
    void aHostSourcesReasonIsBoundedAndHasNoControlCharacters(TestDatabase db) {
        ManualChangeSource source = new ManualChangeSource();
        try (SessionFeed feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source).build()) {
            feed.start();
            String driverText = "Connection to db.internal:5432 refused.\n\u001b[31mforged line\r\n" + "x".repeat(1000);
            source.reportStatus(FeedStatus.DEGRADED, driverText);
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
        RecordingChangeListener listener = new RecordingChangeListener();
        try (PollingChangeSource source = PollingChangeSource.builder(closed).interval(java.time.Duration.ofMillis(100)).build()) {
            source.start(listener);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                    .until(() -> listener.last() != null && listener.last().toString().startsWith("status:RECOVERING"));
            assertThat(listener.last()).hasToString("status:RECOVERING:polling query failed");
        }
    }
}
