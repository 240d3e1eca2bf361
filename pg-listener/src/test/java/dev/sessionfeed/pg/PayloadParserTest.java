package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PayloadParserTest {

    private final PayloadParser parser = new PayloadParser(7900);

    @Test
    void acceptsTheRowTriggerPayloadAndIgnoresStatus() {
        PayloadParser.Result r = parser.parse("{\"action\" : \"UPDATE\", \"session_id\" : \"s-1\", \"status\" : \"active\"}", 42);
        assertThat(r).isInstanceOf(PayloadParser.Signals.class);
        assertThat(((PayloadParser.Signals) r).signals()).containsExactly(new ChangeSignal(ChangeAction.UPDATE, "s-1", 42));
    }

    @Test
    void acceptsNullStatusForDeletes() {
        PayloadParser.Result r = parser.parse("{\"action\":\"DELETE\",\"session_id\":\"s-1\",\"status\":null}", 1);
        assertThat(((PayloadParser.Signals) r).signals()).extracting(ChangeSignal::action).containsExactly(ChangeAction.DELETE);
    }

    @Test
    void acceptsTheStatementTriggerPayload() {
        PayloadParser.Result r = parser.parse("{\"action\" : \"INSERT\", \"ids\" : [\"a\", \"b\"]}", 7);
        assertThat(((PayloadParser.Signals) r).signals()).containsExactly(
                new ChangeSignal(ChangeAction.INSERT, "a", 7), new ChangeSignal(ChangeAction.INSERT, "b", 7));
    }

    @Test
    void acceptsTruncateAndResync() {
        assertThat(((PayloadParser.Signals) parser.parse("{\"action\":\"TRUNCATE\"}", 3)).signals())
                .containsExactly(new ChangeSignal(ChangeAction.TRUNCATE, null, 3));
        assertThat(parser.parse("{\"action\":\"RESYNC\"}", 3)).isInstanceOf(PayloadParser.Resync.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "garbage",
        "{\"action\":\"UPDATE\",\"session_id\":\"s-1\"} trailing",
        "{\"action\":\"UPDATE\",\"session_id\":\"s-1\",\"session_id\":\"s-2\"}",
        "[\"UPDATE\",\"s-1\"]",
        "\"UPDATE\"",
        "{\"action\":\"DROP\",\"session_id\":\"s-1\"}",
        "{\"action\":\"update\",\"session_id\":\"s-1\"}",
        "{\"action\":1,\"session_id\":\"s-1\"}",
        "{\"session_id\":\"s-1\"}",
        "{\"action\":\"UPDATE\"}",
        "{\"action\":\"UPDATE\",\"session_id\":\"   \"}",
        "{\"action\":\"UPDATE\",\"session_id\":42}",
        "{\"action\":\"UPDATE\",\"session_id\":{\"$ne\":null}}",
        "{\"action\":\"UPDATE\",\"session_id\":\"s-1\",\"ids\":[\"s-2\"]}",
        "{\"action\":\"UPDATE\",\"ids\":[]}",
        "{\"action\":\"UPDATE\",\"ids\":[\"a\",7]}",
        "{\"action\":\"UPDATE\",\"ids\":\"a\"}",
        "{\"action\":\"UPDATE\",\"session_id\":\"s-1\",\"status\":{\"x\":1}}",
        "{\"action\":\"UPDATE\",\"session_id\":\"s-1\",\"row\":{\"status\":\"ended\"}}",
        "{\"action\":\"TRUNCATE\",\"session_id\":\"s-1\"}",
        "{\"action\":\"RESYNC\",\"ids\":[\"a\"]}",
        "{'action':'UPDATE','session_id':'s-1'}",
        "{\"action\":\"UPDATE\",\"session_id\":\"s-1\",}",
        "{\"action\":\"UPDATE\",/*x*/\"session_id\":\"s-1\"}",
    })
    void rejectsAnythingTheTriggersDoNotSend(String payload) {
        assertThat(parser.parse(payload, 0)).isInstanceOf(PayloadParser.Rejected.class);
    }

    @Test
    void rejectsNullPayload() {
        assertThat(parser.parse(null, 0)).isInstanceOf(PayloadParser.Rejected.class);
    }

    @Test
    void rejectsOverlongIdsAndAcceptsTheLongestAllowed() {
        String ok = "x".repeat(PayloadParser.MAX_ID_LENGTH);
        assertThat(parser.parse("{\"action\":\"INSERT\",\"session_id\":\"" + ok + "\"}", 0)).isInstanceOf(PayloadParser.Signals.class);
        assertThat(parser.parse("{\"action\":\"INSERT\",\"session_id\":\"" + ok + "x\"}", 0)).isInstanceOf(PayloadParser.Rejected.class);
    }

    @Test
    void rejectsPayloadsLongerThanTheLimitWithoutParsingThem() {
        String padded = "{\"action\":\"UPDATE\",\"session_id\":\"s-1\",\"status\":\"" + "a".repeat(7999 - 49) + "\"}";
        PayloadParser.Result r = parser.parse(padded, 0);
        assertThat(r).isInstanceOf(PayloadParser.Rejected.class);
        assertThat(((PayloadParser.Rejected) r).why()).contains("exceeds maxPayloadLength 7900");
    }

    @Test
    void rejectionReasonsNeverEchoLongOrControlCharacterContent() {
        PayloadParser.Result r = parser.parse("{\"action\":\"" + "\\u0007".repeat(50) + "\"}", 0);
        assertThat(((PayloadParser.Rejected) r).why()).hasSizeLessThan(120).doesNotContain("\u0007");
    }
}
