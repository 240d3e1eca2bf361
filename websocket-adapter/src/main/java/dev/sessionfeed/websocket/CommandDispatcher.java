package dev.sessionfeed.websocket;

import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.protocol.ErrorCode;
import dev.sessionfeed.protocol.ProtocolException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands: the action must be known, the admin must hold its permission, the connection's rate limit must allow
 * it; then the host's {@link CommandHandler} runs it on a worker thread, the session is refreshed, and the client
 * gets an {@code ack} (or an {@code error}, with {@link CommandFailure} mapped to a protocol {@link ErrorCode}).
 * The connection's {@link CommandBudget} is charged before anything else, so refused commands cost a token too.
 * Every outcome goes to the audit trail: commands that ran one line each, refusals in aggregate. Thread-safe.
 */
final class CommandDispatcher {

    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);
    private static final long BUSY_WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final WebSocketOptions options;
    private final TaskRunner tasks;
    private final FeedMirror mirror;
    private final Replies replies;
    private final Metrics metrics;
    private final ConnectionRegistry registry;
    private final AtomicLong lastBusyWarning = new AtomicLong();

    CommandDispatcher(WebSocketOptions options, TaskRunner tasks, FeedMirror mirror, Replies replies, Metrics metrics,
            ConnectionRegistry registry) {
        this.options = options;
        this.tasks = tasks;
        this.mirror = mirror;
        this.replies = replies;
        this.metrics = metrics;
        this.registry = registry;
    }

    /**
     * The protocol error code a handler's failure is answered with.
     *
     * @param failure the handler's failure
     * @return the code
     */
    static ErrorCode errorCode(CommandFailure failure) {
        switch (failure) {
            case NOT_FOUND:
                return ErrorCode.NOT_FOUND;
            case NOT_PERMITTED:
                return ErrorCode.FORBIDDEN;
            case BUSY:
                return ErrorCode.RATE_LIMITED; // nothing changed: "retry later with the same id", like a rate limit
            case INVALID:
            default:
                return ErrorCode.BAD_REQUEST;
        }
    }

    /**
     * Authorizes, rate-limits and hands a command to a worker (the inbound thread).
     *
     * @throws ProtocolException when it is refused (answered as an {@code error} by the caller)
     */
    void dispatch(Connection c, SessionCommand cmd) {
        // Charged first: a refused command costs a token too, and it is audited only after it paid.
        CommandBudget.Verdict verdict = c.chargeCommand();
        if (verdict == CommandBudget.Verdict.CLOSE) {
            if (!c.isClosed()) {
                refused(c, cmd, "rate_limited_closed");
                metrics.commandsRateLimited.increment();
                metrics.commands.failed(cmd.action(), ErrorCode.RATE_LIMITED);
                metrics.commandFloodsClosed.increment();
                c.close(1008, "too many commands over the rate limit");
            }
            return;
        }
        if (verdict == CommandBudget.Verdict.RATE_LIMITED) {
            refused(c, cmd, "rate_limited");
            metrics.commandsRateLimited.increment();
            metrics.commands.failed(cmd.action(), ErrorCode.RATE_LIMITED);
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many commands; at most "
                    + options.commandBurst() + " at once and " + options.commandsPerSecond() + " per second", cmd.id());
        }
        Optional<CommandHandler> handler = options.commandHandler();
        if (handler.isEmpty() || !handler.get().actions().contains(cmd.action())) {
            refused(c, cmd, "unknown_action");
            metrics.commands.failed(cmd.action(), ErrorCode.BAD_REQUEST);
            // The codec allows only [a-z0-9_]{1,64} in an action: safe to name.
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown action '" + cmd.action() + "'", cmd.id());
        }
        String permission = options.permissionFor(cmd.action());
        if (!c.identity().has(permission)) {
            refused(c, cmd, "denied");
            metrics.commands.failed(cmd.action(), ErrorCode.FORBIDDEN);
            throw new ProtocolException(ErrorCode.FORBIDDEN, "'" + cmd.action() + "' needs permission '" + permission + "'", cmd.id());
        }
        try {
            tasks.runCommand(() -> run(c, handler.get(), cmd));
        } catch (RejectedExecutionException e) {
            if (registry.isClosed()) {
                return; // the endpoint is closing this connection
            }
            // Every worker is busy and the queue is full: the client may retry this id later, like a rate limit.
            metrics.commandsRejectedBusy.increment();
            metrics.commands.failed(cmd.action(), ErrorCode.RATE_LIMITED);
            refused(c, cmd, "busy");
            logBusy(cmd.id(), c.id());
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "server busy: too many commands waiting; retry later",
                    cmd.id());
        }
    }

    /** Runs on a worker thread. */
    private void run(Connection c, CommandHandler handler, SessionCommand cmd) {
        CommandResult result;
        try {
            result = handler.handle(cmd, c.identity().name());
        } catch (CommandException e) {
            ErrorCode code = errorCode(e.failure());
            metrics.commands.failed(cmd.action(), code);
            audit(c, cmd, code.wireName());
            c.replyError(code, e.getMessage(), cmd.id());
            return;
        } catch (RuntimeException | Error e) {
            metrics.commands.failed(cmd.action(), ErrorCode.INTERNAL);
            audit(c, cmd, "internal");
            c.replyInternal("command " + cmd.action() + " id=" + cmd.id(), e, cmd.id());
            return;
        }
        metrics.commands.ok(cmd.action());
        audit(c, cmd, result.replayed() ? result.outcome() + "(replayed)" : result.outcome());
        CommandResult r = result;
        mirror.refresh(Set.of(cmd.sessionId())).whenComplete((seq, err) -> {
            long ackSeq = seq != null ? seq : mirror.currentSeq();
            if (err != null) {
                log.warn("refresh after command {} failed; acknowledging with the current seq {}", cmd.id(), ackSeq, err);
            }
            // The refresh may complete on the feed's rebuild thread, which must never call the container.
            c.replyHandedOff(replies.ack(cmd.id(), r, ackSeq));
        });
    }

    private static void audit(Connection c, SessionCommand cmd, String outcome) {
        Audit.command(c.identity().name(), cmd.action(), cmd.sessionId(), cmd.id(), outcome, c.id());
    }

    private static void refused(Connection c, SessionCommand cmd, String outcome) {
        Audit.commandRefused(c.identity().name(), cmd.action(), cmd.sessionId(), cmd.id(), outcome, c.id());
    }

    /** Logs a command refused as busy: a warning at most every 10 s (an overload refuses many), else debug. */
    private void logBusy(String commandId, String connectionId) {
        long now = System.nanoTime();
        long last = lastBusyWarning.get();
        if ((last == 0 || now - last >= BUSY_WARNING_NANOS) && lastBusyWarning.compareAndSet(last, now == 0 ? 1 : now)) {
            log.warn("command {} on websocket connection {} refused: all {} command workers busy and {} commands waiting "
                            + "(the CommandHandler is slow or stuck; {} refused so far; further refusals within 10 s "
                            + "are logged at debug)", commandId, connectionId, options.workerThreads(),
                    options.maxQueuedCommands(), metrics.commandsRejectedBusy.sum());
        } else {
            log.debug("command {} on websocket connection {} refused: all command workers busy", commandId, connectionId);
        }
    }
}
