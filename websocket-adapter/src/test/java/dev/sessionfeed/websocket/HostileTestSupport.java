package dev.sessionfeed.websocket;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Shared doubles of the hostile-client tests: a recording transport, a handler, the audit log's lines. */
final class HostileTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HostileTestSupport() {
    }

    /** A transport that records frames, completes sends at once, and records the close. */
    static final class RecordingTransport implements Transport {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final String id;
        volatile Integer closedWith;

        RecordingTransport(String id) {
            this.id = id;
        }

        @Override
        public void sendText(String text, Consumer<Throwable> done) {
            sent.add(text);
            done.accept(null);
        }

        @Override
        public void sendPing() {
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        @Override
        public String id() {
            return id;
        }

        List<JsonNode> frames() {
            return sent.stream().map(HostileTestSupport::parse).collect(Collectors.toList());
        }

        List<JsonNode> errors() {
            return frames().stream().filter(f -> "error".equals(f.path("type").asText())).collect(Collectors.toList());
        }
    }

    /** A handler of end_session and archive_session that always succeeds. */
    static final class OkHandler implements CommandHandler {
        @Override
        public Set<String> actions() {
            return Set.of("end_session", "archive_session");
        }

        @Override
        public CommandResult handle(SessionCommand command, String actor) {
            return new CommandResult("ok", command.sessionId(), false);
        }
    }

    /** Records the {@code sessionfeed.audit} lines; close to detach. */
    static final class AuditLines implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger("sessionfeed.audit");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        AuditLines() {
            appender.start();
            logger.addAppender(appender);
        }

        /** @return the lines so far (a copy, taken under the appender's monitor, which logback appends under) */
        List<String> lines() {
            List<ILoggingEvent> events;
            synchronized (appender) {
                events = List.copyOf(appender.list);
            }
            return events.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
        }
    }

    /** A session with the given subject (its size sets the full state's size). */
    static dev.sessionfeed.ChatSession session(String id, String status, String subject) {
        java.time.Instant t = java.time.Instant.parse("2026-01-01T00:00:00Z");
        return new dev.sessionfeed.ChatSession(id, status, "v-" + id, "Visitor", null, null, subject, t, t, null, null, 0,
                null, java.util.Map.of());
    }

    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String command(String id, String action, String sessionId) {
        try {
            return JSON.writeValueAsString(java.util.Map.of("type", "command", "id", id, "action", action,
                    "sessionId", sessionId));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
