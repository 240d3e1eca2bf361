package dev.sessionfeed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The decoder's only outcomes for any input: a client message, or a ProtocolException with bad_request. */
class ProtocolCodecFuzzTest {

    private final ProtocolCodec codec = new ProtocolCodec();

    private void decodesOrRejectsCleanly(String frame) {
        try {
            ClientMessage m = codec.decode(frame);
            assertThat(ClientMessage.TYPES).contains(m.type());
        } catch (ProtocolException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(400);
        }
    }

    @Property(tries = 2000)
    void anyStringDecodesOrIsRejected(@ForAll String frame) {
        decodesOrRejectsCleanly(frame);
    }

    @Property(tries = 3000)
    void anyJsonLikeFrameDecodesOrIsRejected(@ForAll("frames") String frame) {
        decodesOrRejectsCleanly(frame);
    }

    @Provide
    Arbitrary<String> frames() {
        Arbitrary<String> keys = Arbitraries.of("type", "channel", "deltas", "epoch", "lastSeq", "id", "action",
                "sessionId", "@class", "reason", "", "type ");
        Arbitrary<String> scalars = Arbitraries.oneOf(
                Arbitraries.of("\"subscribe\"", "\"command\"", "\"ping\"", "\"resync\"", "\"admin-chat-updates\"",
                        "\"end_session\"", "\"s-1\"", "\"c-1\"", "true", "false", "null", "0", "-1", "1.5", "1e400",
                        "99999999999999999999", "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "NaN", "0x10", "01"),
                Arbitraries.strings().ofMaxLength(20).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.longs().map(String::valueOf));
        Arbitrary<String> member = Combinators.combine(keys, scalars).as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(7).map(l -> "{" + String.join(",", l) + "}");
        Arbitrary<String> noise = Arbitraries.of("", " ", "}", "]", ",", "{\"type\":\"ping\"}", "\u0000", "[", "\"");
        return Combinators.combine(noise, object, noise, Arbitraries.integers().between(0, 40))
                .as((pre, body, post, depth) -> depth > 30
                        ? pre + "[".repeat(depth) + body + "]".repeat(depth) + post
                        : pre + body + post);
    }

    @Property(tries = 500)
    void validCommandsRoundTripTheirFields(@ForAll("ids") String id, @ForAll("actions") String action) {
        ClientMessage m = codec.decode("{\"type\":\"command\",\"id\":\"" + id + "\",\"action\":\"" + action
                + "\",\"sessionId\":\"s-1\"}");
        assertThat(((ClientMessage.Command) m).command().id()).isEqualTo(id);
        assertThat(((ClientMessage.Command) m).command().action()).isEqualTo(action);
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withChars("abcXYZ019._:-").ofMinLength(1).ofMaxLength(128);
    }

    @Provide
    Arbitrary<String> actions() {
        return Arbitraries.strings().withChars("abz09_").ofMinLength(1).ofMaxLength(64);
    }

}
