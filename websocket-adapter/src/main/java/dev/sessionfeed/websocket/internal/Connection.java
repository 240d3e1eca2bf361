package dev.sessionfeed.websocket.internal;

import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.protocol.ClientMessage;
import dev.sessionfeed.protocol.ErrorCode;
import dev.sessionfeed.protocol.ProtocolException;
import dev.sessionfeed.protocol.ServerMessage;
import dev.sessionfeed.websocket.AdminIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: decodes and dispatches its frames, and sends to it with at most one send in flight.
 *
 * <p>Outbound frames wait in a small queue behind the send in flight. State frames are conflated: a client that
 * asked for full updates never has more than the latest full state waiting; a delta client never has more than
 * one delta waiting — changes that arrive while it waits are folded into it, and it is sent as one merged
 * {@code session_delta} ({@code prevSeq} = the client's last seq, {@code seq} = the latest), encoded once per
 * {@code (prevSeq, seq)} for all connections at the same point. A client more than {@code maxQueuedFrames}
 * changes behind, one that missed a delta, or one whose changes left the feed's replay window gets the latest
 * full state instead. A send unfinished for longer than the grace period closes the connection with 1013.
 * Thread-safe: the queue and flags are guarded by {@code this}; no I/O happens under the lock.
 *
 * <p>Who sends: frames queued by a broadcast (on the feed's rebuild thread) are only queued there; the hub's
 * sender threads start the send ({@link #offerDelta} returns whether to schedule one, {@code pumpScheduled}
 * keeps a connection in at most one pending batch). Replies to inbound frames are sent from the inbound
 * thread, and each completion callback starts the next send on whatever thread the container runs it.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    /**
     * A queued outbound frame. A state frame with {@code full} set marks "the latest full state"; a delta whose
     * {@code seq - fromSeq > 1} covers several changes and is encoded (merged) when it is its turn.
     */
    private static final class Out {
        String text;
        final long fromSeq;
        long seq;
        final boolean state;
        final boolean full;

        private Out(String text, long fromSeq, long seq, boolean state, boolean full) {
            this.text = text;
            this.fromSeq = fromSeq;
            this.seq = seq;
            this.state = state;
            this.full = full;
        }

        static Out control(String text) {
            return new Out(text, -1, -1, false, false);
        }

        static Out state(String text, long seq) {
            return new Out(text, -1, seq, true, false);
        }

        static Out delta(String text, long fromSeq, long seq) {
            return new Out(text, fromSeq, seq, true, false);
        }

        static Out fullMarker() {
            return new Out(null, -1, -1, true, true);
        }

        boolean isMergedDelta() {
            return !full && fromSeq >= 0 && text == null;
        }
    }

    private final Hub hub;
    private final Transport transport;
    private final AdminIdentity identity;
    private final TokenBucket commands;
    private final long idleNanos;
    private final long heartbeatNanos;
    private final long graceNanos;
    private final int maxQueued;
    private volatile long lastInbound;

    // Guarded by this.
    private final ArrayDeque<Out> queue = new ArrayDeque<>();
    private int queuedState;
    private int queuedControl;
    private boolean inFlight;
    private boolean pumpScheduled;
    private long inFlightSince;
    private long lastPing;
    private boolean subscribed;
    private boolean deltas;
    private long lastQueuedSeq = -1;
    /** The last queued delta while it waits: later consecutive deltas extend it instead of queuing more frames. */
    private Out pendingDelta;
    private boolean closed;

    Connection(Hub hub, Transport transport, AdminIdentity identity) {
        this.hub = hub;
        this.transport = transport;
        this.identity = identity;
        long now = System.nanoTime();
        this.commands = new TokenBucket(hub.options.commandsPerSecond(), hub.options.commandBurst(), now);
        this.idleNanos = hub.options.idleTimeout().toNanos();
        this.heartbeatNanos = hub.options.heartbeatInterval().toNanos();
        this.graceNanos = hub.options.slowClientGrace().toNanos();
        this.maxQueued = hub.options.maxQueuedFrames();
        this.lastInbound = now;
        this.lastPing = now;
    }

    AdminIdentity identity() {
        return identity;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    String id() {
        return transport.id();
    }

    /** Sends {@code hello}; call once the inbound handlers are registered. */
    public void start() {
        Hub.AUDIT.info("event=connected actor={} connection={}", identity.name(), id());
        control(hub.codec.encode(new ServerMessage.Hello(ServerMessage.PROTOCOL_VERSION, hub.feed.epoch(), now(),
                hub.options.heartbeatInterval().toMillis(), Map.of(
                        "maxFrameBytes", (long) hub.options.maxFrameBytes(),
                        "commandBurst", (long) hub.options.commandBurst(),
                        "commandsPerMinute", Math.round(hub.options.commandsPerSecond() * 60)),
                // Name and permissions only: the identity record holds nothing else, and never a credential.
                new ServerMessage.Hello.Admin(identity.name(), identity.permissions()))));
    }

    // ---------------------------------------------------------------------------------------------- inbound

    /**
     * Handles one inbound text frame. Never throws: every failure becomes an {@code error} frame.
     *
     * @param text the frame
     */
    public void onText(String text) {
        lastInbound = System.nanoTime();
        try {
            // Containers enforce the limit too (closing with 1009); this covers any that only warn.
            if (text.length() > hub.options.maxFrameBytes()
                    || text.getBytes(StandardCharsets.UTF_8).length > hub.options.maxFrameBytes()) {
                close(1009, "frame too large");
                return;
            }
            ClientMessage m = hub.codec.decode(text);
            if (m instanceof ClientMessage.Subscribe) {
                subscribe((ClientMessage.Subscribe) m);
            } else if (m instanceof ClientMessage.Command) {
                command(((ClientMessage.Command) m).command());
            } else if (m instanceof ClientMessage.Ping) {
                control(hub.codec.encode(new ServerMessage.Pong(hub.feed.epoch(), now())));
            } else if (m instanceof ClientMessage.Resync) {
                resync();
            }
        } catch (ProtocolException e) {
            error(e.code(), e.getMessage(), e.commandId());
        } catch (RuntimeException | Error e) {
            internal("handling a frame", e, null);
        }
    }

    /** Records a pong (the answer to a server ping): the connection is alive. */
    public void onPong() {
        lastInbound = System.nanoTime();
    }

    /** The container closed the connection. */
    public void onClosed() {
        synchronized (this) {
            closed = true;
            queue.clear();
        }
        hub.remove(this);
        Hub.AUDIT.info("event=disconnected actor={} connection={}", identity.name(), id());
    }

    private void subscribe(ClientMessage.Subscribe s) {
        // Read the feed before taking this connection's lock: a feed may hold its own lock while it broadcasts to
        // us. A change published in between is caught by the gap check (prevSeq) and repaired with the full state.
        boolean wantsDeltas = s.deltas();
        Replay replay = s.resumes() && wantsDeltas ? hub.feed.replaySince(s.epoch(), s.lastSeq()) : null;
        List<SessionDelta> missed = replay != null && !replay.isFull() ? replay.deltas() : null;
        boolean resume = missed != null && missed.size() <= maxQueued;
        Snapshot snap = resume ? null : replay != null && replay.isFull() ? replay.snapshot() : hub.feed.current();
        String status = hub.codec.encode(new ServerMessage.Status(hub.feed.epoch(), now(), hub.feed.status(),
                hub.feed.statusReason()));
        FullFrames full = snap == null ? null : hub.full(snap);
        String sessionUpdate = full == null ? null : full.sessionUpdate();
        String metricsUpdate = full == null ? null : full.metricsUpdate();
        String single = resume && missed.size() == 1 ? hub.codec.encode(new ServerMessage.Delta(missed.get(0))) : null;
        synchronized (this) {
            if (closed) {
                return;
            }
            dropState();
            subscribed = true;
            deltas = wantsDeltas;
            if (resume) {
                // What it missed, as one delta (merged when several; encoded when it is its turn).
                lastQueuedSeq = s.lastSeq();
                if (!missed.isEmpty()) {
                    SessionDelta last = missed.get(missed.size() - 1);
                    pendingDelta = Out.delta(single, s.lastSeq(), last.seq());
                    add(pendingDelta);
                    lastQueuedSeq = last.seq();
                }
            } else {
                add(Out.state(sessionUpdate, snap.seq()));
                add(Out.state(metricsUpdate, snap.seq()));
                lastQueuedSeq = snap.seq();
            }
            add(Out.control(status));
        }
        pump();
    }

    private void resync() {
        synchronized (this) {
            if (!subscribed) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "send 'subscribe' before 'resync'");
            }
            markFull();
        }
        pump();
    }

    private void command(SessionCommand cmd) {
        Optional<CommandHandler> handler = hub.options.commandHandler();
        if (handler.isEmpty() || !handler.get().actions().contains(cmd.action())) {
            audit(cmd, "unknown_action");
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "unknown action '" + cmd.action() + "'", cmd.id());
        }
        String permission = hub.options.permissionFor(cmd.action());
        if (!identity.has(permission)) {
            audit(cmd, "denied");
            throw new ProtocolException(ErrorCode.FORBIDDEN, "'" + cmd.action() + "' needs permission '" + permission + "'", cmd.id());
        }
        if (!commands.tryAcquire(System.nanoTime())) {
            audit(cmd, "rate_limited");
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many commands; at most "
                    + hub.options.commandBurst() + " at once and " + hub.options.commandsPerSecond() + " per second", cmd.id());
        }
        try {
            hub.worker.execute(() -> runCommand(handler.get(), cmd));
        } catch (RejectedExecutionException e) {
            if (hub.isClosed()) {
                return; // the endpoint is closing this connection
            }
            // Every worker is busy and the queue is full: the client may retry this id later, like a rate limit.
            hub.commandsBusy.increment();
            audit(cmd, "busy");
            hub.logBusy(cmd.id(), id());
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "server busy: too many commands waiting; retry later",
                    cmd.id());
        }
    }

    private void runCommand(CommandHandler handler, SessionCommand cmd) {
        CommandResult result;
        try {
            result = handler.handle(cmd, identity.name());
        } catch (CommandException e) {
            ErrorCode code = errorCode(e.failure());
            audit(cmd, code.wireName());
            error(code, e.getMessage(), cmd.id());
            return;
        } catch (RuntimeException | Error e) {
            audit(cmd, "internal");
            internal("command " + cmd.action() + " id=" + cmd.id(), e, cmd.id());
            return;
        }
        audit(cmd, result.replayed() ? result.outcome() + "(replayed)" : result.outcome());
        CommandResult r = result;
        hub.feed.refresh(Set.of(cmd.sessionId())).whenComplete((seq, err) -> {
            long ackSeq = seq != null ? seq : hub.feed.current().seq();
            if (err != null) {
                log.warn("refresh after command {} failed; acknowledging with the current seq {}", cmd.id(), ackSeq, err);
            }
            // The refresh may complete on the feed's rebuild thread, which must never call the container.
            controlHandedOff(hub.codec.encode(new ServerMessage.Ack(hub.feed.epoch(), now(), cmd.id(), r, ackSeq)));
        });
    }

    /** The protocol error code a handler's {@link CommandFailure} is answered with. */
    static ErrorCode errorCode(CommandFailure failure) {
        switch (failure) {
            case NOT_FOUND:
                return ErrorCode.NOT_FOUND;
            case NOT_PERMITTED:
                return ErrorCode.FORBIDDEN;
            case INVALID:
            default:
                return ErrorCode.BAD_REQUEST;
        }
    }

    private void audit(SessionCommand cmd, String outcome) {
        Hub.AUDIT.info("event=command actor={} action={} sessionId={} commandId={} result={} connection={}",
                identity.name(), cmd.action(), cmd.sessionId(), cmd.id(), outcome, id());
    }

    private void error(ErrorCode code, String message, String commandId) {
        String cid = correlationId();
        log.debug("answering websocket connection {} with {} ({}), correlationId={}", id(), code.wireName(), message, cid);
        control(hub.codec.encode(new ServerMessage.Error(hub.feed.epoch(), now(), commandId, code, message, cid)));
    }

    private void internal(String what, Throwable e, String commandId) {
        String cid = correlationId();
        log.error("{} failed on websocket connection {} (actor={}), correlationId={}", what, id(), identity.name(), cid, e);
        try {
            control(hub.codec.encode(new ServerMessage.Error(hub.feed.epoch(), now(), commandId, ErrorCode.INTERNAL,
                    "internal error; quote correlation id " + cid, cid)));
        } catch (RuntimeException second) {
            log.error("could not even send the error frame to websocket connection {}", id(), second);
        }
    }

    private static String correlationId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    // --------------------------------------------------------------------------------------------- outbound

    /**
     * Queues a broadcast change (rebuild thread: no I/O).
     *
     * @return true if the caller must {@linkplain Hub#ready schedule} a pump for this connection
     */
    boolean offerDelta(SessionDelta delta, FullFrames.DeltaFrame frame, FullFrames full) {
        synchronized (this) {
            if (closed || !subscribed || delta.seq() <= lastQueuedSeq || !delta.epoch().equals(full.snapshot.epoch())) {
                return false;
            }
            if (delta.prevSeq() != lastQueuedSeq) {
                conflateLocked(); // missed something: the latest full state repairs it
                lastQueuedSeq = delta.seq();
            } else if (deltas) {
                Out p = pendingDelta;
                if (p != null && p.seq == delta.prevSeq()) {
                    if (delta.seq() - p.fromSeq > maxQueued) {
                        conflateLocked(); // too far behind: the latest full state is as small and cheaper to apply
                    } else {
                        // Behind: fold this change into the waiting delta (one merged frame, not one per change).
                        p.text = null;
                        p.seq = delta.seq();
                        hub.mergedChanges.increment();
                    }
                } else if (queuedState >= maxQueued) {
                    conflateLocked();
                } else {
                    pendingDelta = Out.delta(frame.text(), delta.prevSeq(), delta.seq());
                    add(pendingDelta);
                }
                lastQueuedSeq = delta.seq();
            } else {
                if ((inFlight || pumpScheduled) && queuedState > 0) {
                    conflateLocked(); // busy: keep only the latest full state
                } else {
                    if (delta.sessionsChanged()) {
                        add(Out.state(full.sessionUpdate(), delta.seq()));
                    }
                    if (delta.metricsChanged()) {
                        add(Out.state(full.metricsUpdate(), delta.seq()));
                    }
                }
                lastQueuedSeq = delta.seq();
            }
            return claimPumpLocked();
        }
    }

    /**
     * Queues a broadcast status frame (rebuild thread: no I/O).
     *
     * @return true if the caller must {@linkplain Hub#ready schedule} a pump for this connection
     */
    boolean offerStatus(String text) {
        synchronized (this) {
            if (!subscribed || closed || !addControlLocked(text)) {
                return false;
            }
            return claimPumpLocked();
        }
    }

    /** Marks a pump as scheduled if one is needed: something queued, nothing in flight, none scheduled yet. */
    private boolean claimPumpLocked() {
        if (closed || inFlight || pumpScheduled || queue.isEmpty()) {
            return false;
        }
        pumpScheduled = true;
        return true;
    }

    /** Runs on a sender thread: the pump a broadcast scheduled. */
    void runScheduledPump() {
        pump(true);
    }

    /** The sender pool refused the scheduled pump (the hub is closing). */
    void pumpRejected() {
        synchronized (this) {
            pumpScheduled = false;
        }
        close(1001, "endpoint closed");
    }

    private void conflateLocked() {
        hub.conflations.increment();
        markFull();
    }

    private void control(String text) {
        synchronized (this) {
            if (closed || !addControlLocked(text)) {
                return;
            }
        }
        pump();
    }

    /** Like {@link #control(String)} for callers that must not call the container: a sender thread sends it. */
    private void controlHandedOff(String text) {
        boolean schedule;
        synchronized (this) {
            schedule = !closed && addControlLocked(text) && claimPumpLocked();
        }
        if (schedule) {
            hub.ready(this);
            hub.startSenders(1);
        }
    }

    private boolean addControlLocked(String text) {
        if (queuedControl >= Math.max(16, maxQueued)) {
            log.info("websocket connection {} (actor={}) does not read its replies; closing it", id(), identity.name());
            hub.slowClosed.increment();
            closeLocked(1013, "too many unread replies");
            return false;
        }
        add(Out.control(text));
        return true;
    }

    private void add(Out o) {
        queue.add(o);
        if (o.state) {
            queuedState++;
        } else {
            queuedControl++;
        }
    }

    private void dropState() {
        for (Iterator<Out> it = queue.iterator(); it.hasNext(); ) {
            if (it.next().state) {
                it.remove();
            }
        }
        queuedState = 0;
        pendingDelta = null;
    }

    private void markFull() {
        dropState();
        add(Out.fullMarker());
    }

    /** Takes the next queued frame (a full-state marker or a merged delta is materialized by the caller). */
    private Out pollLocked() {
        Out o = queue.poll();
        if (o == null) {
            return null;
        }
        if (o.state) {
            queuedState--;
        } else {
            queuedControl--;
        }
        if (o == pendingDelta) {
            pendingDelta = null; // on its way: later changes queue behind it (nobody changes o any more)
        }
        return o;
    }

    /**
     * The text of a polled frame, turning a merged delta or a full-state marker into its frame. Runs with the
     * send slot taken but <em>without</em> the connection's lock: it reads the feed ({@code replaySince},
     * {@code current}), and a feed may hold its own lock while it broadcasts to us.
     */
    private String materialize(Out o) {
        if (o.text != null) {
            return o.text;
        }
        if (o.isMergedDelta()) {
            String merged = hub.mergedDelta(o.fromSeq, o.seq);
            if (merged != null) {
                return merged;
            }
            hub.conflations.increment(); // the replay window no longer holds those changes: send the full state
        }
        Snapshot snap = hub.feed.current();
        FullFrames f = hub.full(snap);
        String sessions = f.sessionUpdate();
        String metrics = f.metricsUpdate();
        synchronized (this) {
            for (Iterator<Out> it = queue.iterator(); it.hasNext(); ) {
                Out q = it.next();
                if (q.state && q.seq <= snap.seq()) {
                    it.remove();
                    queuedState--;
                    if (q == pendingDelta) {
                        pendingDelta = null;
                    }
                }
            }
            lastQueuedSeq = Math.max(lastQueuedSeq, snap.seq());
            queue.addFirst(Out.state(metrics, snap.seq()));
            queuedState++;
        }
        return sessions;
    }

    private void pump() {
        pump(false);
    }

    private void pump(boolean scheduled) {
        Out o;
        synchronized (this) {
            if (scheduled) {
                pumpScheduled = false;
            }
            if (inFlight || closed) {
                return;
            }
            o = pollLocked();
            if (o == null) {
                return;
            }
            inFlight = true; // the send slot: no other send starts while this frame is materialized and sent
            inFlightSince = System.nanoTime();
        }
        // Never throws: a pump also runs inside a container's completion callback, where an exception would be
        // swallowed (or reported as the send's failure) and the taken frame lost while the client stays open with
        // a gap. A frame that cannot be prepared or handed over closes the connection instead; the client
        // reconnects and resumes, so it is never silently behind.
        String next;
        try {
            next = materialize(o);
        } catch (RuntimeException | Error e) {
            log.error("preparing a frame for websocket connection {} failed; closing it", id(), e);
            close(1011, "internal error");
            return;
        }
        int chars = next.length();
        try {
            transport.sendText(next, error -> sent(error, chars));
        } catch (RuntimeException | Error e) {
            log.error("handing a frame to websocket connection {} failed; closing it", id(), e);
            close(1011, "internal error");
        }
    }

    /**
     * A send finished: frees the send slot and starts the next one.
     *
     * @param chars the text frame's length, or -1 for a ping (not counted as a frame)
     */
    private void sent(Throwable error, int chars) {
        synchronized (this) {
            inFlight = false;
        }
        if (error == null && chars >= 0) {
            hub.framesSent.increment();
            hub.charsSent.add(chars);
        }
        if (error != null) {
            log.debug("send to websocket connection {} failed: {}", id(), error.toString());
            close(1011, "send failed");
            return;
        }
        pump();
    }

    /**
     * Housekeeping: slow-client and idle checks, heartbeat pings.
     *
     * @param now {@link System#nanoTime()}
     */
    void tick(long now) {
        boolean ping = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (log.isTraceEnabled()) {
                log.trace("tick {}: inFlight={} for {} ms, queued state={} control={}", id(), inFlight,
                        inFlight ? (now - inFlightSince) / 1_000_000 : 0, queuedState, queuedControl);
            }
            if (inFlight && now - inFlightSince > graceNanos) {
                log.info("websocket connection {} (actor={}) has not accepted data for {} ms; closing it as too slow",
                        id(), identity.name(), (now - inFlightSince) / 1_000_000);
                hub.slowClosed.increment();
                closeLocked(1013, "client too slow");
                return;
            }
            if (now - lastInbound > idleNanos) {
                log.info("websocket connection {} (actor={}) idle for {} ms; closing it", id(), identity.name(),
                        (now - lastInbound) / 1_000_000);
                closeLocked(1001, "idle timeout");
                return;
            }
            if (!inFlight && now - lastPing >= heartbeatNanos) {
                inFlight = true; // a ping is a send too: never concurrent with a text send
                inFlightSince = now;
                lastPing = now;
                ping = true;
            }
        }
        if (ping) {
            try {
                hub.io.execute(this::ping);
            } catch (RejectedExecutionException e) {
                // Frames queued while the ping held the in-flight slot would otherwise wait for a send that
                // never completes.
                boolean schedule;
                synchronized (this) {
                    inFlight = false;
                    schedule = !hub.isClosed() && claimPumpLocked();
                }
                if (hub.isClosed()) {
                    close(1001, "endpoint closed");
                } else {
                    log.warn("heartbeat ping for websocket connection {} refused by its thread pool; skipped", id(), e);
                    if (schedule) {
                        hub.ready(this);
                        hub.startSenders(1);
                    }
                }
            }
        }
    }

    private void ping() {
        Throwable failure = null;
        try {
            transport.sendPing();
        } catch (Exception | Error e) {
            failure = e;
        }
        sent(failure, -1);
    }

    /**
     * Closes the connection (asynchronously; the close frame may take time to write).
     *
     * @param code   the close code
     * @param reason the reason
     */
    public void close(int code, String reason) {
        synchronized (this) {
            closeLocked(code, reason);
        }
    }

    private void closeLocked(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        queuedState = 0;
        queuedControl = 0;
        try {
            hub.io.execute(() -> transport.close(code, reason));
        } catch (RejectedExecutionException e) {
            transport.close(code, reason);
        }
    }

    private java.time.Instant now() {
        return hub.options.clock().instant();
    }
}
