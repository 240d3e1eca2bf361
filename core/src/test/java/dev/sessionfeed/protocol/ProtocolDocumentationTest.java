package dev.sessionfeed.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
