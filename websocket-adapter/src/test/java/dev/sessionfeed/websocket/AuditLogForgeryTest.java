package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.FakeSessionFeed;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 12 #3: values a client chose never forge or break an audit line; errors never carry the raw id. */
class AuditLogForgeryTest {

    private final FakeSessionFeed feed = new FakeSessionFeed();
    private final Hub hub = new Hub(feed, WebSocketOptions.builder(info -> java.util.Optional.empty())
            .commandHandler(new HostileTestSupport.OkHandler()).build());
    private final HostileTestSupport.AuditLines audit = new HostileTestSupport.AuditLines();

    @AfterEach
    void close() {
        audit.close();
        hub.close();
    }

    @Test
    void controlCharactersInSessionIdAreBadRequestAndNeverReachTheLog() {
        HostileTestSupport.RecordingTransport t = new HostileTestSupport.RecordingTransport("c-1");
        Connection viewer = hub.open(t, AdminIdentity.readOnly("viewer"));
        viewer.start();
        String forged = "s-1\r\n12:00:00.000 INFO sessionfeed.audit - event=command actor=admin action=archive_session "
                + "sessionId=s-1 commandId=x result=archived\u001b[2K\u0000";

        viewer.onText(HostileTestSupport.command("v-1", "archive_session", forged));

        assertThat(t.errors()).singleElement().satisfies(e -> {
            assertThat(e.path("code").asText()).isEqualTo("bad_request");
            assertThat(e.path("message").asText()).doesNotContain("s-1").doesNotContain("archived");
        });
        assertThat(audit.lines()).allSatisfy(line -> assertThat(line).doesNotContain("\r", "\n", "\u001b", "\u0000"));
        assertThat(audit.lines()).noneMatch(line -> line.contains("result=archived"));
    }

    @Test
    void quotesAndSpacesInValuesCannotPoseAsAnotherKey() {
        HostileTestSupport.RecordingTransport t = new HostileTestSupport.RecordingTransport("c-2");
        Connection admin = hub.open(t, new AdminIdentity("admin", java.util.Set.of(AdminIdentity.ARCHIVE_SESSIONS)));
        admin.start();

        admin.onText(HostileTestSupport.command("a-1", "archive_session", "s-9 result=denied actor=\"root\""));

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> audit.lines().stream().anyMatch(l -> l.contains("event=command")));
        String line = audit.lines().stream().filter(l -> l.contains("event=command")).findFirst().orElseThrow();
        assertThat(line).contains("sessionId=\"s-9 result=denied actor=\\\"root\\\"\"")
                .contains("actor=\"admin\"")
                .endsWith("connection=\"c-2\"");
    }

    @Test
    void escapesAndCapsEveryValue() {
        assertThat(LogValues.quote("a\r\nb\u001b\u0000\"\\\u2028")).isEqualTo("\"a\\r\\nb\\u001b\\u0000\\\"\\\\\\u2028\"");
        assertThat(LogValues.quote("x\ud800y")).isEqualTo("\"x\\ud800y\"");
        assertThat(LogValues.quote("\udc00")).isEqualTo("\"\\udc00\"");
        assertThat(LogValues.quote("ok \ud83d\ude00")).isEqualTo("\"ok \ud83d\ude00\"");
        assertThat(LogValues.quote(null)).isEqualTo("-");
        assertThat(LogValues.quote("a".repeat(10_000))).hasSize(LogValues.MAX_CHARS + 2 + "...(+9872 chars)".length())
                .endsWith("\"...(+9872 chars)");
    }
}
