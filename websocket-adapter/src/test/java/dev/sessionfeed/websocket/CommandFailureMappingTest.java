package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.protocol.ErrorCode;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A handler's failure reaches the client as the documented protocol code (docs/websocket-adapter.md, Commands). */
class CommandFailureMappingTest {

    @Test
    void mapsEveryCommandFailureToItsDocumentedErrorCode() {
        Map<CommandFailure, ErrorCode> mapped = new EnumMap<>(CommandFailure.class);
        for (CommandFailure f : CommandFailure.values()) {
            mapped.put(f, CommandDispatcher.errorCode(f));
        }
        assertThat(mapped).containsExactlyInAnyOrderEntriesOf(Map.of(
                CommandFailure.NOT_FOUND, ErrorCode.NOT_FOUND,
                CommandFailure.INVALID, ErrorCode.BAD_REQUEST,
                CommandFailure.NOT_PERMITTED, ErrorCode.FORBIDDEN,
                CommandFailure.BUSY, ErrorCode.RATE_LIMITED));
    }
}
