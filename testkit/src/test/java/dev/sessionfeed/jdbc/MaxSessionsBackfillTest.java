package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 8: above {@link SessionTable#maxSessions()}, a by-id refresh that deletes, archives or scopes out a
 * shown session back-fills the next one, so the list shows what a full read shows (before: one fewer per removal
 * until the next full rebuild; a fresh client saw 4,999 of 5,000 for a minute).
 */
@SessionFeedPostgres
class MaxSessionsBackfillTest {

    /** A change source that never signals: the test refreshes by id itself. */
    private static final class Quiet implements SessionChangeSource {
        @Override public void start(ChangeListener listener) { }
        @Override public FeedStatus status() { return FeedStatus.LIVE; }
        @Override public void close() { }
    }

    private final TestDatabase db;

    MaxSessionsBackfillTest(TestDatabase db) {
        this.db = db;
    }

    private static List<String> ids(List<ChatSession> sessions) {
        return sessions.stream().map(ChatSession::id).toList();
    }

    @BeforeEach
    void fiveSessions() {
        SessionFixtures.deleteAll(db);
        for (int i = 0; i < 5; i++) {
            SessionFixtures.insertSession(db, "s-" + i, "waiting", Duration.ofMinutes(10 + i)); // s-0 newest
        }
    }

    @Test
    void deletingArchivingOrEndingLongAgoAShownSessionBackFillsTheNextOne() throws Exception {
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().maxSessions(3).build()).build();
        try (SessionFeed feed = SessionFeed.builder(builder, new Quiet()).build()) {
            feed.start();
            assertThat(ids(feed.current().sessions())).containsExactly("s-0", "s-1", "s-2");

            SessionFixtures.deleteSession(db, "s-1");
            long seq = feed.refresh(Set.of("s-1")).get(30, TimeUnit.SECONDS);
            assertThat(ids(feed.current().sessions())).containsExactly("s-0", "s-2", "s-3")
                    .containsExactlyElementsOf(ids(builder.buildFull().sessions()));
            SessionDelta delta = feed.replaySince(feed.epoch(), seq - 1).deltas().get(0);
            assertThat(delta.removed()).containsExactly("s-1");
            assertThat(ids(delta.upserted())).containsExactly("s-3");

            SessionFixtures.updateStatus(db, "s-0", "archived");
            feed.refresh(Set.of("s-0")).get(30, TimeUnit.SECONDS);
            assertThat(ids(feed.current().sessions())).containsExactly("s-2", "s-3", "s-4");

            // Out of scope: ended longer ago than the retention.
            db.execute("UPDATE chat_sessions SET status = 'ended', ended_at = now() - INTERVAL '2 days' WHERE session_id = 's-2'");
            feed.refresh(Set.of("s-2")).get(30, TimeUnit.SECONDS);
            assertThat(ids(feed.current().sessions())).containsExactly("s-3", "s-4")
                    .containsExactlyElementsOf(ids(builder.buildFull().sessions()));
        }
    }

    @Test
    void aRefreshBelowTheCapStaysARefreshById() throws Exception {
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().maxSessions(10).build()).build();
        try (SessionFeed feed = SessionFeed.builder(builder, new Quiet()).build()) {
            feed.start();
            long fullBefore = feed.stats().rebuildsFull();
            SessionFixtures.deleteSession(db, "s-1");
            feed.refresh(Set.of("s-1")).get(30, TimeUnit.SECONDS);
            assertThat(ids(feed.current().sessions())).containsExactly("s-0", "s-2", "s-3", "s-4");
            assertThat(feed.stats().rebuildsFull()).isEqualTo(fullBefore);
        }
    }
}
