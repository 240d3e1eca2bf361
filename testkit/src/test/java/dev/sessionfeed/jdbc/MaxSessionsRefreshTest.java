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
import org.junit.jupiter.api.Test;

/**
 * {@link SessionTable#maxSessions()} holds for by-id refreshes too: a refresh that brings a new session into a full
 * list shows what a full read would (the newest {@code maxSessions}), and publishes the one pushed out as removed.
 */
@SessionFeedPostgres
class MaxSessionsRefreshTest {

    /** A change source that never signals: the test refreshes by id itself. */
    private static final class Quiet implements SessionChangeSource {
        @Override public void start(ChangeListener listener) { }
        @Override public FeedStatus status() { return FeedStatus.LIVE; }
        @Override public void close() { }
    }

    private static List<String> ids(List<ChatSession> sessions) {
        return sessions.stream().map(ChatSession::id).toList();
    }

    @Test
    void aRefreshBringingInANewSessionBeyondTheCapShowsWhatAFullReadShows(TestDatabase db) throws Exception {
        SessionFixtures.deleteAll(db);
        for (int i = 0; i < 3; i++) {
            SessionFixtures.insertSession(db, "old-" + i, "waiting", Duration.ofMinutes(10 + i));
        }
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().maxSessions(3).build()).build();
        try (SessionFeed feed = SessionFeed.builder(builder, new Quiet()).build()) {
            feed.start();
            assertThat(ids(feed.current().sessions())).containsExactly("old-0", "old-1", "old-2");

            SessionFixtures.insertSession(db, "new", "waiting", Duration.ofMinutes(1));
            long seq = feed.refresh(Set.of("new")).get(30, TimeUnit.SECONDS);

            assertThat(ids(feed.current().sessions())).containsExactly("new", "old-0", "old-1")
                    .containsExactlyElementsOf(ids(builder.buildFull().sessions()));
            SessionDelta delta = feed.replaySince(feed.epoch(), seq - 1).deltas().get(0);
            assertThat(ids(delta.upserted())).containsExactly("new");
            assertThat(delta.removed()).containsExactly("old-2");
        }
    }
}
