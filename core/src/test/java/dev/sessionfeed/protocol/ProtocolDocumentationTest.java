package dev.sessionfeed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Holds docs/protocol.md and the code together: every message type and error code is documented. */
class ProtocolDocumentationTest {

    private static String doc() throws Exception {
        Path p = Path.of("..", "docs", "protocol.md");
        assertThat(p).exists();
        return Files.readString(p);
    }

    @Test
    void documentsEveryServerMessageType() throws Exception {
        String doc = doc();
        for (String t : ServerMessage.TYPES) {
            assertThat(doc).as("docs/protocol.md documents server message %s", t).contains("### `" + t + "`");
        }
    }

    @Test
    void documentsEveryClientMessageType() throws Exception {
        String doc = doc();
        for (String t : ClientMessage.TYPES) {
            assertThat(doc).as("docs/protocol.md documents client message %s", t).contains("### `" + t + "`");
        }
    }

    @Test
    void documentsEveryErrorCode() throws Exception {
        String doc = doc();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(doc).as("docs/protocol.md documents error code %s", c.wireName()).contains("| `" + c.wireName() + "` |");
        }
    }

    @Test
    void documentsHelloWithTheFieldsTheCodecWrites() throws Exception {
        String doc = doc();
        int section = doc.indexOf("### `hello`");
        int start = doc.indexOf("```json", section) + "```json".length();
        JsonNode documented = new ObjectMapper().readTree(doc.substring(start, doc.indexOf("```", start)));
        JsonNode encoded = new ObjectMapper().readTree(new ProtocolCodec().encode(new ServerMessage.Hello(
                ServerMessage.PROTOCOL_VERSION, "e1", Instant.EPOCH, 25000, Map.of("maxFrameBytes", 65536L),
                new ServerMessage.Hello.Admin("alice", Set.of("sessions:end")))));
        assertThat(fieldNames(documented)).containsExactlyInAnyOrderElementsOf(fieldNames(encoded));
        assertThat(fieldNames(documented.get("admin"))).containsExactlyInAnyOrderElementsOf(fieldNames(encoded.get("admin")));
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
