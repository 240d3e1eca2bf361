package dev.sessionfeed.websocket;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.testkit.FakeSessionFeed;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An idempotent command handler over a {@link FakeSessionFeed}; session {@code boom} makes it fail internally. */
final class TestCommands implements CommandHandler {

    private final FakeSessionFeed feed;
    private final Map<String, CommandResult> done = new ConcurrentHashMap<>();
    final AtomicInteger applied = new AtomicInteger();

    TestCommands(FakeSessionFeed feed) {
        this.feed = feed;
    }

    @Override
    public Set<String> actions() {
        return Set.of("end_session", "archive_session");
    }

    @Override
    public synchronized CommandResult handle(SessionCommand command, String actor) {
        CommandResult prior = done.get(command.id());
        if (prior != null) {
            return new CommandResult(prior.outcome(), prior.sessionId(), true);
        }
        if (command.sessionId().equals("boom")) {
            throw new IllegalStateException("connection to db.internal:5432 failed for user sf password=hunter2");
        }
        ChatSession s = feed.get(command.sessionId());
        if (s == null) {
            throw new CommandException(CommandFailure.NOT_FOUND, "no session '" + command.sessionId() + "'");
        }
        String status = command.action().equals("end_session") ? "ended" : "archived";
        feed.upsert(new ChatSession(s.id(), status, s.visitorId(), s.visitorName(), s.agentId(), s.agentName(),
                s.subject(), s.createdAt(), Instant.now(), Instant.now(), s.firstResponseAt(), s.messageCount(),
                s.lastMessageAt(), s.attributes()));
        applied.incrementAndGet();
        CommandResult r = new CommandResult(status, s.id(), false);
        done.put(command.id(), r);
        return r;
    }
}
