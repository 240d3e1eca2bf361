package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ProtocolCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The conflating mailbox on its own: no threads, no transport, no feed. */
class OutboundQueueTest {

    private static final int MAX_QUEUED = 4;

    private final Metrics metrics = new Metrics();
    private final DeltaWindow window = new DeltaWindow(32);
    private final FrameCache frames = new FrameCache(new ProtocolCodec(), window, metrics);
    private final OutboundQueue queue = new OutboundQueue(MAX_QUEUED, metrics);
    private final List<ChatSession> sessions = new ArrayList<>();

    private static SessionDelta delta(long seq, long prevSeq, List<ChatSession> upserted, ChatMetrics m) {
        return new SessionDelta("e", seq, prevSeq, Instant.EPOCH, upserted, List.of(), m);
    }

    /** Offers the change {@code prevSeq -> seq} (a new session and new metrics). */
    private boolean offer(long seq, long prevSeq, boolean busy) {
        ChatSession s = new ChatSession("s" + seq, "waiting", null, null, null, null, "x", null, null, null, null, 0, null, Map.of());
        sessions.add(s);
        ChatMetrics m = new ChatMetrics(Map.of("n", (int) seq));
        SessionDelta d = delta(seq, prevSeq, List.of(s), m);
        FullFrames full = frames.full(new Snapshot("e", seq, Instant.EPOCH, List.copyOf(sessions), m));
        return queue.offerDelta(d, frames.delta(d), full, busy);
    }

    private List<OutboundQueue.Out> drain() {
        List<OutboundQueue.Out> out = new ArrayList<>();
        for (OutboundQueue.Out o; (o = queue.poll()) != null; ) {
            out.add(o);
        }
        return out;
    }

    @Test
    void ignoresChangesBeforeSubscribeAndChangesAlreadyQueued() {
        assertThat(offer(1, 0, false)).isFalse();
        queue.subscribe(true);
        queue.queueFullState("full", "metrics", 5);
        assertThat(offer(5, 4, false)).isFalse();
        assertThat(queue.lastQueuedSeq()).isEqualTo(5);
    }

    @Test
    void foldsTheChangesOfADeltaClientThatIsBehindIntoTheOneWaitingDelta() {
        queue.subscribe(true);
        queue.queueResume(0, 0, null);
        assertThat(offer(1, 0, true)).isTrue();
        assertThat(offer(2, 1, true)).isTrue();
        assertThat(offer(3, 2, true)).isTrue();

        List<OutboundQueue.Out> out = drain();
        assertThat(out).hasSize(1);
        OutboundQueue.Out merged = out.get(0);
        assertThat(merged.isMergedDelta()).isTrue();
        assertThat(merged.fromSeq).isEqualTo(0);
        assertThat(merged.seq).isEqualTo(3);
        assertThat(metrics.mergedChanges.sum()).isEqualTo(2);
        assertThat(metrics.fullStateConflations.sum()).isZero();
    }

    @Test
    void aDeltaOnItsWayIsNotExtendedLaterChangesQueueBehindIt() {
        queue.subscribe(true);
        queue.queueResume(0, 0, null);
        offer(1, 0, false);
        OutboundQueue.Out first = queue.poll();
        offer(2, 1, true);

        assertThat(first.text).contains("\"seq\":1");
        assertThat(first.seq).isEqualTo(1);
        OutboundQueue.Out next = queue.poll();
        assertThat(next.isMergedDelta()).isFalse();
        assertThat(next.fromSeq).isEqualTo(1);
        assertThat(next.seq).isEqualTo(2);
    }

    @Test
    void aDeltaClientTooFarBehindGetsTheLatestFullStateInstead() {
        queue.subscribe(true);
        queue.queueResume(0, 0, null);
        for (int seq = 1; seq <= MAX_QUEUED + 1; seq++) {
            offer(seq, seq - 1, true);
        }

        List<OutboundQueue.Out> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).isFullMarker()).isTrue();
        assertThat(metrics.fullStateConflations.sum()).isEqualTo(1);
        assertThat(queue.lastQueuedSeq()).isEqualTo(MAX_QUEUED + 1);
    }

    @Test
    void aMissedChangeIsRepairedWithTheLatestFullState() {
        queue.subscribe(true);
        queue.queueResume(0, 0, null);
        offer(2, 1, false); // seq 1 never arrived

        List<OutboundQueue.Out> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).isFullMarker()).isTrue();
        assertThat(metrics.fullStateConflations.sum()).isEqualTo(1);
    }

    @Test
    void aBusyFullStateClientKeepsOnlyTheLatestFullState() {
        queue.subscribe(false);
        queue.queueFullState("full", "metrics", 0);
        offer(1, 0, true);
        offer(2, 1, true);

        List<OutboundQueue.Out> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).isFullMarker()).isTrue();
    }

    @Test
    void anIdleFullStateClientGetsTheSharedFramesOfTheChange() {
        queue.subscribe(false);
        queue.queueFullState("full", "metrics", 0);
        drain(); // sent
        offer(1, 0, false);

        List<OutboundQueue.Out> out = drain();
        assertThat(out).extracting(o -> o.text).allMatch(t -> t.contains("\"seq\":1"));
        assertThat(out.get(0).text).contains("session_update");
        assertThat(out.get(1).text).contains("metrics_update");
        assertThat(metrics.sharedEncodes.sum()).isEqualTo(2);
    }

    @Test
    void refusesControlFramesOnceTooManyWaitUnread() {
        for (int i = 0; i < 16; i++) {
            assertThat(queue.addControl("reply " + i)).isTrue();
        }
        assertThat(queue.addControl("one too many")).isFalse();
        assertThat(queue.queuedControl()).isEqualTo(16);
    }

    @Test
    void aMaterializedFullStateDropsTheStateFramesItMakesObsoleteAndSendsItsMetricsNext() {
        queue.subscribe(true);
        queue.queueResume(0, 0, null);
        queue.addControl("status");
        queue.markFull();
        OutboundQueue.Out taken = queue.poll(); // the status
        assertThat(taken.state).isFalse();
        OutboundQueue.Out marker = queue.poll();
        assertThat(marker.isFullMarker()).isTrue();

        queue.fullStateTaken(7, "metrics@7");

        assertThat(queue.lastQueuedSeq()).isEqualTo(7);
        List<OutboundQueue.Out> out = drain();
        assertThat(out).extracting(o -> o.text).containsExactly("metrics@7");
    }

    @Test
    void resyncReplacesWaitingStateButKeepsReplies() {
        queue.subscribe(false);
        queue.queueFullState("full", "metrics", 3);
        queue.addControl("ack");
        queue.markFull();

        List<OutboundQueue.Out> out = drain();
        assertThat(out).hasSize(2);
        assertThat(out.get(0).text).isEqualTo("ack");
        assertThat(out.get(1).isFullMarker()).isTrue();
    }
}
