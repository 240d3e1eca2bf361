package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class TrafficSimulatorTest {

    @Test
    void seedsSessionsInEveryLiveStateAndThenKeepsChangingThem(TestDatabase db) throws Exception {
        db.installSchema();
        TrafficSimulator.seed(db.dataSource(), 40, 42);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions")).isEqualTo(40);
        assertThat(db.queryForLong("SELECT count(DISTINCT status) FROM chat_sessions")).isEqualTo(3);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE status = 'waiting' AND agent_id IS NOT NULL")).isZero();
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE status = 'ended' AND ended_at IS NULL")).isZero();

        long before = db.queryForLong("SELECT coalesce(sum(message_count), 0) + count(*) FILTER (WHERE status = 'active') FROM chat_sessions");
        try (TrafficSimulator sim = new TrafficSimulator(db.dataSource(), 50, 40, 7)) {
            sim.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> sim.changes() >= 30);
        }
        long after = db.queryForLong("SELECT coalesce(sum(message_count), 0) + count(*) FILTER (WHERE status = 'active') FROM chat_sessions");
        assertThat(after).isNotEqualTo(before);
        assertThat(db.queryForLong("SELECT count(DISTINCT updated_at) FROM chat_sessions")).isGreaterThan(1);
    }
}
