package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 12 #10: error messages sent to clients never quote the JSON parser's internals. */
class ProtocolErrorMessagesTest {

    @Test
    void parserMessagesNeverReachTheClient() {
        ProtocolCodec codec = new ProtocolCodec();
        for (String frame : List.of("{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\"}]", "{\"type\":",
                "{\"type\":\"ping\",\"x\":NaN}", "{'type':'ping'}", "\u0000")) {
            ProtocolException e = catchThrowableOfType(ProtocolException.class,
                    () -> codec.decode(frame));
            assertThat(e.getMessage()).as(frame).startsWith("invalid JSON")
                    .doesNotContain("jackson", "DeserializationFeature", "JsonNode", "bound as", "`");
        }
    }
}
