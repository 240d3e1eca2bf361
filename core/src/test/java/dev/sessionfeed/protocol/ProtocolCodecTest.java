package dev.sessionfeed.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.command.CommandResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProtocolCodecTest {

    private static final Instant T = Instant.parse("2026-11-25T10:15:30Z");
    private final ProtocolCodec codec = new ProtocolCodec();
    private final ObjectMapper plain = new ObjectMapper();

    static ChatSession session(String id) {
        return new ChatSession(id, "waiting", "v1", "Vera", null, null, "Billing", T, T, null, null, 3, T,
                Map.of("priority", 2));
    }

    private JsonNode json(ServerMessage m) throws Exception {
        return plain.readTree(codec.encode(m));
    }

    @Test
    void encodesSessionUpdateInTheOriginalPlanShape() throws Exception {
        Snapshot snap = new Snapshot("e1", 7, T, List.of(session("s1")), new ChatMetrics(Map.of("waitingNow", 1)));
        JsonNode n = json(ServerMessage.SessionUpdate.of(snap));
        assertThat(n.get("type").asText()).isEqualTo("session_update");
        assertThat(n.get("seq").asLong()).isEqualTo(7);
        assertThat(n.get("epoch").asText()).isEqualTo("e1");
        assertThat(n.get("timestamp").asText()).isEqualTo("2026-11-25T10:15:30Z");
        JsonNode s = n.get("data").get("sessions").get(0);
        assertThat(s.get("id").asText()).isEqualTo("s1");
        assertThat(s.get("status").asText()).isEqualTo("waiting");
        assertThat(s.get("visitorName").asText()).isEqualTo("Vera");
        assertThat(s.get("agentId").isNull()).isTrue();
        assertThat(s.get("createdAt").asText()).isEqualTo("2026-11-25T10:15:30Z");
        assertThat(s.get("messageCount").asLong()).isEqualTo(3);
        assertThat(s.get("attributes").get("priority").asInt()).isEqualTo(2);
        List<String> names = new java.util.ArrayList<>();
        s.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("id", "status", "visitorId", "visitorName", "agentId", "agentName", "subject",
                "createdAt", "updatedAt", "endedAt", "firstResponseAt", "messageCount", "lastMessageAt", "attributes");

        JsonNode m = json(ServerMessage.MetricsUpdate.of(snap));
        assertThat(m.get("type").asText()).isEqualTo("metrics_update");
        assertThat(m.get("data").get("metrics").get("waitingNow").asInt()).isEqualTo(1);
        assertThat(m.get("seq").asLong()).isEqualTo(7);
    }

    @Test
    void encodesDeltaStatusAckErrorHelloPong() throws Exception {
        SessionDelta d = new SessionDelta("e1", 8, 7, T, List.of(session("s2")), List.of("s1"), null);
        JsonNode n = json(new ServerMessage.Delta(d));
        assertThat(n.get("type").asText()).isEqualTo("session_delta");
        assertThat(n.get("seq").asLong()).isEqualTo(8);
        assertThat(n.get("prevSeq").asLong()).isEqualTo(7);
        assertThat(n.get("data").get("upserted").get(0).get("id").asText()).isEqualTo("s2");
        assertThat(n.get("data").get("removed").get(0).asText()).isEqualTo("s1");
        assertThat(n.get("data").has("metrics")).isFalse();

        JsonNode st = json(new ServerMessage.Status("e1", T, FeedStatus.DEGRADED, "listener down"));
        assertThat(st.get("source").asText()).isEqualTo("degraded");

        JsonNode ack = json(new ServerMessage.Ack("e1", T, "c-1", new CommandResult("ended", "s1", false), 9));
        assertThat(ack.get("id").asText()).isEqualTo("c-1");
        assertThat(ack.get("result").get("outcome").asText()).isEqualTo("ended");
        assertThat(ack.get("seq").asLong()).isEqualTo(9);

        JsonNode err = json(new ServerMessage.Error("e1", T, null, ErrorCode.RATE_LIMITED, "slow down", "abc"));
        assertThat(err.get("code").asText()).isEqualTo("rate_limited");
        assertThat(err.get("correlationId").asText()).isEqualTo("abc");
        assertThat(err.has("id")).isFalse();

        JsonNode hello = json(new ServerMessage.Hello(1, "e1", T, 25000, Map.of("maxFrameBytes", 65536L)));
        assertThat(hello.get("protocol").asInt()).isEqualTo(1);
        assertThat(hello.get("heartbeatMs").asLong()).isEqualTo(25000);
        assertThat(hello.get("limits").get("maxFrameBytes").asLong()).isEqualTo(65536);
        assertThat(hello.has("admin")).as("no admin given: field left out").isFalse();

        JsonNode pong = json(new ServerMessage.Pong("e1", T));
        assertThat(pong.get("type").asText()).isEqualTo("pong");
        assertThat(pong.get("epoch").asText()).isEqualTo("e1");
    }

    @Test
    void encodesHelloAdminAsNameAndSortedPermissions() throws Exception {
        ServerMessage.Hello.Admin admin = new ServerMessage.Hello.Admin("alice",
                java.util.Set.of("sessions:end", "sessions:archive"));
        JsonNode hello = json(new ServerMessage.Hello(1, "e1", T, 25000, Map.of(), admin));
        JsonNode a = hello.get("admin");
        assertThat(a.get("name").asText()).isEqualTo("alice");
        assertThat(a.get("permissions").isArray()).isTrue();
        List<String> permissions = new java.util.ArrayList<>();
        a.get("permissions").forEach(p -> permissions.add(p.asText()));
        assertThat(permissions).containsExactly("sessions:archive", "sessions:end");
        List<String> names = new java.util.ArrayList<>();
        a.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("name", "permissions");

        JsonNode none = json(new ServerMessage.Hello(1, "e1", T, 25000, Map.of(),
                new ServerMessage.Hello.Admin("viewer", java.util.Set.of())));
        assertThat(none.get("admin").get("permissions").size()).isZero();
    }

    @Test
    void helloAdminRejectsNullNameOrPermission() {
        assertThatThrownBy(() -> new ServerMessage.Hello.Admin(null, java.util.Set.of()))
                .isInstanceOf(NullPointerException.class).hasMessage("name");
        java.util.Set<String> withNull = new java.util.HashSet<>();
        withNull.add(null);
        assertThatThrownBy(() -> new ServerMessage.Hello.Admin("a", withNull)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void decodesTheOriginalPlansSubscribe() {
        ClientMessage m = codec.decode("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\"}");
        assertThat(m).isEqualTo(new ClientMessage.Subscribe("admin-chat-updates", false, null, null));
    }

    @Test
    void decodesResumingDeltaSubscribe() {
        ClientMessage m = codec.decode("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":true,"
                + "\"epoch\":\"abc\",\"lastSeq\":42}");
        assertThat(m).isEqualTo(new ClientMessage.Subscribe("admin-chat-updates", true, "abc", 42L));
    }

    @Test
    void decodesCommandWithArguments() {
        ClientMessage m = codec.decode("{\"type\":\"command\",\"id\":\"c-1\",\"action\":\"end_session\","
                + "\"sessionId\":\"s1\",\"reason\":\"spam\",\"note\":null}");
        ClientMessage.Command c = (ClientMessage.Command) m;
        assertThat(c.command().id()).isEqualTo("c-1");
        assertThat(c.command().action()).isEqualTo("end_session");
        assertThat(c.command().sessionId()).isEqualTo("s1");
        assertThat(c.command().arguments()).isEqualTo(Map.of("reason", "spam"));
    }

    @Test
    void decodesPingAndResync() {
        assertThat(codec.decode("{\"type\":\"ping\"}")).isInstanceOf(ClientMessage.Ping.class);
        assertThat(codec.decode(" {\"type\":\"resync\"} ")).isInstanceOf(ClientMessage.Resync.class);
    }

    static List<String[]> hostile() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        String bigNumber = "{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"epoch\":\"e\",\"lastSeq\":"
                + "9".repeat(1000) + "}";
        String hugeString = "{\"type\":\"ping\",\"x\":\"" + "a".repeat(1024 * 1024 - 40) + "\"}";
        return List.of(
                new String[] {"", "empty frame"},
                new String[] {"not json", "invalid JSON"},
                new String[] {"{\"type\":\"ping\"", "invalid JSON"},
                new String[] {"{\"type\":\"ping\"} {\"type\":\"ping\"}", "invalid JSON"},
                new String[] {"{\"type\":\"ping\"}]", "invalid JSON"},
                new String[] {deep, "nesting depth"},
                new String[] {"{\"type\":\"command\",\"id\":\"a\",\"action\":\"end_session\",\"sessionId\":\"s\",\"x\":"
                        + "[".repeat(40) + "]".repeat(40) + "}", "nesting depth"},
                new String[] {bigNumber, "Number value length"},
                new String[] {hugeString, "String value length"},
                new String[] {"{\"type\":\"ping\",\"type\":\"ping\"}", "Duplicate field 'type'"},
                new String[] {"{\"@class\":\"java.lang.ProcessBuilder\",\"type\":\"ping\"}", "unknown field '@class'"},
                new String[] {"[\"subscribe\"]", "must be a JSON object"},
                new String[] {"42", "must be a JSON object"},
                new String[] {"{}", "field 'type' is required"},
                new String[] {"{\"type\":7}", "field 'type' must be a string"},
                new String[] {"{\"type\":\"hack\"}", "unknown message type 'hack'"},
                new String[] {"{\"type\":\"subscribe\",\"channel\":\"other\"}", "unknown channel"},
                new String[] {"{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":\"yes\"}", "field 'deltas' must be a boolean"},
                new String[] {"{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"epoch\":\"e\",\"lastSeq\":\"1\"}", "field 'lastSeq' must be a non-negative integer"},
                new String[] {"{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"epoch\":\"e\",\"lastSeq\":1.5}", "field 'lastSeq' must be a non-negative integer"},
                new String[] {"{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"lastSeq\":1}", "must be given together"},
                new String[] {"{\"type\":\"subscribe\",\"channel\":7}", "field 'channel' must be a string"},
                new String[] {"{\"type\":\"command\",\"action\":\"end_session\",\"sessionId\":\"s\"}", "field 'id' is required"},
                new String[] {"{\"type\":\"command\",\"id\":{},\"action\":\"end_session\",\"sessionId\":\"s\"}", "field 'id' must be a string"},
                new String[] {"{\"type\":\"command\",\"id\":\"c\",\"action\":5,\"sessionId\":\"s\"}", "field 'action' must be a string"},
                new String[] {"{\"type\":\"command\",\"id\":\"c\",\"action\":\"End!\",\"sessionId\":\"s\"}", "action must be"},
                new String[] {"{\"type\":\"command\",\"id\":\"bad id\",\"action\":\"end_session\",\"sessionId\":\"s\"}", "id must be"},
                new String[] {"{\"type\":\"ping\",\"x\":NaN}", "invalid JSON"},
                new String[] {"{\"type\":\"ping\"}\u0000", "invalid JSON"});
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void answersHostileFramesWithBadRequestNamingTheProblem(String frame, String expected) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e).as("frame %s", frame.length() > 80 ? frame.substring(0, 80) : frame).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).contains(expected).hasSizeLessThan(400);
    }

    @Test
    void namesTheCommandIdWhenOnlyOtherFieldsAreWrong() {
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> codec.decode("{\"type\":\"command\",\"id\":\"c-9\",\"action\":\"end_session\",\"sessionId\":3}"));
        assertThat(e.commandId()).isEqualTo("c-9");
        assertThat(e.getMessage()).isEqualTo("field 'sessionId' must be a string");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> codec.encode(null)).isInstanceOf(NullPointerException.class);
    }
}
