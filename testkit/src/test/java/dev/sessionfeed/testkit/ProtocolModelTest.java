package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the protocol client makes of server frames, fed frames written by core's codec (no network). */
class ProtocolModelTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final ProtocolCodec CODEC = new ProtocolCodec();

    private final Object lock = new Object();
    private final List<String> applied = new ArrayList<>();
    private final ProtocolModel model = new ProtocolModel("c", lock, true, true, s -> applied.add(s.id()));

    private static ChatSession session(String id, String status, long version) {
        return new ChatSession(id, status, "v-" + id, null, null, null, "subject", T, T, null, null, 2, null,
                Map.of("version", version, "tags", List.of("a", "b")));
    }

    private static Snapshot snapshot(String epoch, long seq, ChatSession... sessions) {
        return new Snapshot(epoch, seq, T, List.of(sessions), new ChatMetrics(Map.of("totalSessions", (long) sessions.length)));
    }

    private String feed(ServerMessage message) {
        try {
            JsonNode frame = ServerFrames.parse(CODEC.encode(message));
            synchronized (lock) {
                return model.apply(frame);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
    }

    private void fullState(Snapshot s) {
        feed(ServerMessage.SessionUpdate.of(s));
        feed(ServerMessage.MetricsUpdate.of(s));
    }

    private String hello(String epoch) {
        return feed(new ServerMessage.Hello(1, epoch, T, 30_000, Map.of()));
    }

    private boolean synced() {
        synchronized (lock) {
            return model.synced();
        }
    }

    @Test
    void takesTheFullStateWithItsMetricsThenAppliesDeltas() {
        assertThat(hello("e")).isEqualTo("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":true}");
        Snapshot s = snapshot("e", 4, session("a", "waiting", 1), session("b", "active", 1));
        feed(ServerMessage.SessionUpdate.of(s));
        assertThat(synced()).as("sessions without their metrics are not whole").isFalse();
        feed(ServerMessage.MetricsUpdate.of(s));

        assertThat(synced()).isTrue();
        assertThat(model.state().differencesFrom(FeedWebSocketClient.asReceived(s), Set.of())).isEmpty();
        assertThat(feed(new ServerMessage.Delta(new SessionDelta("e", 5, 4, T, List.of(session("a", "active", 2)),
                List.of("b"), null)))).isNull();

        assertThat(model.state().seq()).isEqualTo(5);
        assertThat(model.state().sessions()).containsOnlyKeys("a");
        assertThat(model.state().sessions().get("a").attributes()).containsEntry("version", 2);
        assertThat(applied).containsExactly("a", "b", "a");
        synchronized (lock) {
            assertThat(model.fullStates()).isEqualTo(1);
            assertThat(model.deltasApplied()).isEqualTo(1);
        }
    }

    @Test
    void aGapAsksForTheFullStateAndIgnoresDeltasUntilItArrives() {
        hello("e");
        fullState(snapshot("e", 4, session("a", "waiting", 1)));

        assertThat(feed(new ServerMessage.Delta(new SessionDelta("e", 7, 6, T, List.of(session("x", "waiting", 1)), List.of(), null))))
                .isEqualTo(ProtocolModel.RESYNC);
        assertThat(synced()).isFalse();
        assertThat(feed(new ServerMessage.Delta(new SessionDelta("e", 8, 7, T, List.of(session("y", "waiting", 1)), List.of(), null))))
                .as("ignored while the resync is pending").isNull();
        fullState(snapshot("e", 8, session("x", "waiting", 1), session("y", "waiting", 1)));

        assertThat(synced()).isTrue();
        assertThat(model.state().sessions()).containsOnlyKeys("x", "y");
        synchronized (lock) {
            assertThat(model.gaps()).isEqualTo(1);
        }
    }

    @Test
    void resumesWithEpochAndSeqAndCountsHowTheServerAnswered() {
        hello("e");
        fullState(snapshot("e", 4, session("a", "waiting", 1)));
        feed(new ServerMessage.Status("e", T, FeedStatus.LIVE, "live"));
        synchronized (lock) {
            model.disconnected();
        }

        assertThat(hello("e")).isEqualTo("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":true,"
                + "\"epoch\":\"e\",\"lastSeq\":4}");
        assertThat(synced()).isFalse();
        feed(new ServerMessage.Status("e", T, FeedStatus.LIVE, "live"));
        assertThat(synced()).as("nothing missed: whole after the status").isTrue();
        hello("e");
        fullState(snapshot("e", 9, session("b", "waiting", 1)));

        synchronized (lock) {
            assertThat(model.replayResumes()).isEqualTo(1);
            assertThat(model.fullResumes()).isEqualTo(1);
            assertThat(model.statuses()).containsExactly("live", "live");
        }
    }

    @Test
    void recordsAcksWithTheirArrivalAndThoseAheadOfTheState() {
        hello("e");
        fullState(snapshot("e", 4, session("a", "waiting", 1)));
        feed(new ServerMessage.Ack("e", T, "c-1", new CommandResult("ended", "a", false), 4));
        feed(new ServerMessage.Ack("e", T, "c-2", new CommandResult("ended", "a", false), 5));

        synchronized (lock) {
            assertThat(model.acks()).containsOnlyKeys("c-1", "c-2");
            assertThat(model.acks().get("c-1").get(0).path("_receivedNanos").asLong()).isPositive();
            assertThat(model.acksAhead()).containsExactly("c: ack c-2 seq 5 arrived at state seq 4");
        }
    }
}
