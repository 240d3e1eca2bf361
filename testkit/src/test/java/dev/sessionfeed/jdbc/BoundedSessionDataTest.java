package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12, item 5: session data is bounded per text field and per session, in the read statement, and one bad row
 * never stops the feed (before: a 100 MB {@code subject} reached the driver on every read, and a blank id failed
 * every read, leaving the feed {@code recovering} until the row was deleted).
 */
@SessionFeedPostgres
class BoundedSessionDataTest {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedSessionDataTest.class);
    private static final String MARKER = "\u2026";

    /** A change source that never signals. */
    private static final class Quiet implements SessionChangeSource {
        @Override public void start(ChangeListener listener) { }
        @Override public FeedStatus status() { return FeedStatus.LIVE; }
        @Override public void close() { }
    }

    private final TestDatabase db;

    BoundedSessionDataTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void clean() {
        SessionFixtures.deleteAll(db);
        // A host schema without the shipped id check, as in the attack.
        db.execute("ALTER TABLE chat_sessions DROP CONSTRAINT IF EXISTS chat_sessions_session_id_length");
    }

    @AfterEach
    void dropAttributeColumns() {
        db.execute("ALTER TABLE chat_sessions DROP COLUMN IF EXISTS notes, DROP COLUMN IF EXISTS tags");
    }

    private static ChatSession find(List<ChatSession> sessions, String id) {
        return sessions.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aHundredMegabyteSubjectIsCutInTheStatementAndTheFeedStaysLive() throws Exception {
        SessionFixtures.insertSession(db, "normal", "waiting");
        SessionFixtures.insertSession(db, "huge", "waiting");
        db.execute("UPDATE chat_sessions SET subject = repeat('x', 100 * 1024 * 1024) WHERE session_id = 'huge'");
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource()).build();

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        SnapshotRead read = builder.buildFull();
        LOG.info("full read with a 100 MB subject in the table: {} ms, {} MB allocated by the reading thread",
                (System.nanoTime() - t0) / 1_000_000, (threads.getCurrentThreadAllocatedBytes() - a0) / (1024 * 1024));
        String subject = find(read.sessions(), "huge").subject();
        assertThat(subject).hasSize(SessionTable.defaults().maxTextLength()).isEqualTo("x".repeat(499) + MARKER);

        try (SessionFeed feed = SessionFeed.builder(builder, new Quiet()).build()) {
            feed.start();
            assertThat(feed.status()).isEqualTo(FeedStatus.LIVE);
            assertThat(feed.current().sessions()).extracting(ChatSession::id).containsExactlyInAnyOrder("normal", "huge");
            db.execute("UPDATE chat_sessions SET message_count = 7 WHERE session_id = 'huge'");
            feed.refresh(Set.of("huge")).get(60, TimeUnit.SECONDS);
            assertThat(find(feed.current().sessions(), "huge").messageCount()).isEqualTo(7);
            assertThat(find(feed.current().sessions(), "huge").subject()).hasSize(500);
            assertThat(feed.status()).isEqualTo(FeedStatus.LIVE);
        }
    }

    @Test
    void textIsCutByCharactersNotUtf16UnitsWithTheMarkerLast() {
        SessionFixtures.insertSession(db, "emoji", "waiting");
        String smile = new String(Character.toChars(0x1F600));
        db.execute("UPDATE chat_sessions SET visitor_name = ?, agent_name = ? WHERE session_id = 'emoji'",
                smile.repeat(30), smile.repeat(20));
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().maxTextLength(20).maxSessionBytes(480).build()).build();
        ChatSession s = find(builder.buildFull().sessions(), "emoji");
        assertThat(s.visitorName()).isEqualTo(smile.repeat(19) + MARKER);
        assertThat(s.agentName()).as("exactly at the cap: untouched").isEqualTo(smile.repeat(20));
    }

    @Test
    void aSessionAboveMaxSessionBytesIsShownWithoutItsAttributes() {
        db.execute("ALTER TABLE chat_sessions ADD COLUMN notes jsonb, ADD COLUMN tags text");
        SessionFixtures.insertSession(db, "small", "waiting");
        SessionFixtures.insertSession(db, "bloated", "waiting");
        db.execute("UPDATE chat_sessions SET notes = '{\"a\":1}', tags = 'vip' WHERE session_id = 'small'");
        db.execute("UPDATE chat_sessions SET notes = jsonb_build_object('pad', repeat('y', 1000000)), tags = 'vip' "
                + "WHERE session_id = 'bloated'");
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().attributeColumn("notes").attributeColumn("tags").build()).build();
        List<ChatSession> sessions = builder.buildFull().sessions();
        assertThat(find(sessions, "small").attributes()).isEqualTo(Map.of("notes", Map.of("a", 1), "tags", "vip"));
        assertThat(find(sessions, "bloated").attributes()).isEqualTo(Map.of("notes", MARKER, "tags", MARKER));
        assertThat(find(sessions, "bloated").status()).isEqualTo("waiting");
    }

    @Test
    void aRowWithABlankOrOverLongIdIsLeftOutAndTheFeedStaysLive() {
        SessionFixtures.insertSession(db, "fine", "waiting");
        db.execute("INSERT INTO chat_sessions (session_id) VALUES (''), (?)", "l".repeat(257));
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource()).build();
        try (SessionFeed feed = SessionFeed.builder(builder, new Quiet()).build()) {
            feed.start();
            assertThat(feed.status()).isEqualTo(FeedStatus.LIVE);
            assertThat(feed.current().sessions()).extracting(ChatSession::id).containsExactly("fine");
        }
    }

    @Test
    void theSessionBudgetMustHoldTheTextFields() {
        assertThatThrownBy(() -> SessionTable.builder().maxTextLength(1000).maxSessionBytes(16_384).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSessionBytes").hasMessageContaining("24000").hasMessageContaining("16384");
        assertThat(SessionTable.defaults().maxTextLength()).isEqualTo(500);
        assertThat(SessionTable.defaults().maxSessionBytes()).isEqualTo(16_384);
    }
}
