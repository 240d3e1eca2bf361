package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.protocol.ErrorCode;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Commands by action and outcome: a fixed key set, whatever actions clients send. */
class CommandCountsTest {

    @Test
    void everyActionOfTheHandlerAndOtherHasEveryOutcomeFromTheStart() {
        Map<String, Map<String, Long>> s = new CommandCounts(Set.of("end_session", "archive_session")).snapshot();

        assertThat(s.keySet()).containsExactly("archive_session", "end_session", "other");
        assertThat(s.values()).allSatisfy(byOutcome -> assertThat(byOutcome)
                .containsOnlyKeys("ok", "bad_request", "forbidden", "not_found", "rate_limited", "internal")
                .allSatisfy((outcome, count) -> assertThat(count).isZero()));
    }

    @Test
    void anActionTheHandlerDoesNotListIsCountedAsOtherSoClientsCannotAddSeries() {
        CommandCounts counts = new CommandCounts(Set.of("end_session"));
        counts.ok("end_session");
        counts.failed("end_session", ErrorCode.NOT_FOUND);
        for (int i = 0; i < 100; i++) {
            counts.failed("made_up_" + i, ErrorCode.BAD_REQUEST);
        }

        Map<String, Map<String, Long>> s = counts.snapshot();
        assertThat(s).containsOnlyKeys("end_session", "other");
        assertThat(s.get("end_session")).containsEntry("ok", 1L).containsEntry("not_found", 1L);
        assertThat(s.get("other")).containsEntry("bad_request", 100L);
        assertThatThrownBy(() -> s.get("other").put("ok", 1L)).isInstanceOf(UnsupportedOperationException.class);
    }
}
