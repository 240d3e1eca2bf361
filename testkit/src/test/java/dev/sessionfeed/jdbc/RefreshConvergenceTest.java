package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.testkit.FeedStateClient;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * By-id refreshes, turned into deltas the way the feed engine does, keep a client equal to a fresh full read:
 * the contract between {@code refresh(ids)} and {@code buildFull()} that the engine relies on.
 */
@SessionFeedPostgres
class RefreshConvergenceTest {

    @Test
    void deltasFromByIdRefreshesKeepAClientEqualToAFullRead(TestDatabase db) {
        JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(db.dataSource()).build();
        for (long seed : new long[] {1, 2}) {
            SessionFixtures.deleteAll(db);
            Random random = new Random(seed);
            List<String> ids = new ArrayList<>(SessionFixtures.seed(db, "r" + seed, 20, random));
            FeedStateClient client = new FeedStateClient();
            client.applySnapshot(FeedStateClient.readDatabase(db));
            long seq = client.seq();
            for (int step = 0; step < 20; step++) {
                Set<String> touched = new LinkedHashSet<>();
                int changes = 1 + random.nextInt(3);
                List<String> log = new ArrayList<>();
                for (int i = 0; i < changes; i++) {
                    String change = SessionFixtures.randomChange(db, ids, random, "r" + seed);
                    log.add(change);
                    touched.add(change.split(" ")[1]);
                }
                SnapshotRead read = builder.refresh(touched);
                Set<String> found = read.sessions().stream().map(ChatSession::id).collect(Collectors.toSet());
                List<String> removed = touched.stream().filter(id -> !found.contains(id)).collect(Collectors.toList());
                seq++;
                assertThat(client.applyDelta(new SessionDelta(client.epoch(), seq, seq - 1, read.readAt(), read.sessions(),
                        removed, read.metrics()))).isTrue();

                assertThat(client.differencesFrom(FeedStateClient.readDatabase(db)))
                        .as("seed %d step %d after %s", seed, step, log).isEmpty();
            }
            assertThat(client.gaps()).isEmpty();
        }
    }
}
