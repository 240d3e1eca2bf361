package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class SessionFixturesTest {

    private final TestDatabase db;

    SessionFixturesTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void emptyTable() {
        SessionFixtures.deleteAll(db);
    }

    @Test
    void seedsSessionsWhoseTimestampsAndAgentsFitTheirStatus() {
        List<String> ids = SessionFixtures.seed(db, 60, new Random(5));

        assertThat(ids).hasSize(60).doesNotHaveDuplicates();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions")).isEqualTo(60);
        assertThat(db.queryForLong("SELECT count(DISTINCT status) FROM chat_sessions")).isGreaterThanOrEqualTo(3);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE status = 'waiting'"
                + " AND (agent_id IS NOT NULL OR ended_at IS NOT NULL OR first_response_at IS NOT NULL)")).isZero();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE status IN ('ended', 'archived')"
                + " AND (ended_at IS NULL OR ended_at < created_at OR ended_at > now())")).isZero();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE status = 'active'"
                + " AND (agent_id IS NULL OR first_response_at < created_at)")).isZero();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE status = 'archived' AND archived_at IS NULL")).isZero();
    }

    @Test
    void statusChangesKeepTheRowConsistentAndTouchUpdatedAt() {
        SessionFixtures.insertSession(db, "s", "waiting");
        db.execute("UPDATE chat_sessions SET updated_at = now() - interval '1 day'");

        assertThat(SessionFixtures.updateStatus(db, "s", "ended")).isEqualTo(1);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE ended_at IS NOT NULL AND agent_id IS NOT NULL"
                + " AND updated_at > now() - interval '1 minute'")).isEqualTo(1);
        SessionFixtures.updateStatus(db, "s", "active");
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE ended_at IS NULL")).isEqualTo(1);
        assertThat(SessionFixtures.addMessage(db, "s")).isEqualTo(1);
        assertThat(SessionFixtures.updateStatus(db, "missing", "ended")).isZero();
        assertThat(SessionFixtures.deleteSession(db, "s")).isEqualTo(1);
    }

    @Test
    void randomChangesKeepTheIdListInStepWithTheTable() {
        Random random = new Random(9);
        List<String> ids = new ArrayList<>(SessionFixtures.seed(db, "r", 10, random));

        for (int i = 0; i < 60; i++) {
            SessionFixtures.randomChange(db, ids, random, "r");
        }

        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions")).isEqualTo(ids.size());
    }
}
