package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static dev.sessionfeed.Sessions.withStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Signals are merged: a burst costs a bounded number of reads, never one per signal. */
class SessionFeedCoalescingTest {

    private static final int BURST = 1_000;

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void closeFeed() {
        h.close();
    }

    private List<ChatSession> seed(int n) {
        List<ChatSession> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sessions.add(session("s" + i, "waiting", i));
        }
        h.db.putAll(sessions);
        return sessions;
    }

    private void changeAll(List<ChatSession> sessions) {
        for (ChatSession s : sessions) {
            h.db.put(withStatus(s, "active", 1));
            h.source.changed(s.id());
        }
    }

    /**
     * Changes every session while the rebuild the first change starts is held in its read, then lets the read
     * go and waits until the feed has caught up.
     *
     * @return the number of reads before the first change
     */
    private int changeAllDuringAHeldRead(List<ChatSession> sessions) throws Exception {
        int readsAtStart = h.db.reads();
        h.db.holdReads();
        changeAll(sessions);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.db.readsStarted() > readsAtStart);
        h.db.releaseReads();
        h.sync();
        return readsAtStart;
    }

    @Test
    void aBurstOfSignalsDuringARebuildIsMergedIntoTheNextRebuild() throws Exception {
        List<ChatSession> sessions = seed(BURST);
        h.start();
        // The first signal starts a rebuild that is held; the other 999 arrive while it runs.
        int readsAtStart = changeAllDuringAHeldRead(sessions);

        // The held read, the one that merged everything that arrived meanwhile, and sync()'s own refresh
        // (which may merge too).
        int rebuilds = h.db.reads() - readsAtStart;
        assertThat(rebuilds).isBetween(2, 3);
        // Usually the held read covers one id and the other 999 exceed maxBatchIds (500): a full read.
        assertThat(h.db.fullReads() - 1).isBetween(1, 2);
        assertThat(h.feed.current().sessions()).isEqualTo(h.db.peek().sessions());
        assertThat(h.out.deltas()).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aBurstBelowMaxBatchIdsIsReadByIdInOneRead() throws Exception {
        List<ChatSession> sessions = seed(BURST);
        h.start(b -> b.maxBatchIds(BURST));
        changeAllDuringAHeldRead(sessions);

        assertThat(h.db.fullReads()).isEqualTo(1);
        List<Set<String>> idSets = h.db.idSets();
        // The held read (1 id), the merged one (999 ids) and sync()'s empty refresh (possibly merged).
        assertThat(idSets).hasSizeBetween(2, 3);
        Set<String> covered = idSets.stream().flatMap(Set::stream).collect(Collectors.toSet());
        assertThat(covered).hasSize(BURST);
        assertThat(h.feed.current().sessions()).isEqualTo(h.db.peek().sessions());
    }

    @Test
    void anUnheldBurstNeedsFarFewerRebuildsThanSignals() throws Exception {
        List<ChatSession> sessions = seed(BURST);
        h.start(b -> b.maxBatchIds(100_000));
        int readsAtStart = h.db.reads();

        changeAll(sessions);
        h.sync();

        assertThat(h.db.reads() - readsAtStart).isLessThan(BURST);
        assertThat(h.feed.current().sessions()).isEqualTo(h.db.peek().sessions());
    }

    @Test
    void aCoalesceWindowMergesSignalsThatArriveWhileIdle() throws Exception {
        List<ChatSession> sessions = seed(100);
        h.start(b -> b.coalesceWindow(Duration.ofSeconds(2)).maxCoalesceDelay(Duration.ofSeconds(30)).maxBatchIds(1_000));
        int readsAtStart = h.db.reads();

        changeAll(sessions);
        await().atMost(Duration.ofSeconds(20)).until(() -> h.feed.current().seq() == 1);

        assertThat(h.db.reads() - readsAtStart).isEqualTo(1);
        assertThat(h.out.deltas()).singleElement().satisfies(d -> assertThat(d.upserted()).hasSize(100));
    }

    @Test
    void maxCoalesceDelayCapsTheWindow() {
        seed(1);
        h.start(b -> b.coalesceWindow(Duration.ofSeconds(10)).maxCoalesceDelay(Duration.ofMillis(50)));

        h.db.put(session("new", "waiting", 5));
        h.source.changed("new");

        // Without the cap the rebuild would wait the 10 s window, longer than this deadline.
        await().atMost(Duration.ofSeconds(5)).until(() -> h.feed.current().seq() == 1);
    }

    @Test
    void signalsForManyIdsDoNotPileUpBeyondMaxBatchIds() throws Exception {
        seed(10);
        h.start(b -> b.maxBatchIds(5));
        h.db.holdReads();
        int readsAtStart = h.db.reads();
        h.source.changed("s0");
        await().atMost(Duration.ofSeconds(10)).until(() -> h.db.readsStarted() > readsAtStart);

        IntStream.range(0, 50).forEach(i -> h.source.changed("gone" + i));
        h.db.releaseReads();
        h.sync();

        assertThat(h.db.idSets()).allSatisfy(ids -> assertThat(ids).hasSizeLessThanOrEqualTo(5));
        assertThat(h.db.fullReads()).isEqualTo(2);
    }
}
