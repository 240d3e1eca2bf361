package dev.sessionfeed.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads server frames of protocol version 1 (docs/protocol.md) back into the model: JSON text to a tree, and the
 * trees of {@code session_update}, {@code metrics_update} and {@code session_delta} to {@link ChatSession},
 * {@link ChatMetrics} and {@link SessionDelta}. The inverse of core's {@link ProtocolCodec#encode}; values inside
 * {@code attributes} and metrics come back as Jackson reads untyped JSON (Integer/Long/Double, String, Boolean,
 * LinkedHashMap, ArrayList), so compare a received state with an expected one read back the same way
 * ({@link #asReceived(Snapshot)}). Stateless and thread-safe.
 */
final class ServerFrames {

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };
    private static final ProtocolCodec CODEC = new ProtocolCodec();

    private ServerFrames() {
    }

    static ObjectMapper json() {
        return JSON;
    }

    /** Parses one text frame. */
    static JsonNode parse(String text) throws JsonProcessingException {
        return JSON.readTree(text);
    }

    static List<ChatSession> sessions(JsonNode array) {
        List<ChatSession> out = new ArrayList<>(array.size());
        for (JsonNode s : array) {
            out.add(session(s));
        }
        return out;
    }

    static ChatSession session(JsonNode node) {
        try {
            return JSON.treeToValue(node, ChatSession.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a session: " + node, e);
        }
    }

    static ChatMetrics metrics(JsonNode node) {
        Map<String, Object> values = JSON.convertValue(node, MAP);
        return new ChatMetrics(values == null ? Map.of() : values);
    }

    static Instant timestamp(JsonNode frame) {
        JsonNode t = frame.path("timestamp");
        return t.isTextual() ? Instant.parse(t.asText()) : Instant.EPOCH;
    }

    /** The delta of a {@code session_delta} frame. */
    static SessionDelta delta(JsonNode frame) {
        JsonNode data = frame.path("data");
        List<String> removed = new ArrayList<>();
        for (JsonNode id : data.path("removed")) {
            removed.add(id.asText());
        }
        return new SessionDelta(frame.path("epoch").asText(), frame.path("seq").asLong(), frame.path("prevSeq").asLong(),
                timestamp(frame), sessions(data.path("upserted")), removed,
                data.hasNonNull("metrics") ? metrics(data.path("metrics")) : null);
    }

    /** The state a client holds after receiving {@code snapshot} as {@code session_update} + {@code metrics_update}. */
    static Snapshot asReceived(Snapshot snapshot) {
        try {
            JsonNode sessions = parse(CODEC.encode(ServerMessage.SessionUpdate.of(snapshot))).path("data").path("sessions");
            JsonNode metrics = parse(CODEC.encode(ServerMessage.MetricsUpdate.of(snapshot))).path("data").path("metrics");
            return new Snapshot(snapshot.epoch(), snapshot.seq(), snapshot.builtAt(), sessions(sessions), metrics(metrics));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("core's codec wrote JSON this reader cannot parse", e);
        }
    }
}
