package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.testkit.FakeSessionFeed;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Hostile strings (control characters, NUL, ESC, quotes, huge, lone surrogates) in every client-chosen field of
 * {@code command} and {@code subscribe}: always a documented error code (never {@code internal}), and every audit
 * line stays one escaped line.
 */
class HostileInputPropertyTest {

    private static final Set<String> DOCUMENTED = Set.of("bad_request", "unauthorized", "forbidden", "not_found",
            "rate_limited", "too_large");

    private final FakeSessionFeed feed = new FakeSessionFeed();
    private final Hub hub = new Hub(feed, WebSocketOptions.builder(info -> Optional.empty())
            .commandHandler(new HostileTestSupport.OkHandler()).commandRate(10_000, 10_000).build());
    private final HostileTestSupport.AuditLines audit = new HostileTestSupport.AuditLines();

    @AfterProperty
    void close() {
        audit.close();
        hub.close();
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(300);
        Arbitrary<String> controls = Arbitraries.strings().withChars("\u0000\r\n\u001b\t\"\\\u2028\u007f\u0085 =a-1")
                .ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> surrogates = Arbitraries.strings().withCharRange('\ud800', '\udfff').withChars("ab")
                .ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> huge = Arbitraries.integers().between(257, 20_000).map("x"::repeat);
        return Arbitraries.oneOf(any, controls, surrogates, huge);
    }

    /** JSON string literal that keeps lone surrogates and control characters (as escapes). */
    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c) || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    @Property(tries = 300)
    void commandsWithHostileValues(@ForAll("hostile") String sessionId, @ForAll("hostile") String action,
            @ForAll("hostile") String id) {
        HostileTestSupport.RecordingTransport t = new HostileTestSupport.RecordingTransport("c");
        Connection c = hub.open(t, new AdminIdentity("root", Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS)));
        c.start();
        for (String frame : List.of(
                "{\"type\":\"command\",\"id\":\"ok-1\",\"action\":\"end_session\",\"sessionId\":" + json(sessionId) + "}",
                "{\"type\":\"command\",\"id\":\"ok-2\",\"action\":" + json(action) + ",\"sessionId\":" + json(sessionId) + "}",
                "{\"type\":\"command\",\"id\":" + json(id) + ",\"action\":\"archive_session\",\"sessionId\":\"s-1\"}")) {
            c.onText(frame);
        }
        assertAnswers(t);
        c.onClosed();
    }

    @Property(tries = 300)
    void subscribesWithHostileValues(@ForAll("hostile") String channel, @ForAll("hostile") String epoch) {
        HostileTestSupport.RecordingTransport t = new HostileTestSupport.RecordingTransport("s");
        Connection c = hub.open(t, AdminIdentity.readOnly("viewer"));
        c.start();
        c.onText("{\"type\":\"subscribe\",\"channel\":" + json(channel) + "}");
        c.onText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":true,\"epoch\":" + json(epoch)
                + ",\"lastSeq\":1}");
        c.onText("{\"type\":" + json(channel) + "}");
        assertAnswers(t);
        c.onClosed();
    }

    private void assertAnswers(HostileTestSupport.RecordingTransport t) {
        for (JsonNode e : t.errors()) {
            assertThat(e.path("code").asText()).as("error %s", e).isIn(DOCUMENTED);
            assertThat(e.path("message").asText()).doesNotContain("jackson", "Jackson", "DeserializationFeature",
                    "JsonNode", "StreamReadConstraints");
        }
        assertThat(t.closedWith).isNull();
        for (String line : audit.lines()) {
            assertThat(line.codePoints().noneMatch(cp -> Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029
                    || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)))
                    .as("one escaped audit line: %s", line).isTrue();
        }
    }

}
