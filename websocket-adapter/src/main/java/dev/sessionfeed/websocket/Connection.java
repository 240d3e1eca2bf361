package dev.sessionfeed.websocket;

import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ErrorCode;
import dev.sessionfeed.protocol.ProtocolException;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's state: its identity, its {@link OutboundQueue}, its {@link SendSlot} (at most one send in
 * flight), its {@link Liveness} and its command rate limit. Inbound frames go to the {@link InboundDispatcher};
 * sends are started here, inline or through the {@link SendScheduler}. Where each of these runs: "Threads" in
 * {@code docs/websocket-adapter.md}.
 *
 * <p>Thread-safe: the queue, the slot and the flags are guarded by {@code lock}; no I/O and no feed call happens
 * under it (a send, a ping and a close are started after it is released; a feed may hold its own lock while it
 * broadcasts to us).
 */
final class Connection implements SendScheduler.Scheduled {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final EndpointParts endpoint;
    private final Transport transport;
    private final AdminIdentity identity;
    private final CommandBudget commands;
    private final Object lock = new Object();
    private final Liveness liveness;
    // Guarded by lock.
    private final OutboundQueue queue;
    private final SendSlot slot = new SendSlot(lock);
    private boolean closed;
    private int closeCode;
    private String closeReason;
    /** Bytes of the send in flight counted in the endpoint's {@link MemoryBudget}; 0 when none. */
    private long chargedBytes;
    private final FullStateRequests fullStates;
    /** The client takes the full {@code session_update} as a binary frame (subscribe's {@code binary}). */
    private boolean binaryFullState;

    Connection(EndpointParts endpoint, Transport transport, AdminIdentity identity) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.identity = identity;
        long now = System.nanoTime();
        WebSocketOptions o = endpoint.options();
        this.commands = new CommandBudget(new TokenBucket(o.commandsPerSecond(), o.commandBurst(), now));
        this.liveness = new Liveness(o, now);
        this.queue = new OutboundQueue(o.maxQueuedFrames(), endpoint.metrics());
        this.fullStates = new FullStateRequests(lock, o.subscribeInterval().toNanos());
    }

    AdminIdentity identity() {
        return identity;
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public String id() {
        return transport.id();
    }

    /** Sends {@code hello}; call once the inbound handlers are registered. */
    void start() {
        Audit.connected(identity.name(), id());
        reply(endpoint.replies().hello(identity));
    }

    // ---------------------------------------------------------------------------------------------- inbound

    /**
     * Handles one inbound text frame. Never throws: every failure becomes an {@code error} frame.
     *
     * @param text the frame
     */
    void onText(String text) {
        if (isClosed()) {
            return; // closed by the endpoint: what the client still sends costs nothing more
        }
        liveness.inbound(System.nanoTime());
        endpoint.inbound().onText(this, text);
    }

    /** A binary frame: the protocol has none from clients, so the connection is closed with 1003. */
    void onBinary() {
        close(1003, "binary frames are not accepted");
    }

    /**
     * The container reported an error on this connection (for example a frame over its own size limit, which it
     * closes itself): its timeouts are shrunk so that a peer that never answers the container's close frame is gone
     * within seconds. No frame is sent from here, so the container's own close code reaches the client.
     */
    void onTransportError() {
        transport.shortenTimeouts();
    }

    /** Records a pong (the answer to a server ping): the connection is alive. */
    void onPong() {
        liveness.inbound(System.nanoTime());
    }

    /** The container closed the connection. */
    void onClosed() {
        long charged;
        synchronized (lock) {
            closed = true;
            queue.clear();
            charged = takeChargeLocked();
        }
        endpoint.budget().release(charged);
        endpoint.registry().remove(this);
        Audit.disconnected(identity.name(), id());
    }

    /** @return whether a command may go on, is rate-limited, or closes the connection (its {@link CommandBudget}) */
    CommandBudget.Verdict chargeCommand() {
        return commands.charge(System.nanoTime());
    }

    /**
     * Starts the state stream with a full state read before (outside the lock). A change broadcast since is
     * repaired at once: the latest full state is queued instead.
     */
    void subscribeFull(boolean deltas, boolean binary, String sessionUpdate, String metricsUpdate, long seq,
            String status) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            binaryFullState = binary;
            // Read under the lock: a broadcast records its snapshot before it offers the change to any connection
            // (under that connection's lock), so a change we were not yet subscribed for is seen here.
            Snapshot newest = endpoint.mirror().latestBroadcast();
            queue.subscribe(deltas);
            fullStates.given(System.nanoTime());
            if (newest != null && newest.seq() > seq) {
                queue.queueLatestFullState(newest.seq()); // a change went out between the read and now
            } else {
                queue.queueFullState(sessionUpdate, metricsUpdate, seq);
            }
            queue.addControl(status);
        }
        pump(false);
    }

    /**
     * Starts the state stream of a resuming client with what it missed ({@code fromSeq} to {@code toSeq}) as one
     * delta; a change broadcast since is folded in.
     *
     * @param text the encoded delta, or null when there is none
     */
    void subscribeResume(long fromSeq, long toSeq, boolean binary, String text, String status) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            binaryFullState = binary;
            Snapshot newest = endpoint.mirror().latestBroadcast(); // under the lock: see subscribeFull
            queue.subscribe(true);
            if (newest != null && newest.seq() > toSeq) {
                queue.queueResume(fromSeq, newest.seq(), null); // merged from the delta window when it is its turn
            } else {
                queue.queueResume(fromSeq, toSeq, text);
            }
            queue.addControl(status);
        }
        pump(false);
    }

    /**
     * The client asked for the full state again.
     *
     * @throws ProtocolException if it has not subscribed
     */
    void resync() {
        synchronized (lock) {
            if (!queue.subscribed()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "send 'subscribe' before 'resync'");
            }
            if (!fullStates.request(System.nanoTime())) {
                endpoint.metrics().fullStatesCoalesced.increment();
                return;
            }
            queue.markFull();
        }
        pump(false);
    }

    /**
     * A repeated {@code subscribe} for the full state: within the subscribe interval of the last full state it is
     * coalesced (the stream goes on with the requested {@code deltas}, one full state follows when the interval
     * ends).
     *
     * @return true if it was coalesced: nothing more to do
     */
    boolean coalesceSubscribe(boolean deltas, boolean binary) {
        synchronized (lock) {
            if (closed || !queue.subscribed() || fullStates.request(System.nanoTime())) {
                return false;
            }
            endpoint.metrics().fullStatesCoalesced.increment();
            binaryFullState = binary;
            queue.subscribe(deltas);
            return true;
        }
    }

    /** Answers with an {@code error} frame (logged at debug with a new correlation id). */
    void replyError(ErrorCode code, String message, String commandId) {
        String cid = correlationId();
        log.debug("answering websocket connection {} with {} ({}), correlationId={}", id(), code.wireName(),
                LogValues.quote(message, 256), cid);
        reply(endpoint.replies().error(code, message, commandId, cid));
    }

    /** Answers an unexpected failure with {@code internal} and a correlation id; the log has the details. */
    void replyInternal(String what, Throwable e, String commandId) {
        String cid = correlationId();
        log.error("{} failed on websocket connection {} (actor={}), correlationId={}", what, id(), identity.name(), cid, e);
        try {
            reply(endpoint.replies().error(ErrorCode.INTERNAL, "internal error; quote correlation id " + cid,
                    commandId, cid));
        } catch (RuntimeException second) {
            log.error("could not even send the error frame to websocket connection {}", id(), second);
        }
    }

    private static String correlationId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    // --------------------------------------------------------------------------------------------- outbound

    /** Queues a reply and sends it from the calling thread (an inbound thread, or a completion callback). */
    void reply(String text) {
        boolean closing;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closing = !addControlLocked(text);
        }
        if (closing) {
            closeTransport();
            return;
        }
        pump(false);
    }

    /** Like {@link #reply} for callers that must not call the container (the feed's thread): a sender sends it. */
    void replyHandedOff(String text) {
        boolean closing;
        boolean handOff;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closing = !addControlLocked(text);
            handOff = !closing && slot.claimHandOff(!queue.isEmpty());
        }
        afterLocked(closing, handOff);
    }

    /** Queues a broadcast change (the feed's rebuild thread: no I/O, no container call). */
    void offerDelta(SessionDelta delta, DeltaFrame frame, FullFrames full) {
        boolean handOff;
        synchronized (lock) {
            handOff = !closed && queue.offerDelta(delta, frame, full, slot.busy()) && slot.claimHandOff(!queue.isEmpty());
        }
        afterLocked(false, handOff);
    }

    /** Queues a broadcast status frame (the feed's rebuild thread: no I/O, no container call). */
    void offerStatus(String text) {
        boolean closing = false;
        boolean handOff = false;
        synchronized (lock) {
            if (closed || !queue.subscribed()) {
                return;
            }
            closing = !addControlLocked(text);
            handOff = !closing && slot.claimHandOff(!queue.isEmpty());
        }
        afterLocked(closing, handOff);
    }

    /** After a locked section: starts the close it decided, or hands the connection to the senders. */
    private void afterLocked(boolean closing, boolean handOff) {
        if (closing) {
            closeTransport();
        } else if (handOff) {
            endpoint.scheduler().schedule(this);
        }
    }

    /** @return false if the client does not read its replies: the connection is now closed (start the close) */
    private boolean addControlLocked(String text) {
        assert Thread.holdsLock(lock);
        if (queue.addControl(text)) {
            return true;
        }
        log.info("websocket connection {} (actor={}) does not read its replies; closing it", id(), identity.name());
        endpoint.metrics().slowClientsClosed.increment();
        boolean closing = closeLocked(1013, "too many unread replies");
        return !closing;
    }

    @Override
    public void runScheduledPump() {
        pump(true);
    }

    @Override
    public void pumpRejected() {
        synchronized (lock) {
            slot.handOffDone();
        }
        close(1001, "endpoint closed");
    }

    /**
     * Starts the next send if none is in flight. Never throws: a pump also runs inside a container's completion
     * callback, where an exception would be swallowed (or reported as the send's failure) and the taken frame lost
     * while the client stays open with a gap. A frame that cannot be prepared or handed over closes the connection
     * instead; the client reconnects and resumes, so it is never silently behind.
     */
    private void pump(boolean scheduled) {
        OutboundQueue.Out o;
        long queuedSeq;
        boolean binary;
        synchronized (lock) {
            if (scheduled) {
                slot.handOffDone();
            }
            if (closed || slot.inFlight()) {
                return;
            }
            o = queue.poll();
            if (o == null) {
                return;
            }
            // The send slot: no other send starts while this frame is materialized and sent.
            slot.acquire(System.nanoTime());
            queuedSeq = queue.lastQueuedSeq();
            binary = binaryFullState;
        }
        String next;
        try {
            next = materialize(o, queuedSeq);
        } catch (RuntimeException | Error e) {
            log.error("preparing a frame for websocket connection {} failed; closing it", id(), e);
            close(1011, "internal error");
            return;
        }
        java.nio.ByteBuffer bytes = binary ? endpoint.frames().binaryOf(next) : null;
        int chars = bytes != null ? bytes.remaining() : next.length();
        // Counted per connection even for the shared binary buffer: some containers (Tyrus) copy it anyway.
        synchronized (lock) {
            chargedBytes = chars;
        }
        if (endpoint.budget().charge(chars)) {
            endpoint.budget().shed(endpoint.registry(), System.nanoTime());
            if (endpoint.budget().refuses(chars)) {
                // Still over after shedding: a large frame would only add to it. Refused like a new subscription.
                long charged;
                synchronized (lock) {
                    charged = takeChargeLocked();
                    slot.release();
                }
                endpoint.budget().release(charged);
                refuseOverBudget();
                return;
            }
        }
        try {
            if (bytes != null) {
                transport.sendBinary(bytes, error -> sent(error, chars));
            } else {
                transport.sendText(next, error -> sent(error, chars));
            }
        } catch (RuntimeException | Error e) {
            log.error("handing a frame to websocket connection {} failed; closing it", id(), e);
            close(1011, "internal error");
        }
    }

    /**
     * The text of a polled frame, turning a merged delta or a full-state marker into its frame. Runs with the send
     * slot taken but without the lock (it encodes, and may read the feed once when no broadcast snapshot is held).
     */
    private String materialize(OutboundQueue.Out o, long queuedSeq) {
        if (o.text != null) {
            return o.text;
        }
        if (o.isMergedDelta()) {
            String merged = endpoint.frames().merged(o.fromSeq, o.seq);
            if (merged != null) {
                return merged;
            }
            // The delta window no longer holds those changes: send the full state.
            endpoint.metrics().fullStateConflations.increment();
        }
        Snapshot snap = endpoint.mirror().latest(queuedSeq);
        FullFrames f = endpoint.frames().full(snap);
        String sessions = f.sessionUpdate();
        String metrics = f.metricsUpdate();
        synchronized (lock) {
            queue.fullStateTaken(snap.seq(), metrics);
        }
        return sessions;
    }

    /** @return the bytes of the send in flight counted in the budget, now no longer counted here (release them) */
    private long takeChargeLocked() {
        assert Thread.holdsLock(lock);
        long charged = chargedBytes;
        chargedBytes = 0;
        return charged;
    }

    /**
     * A send finished: frees the send slot and starts the next one.
     *
     * @param chars the text frame's length, or -1 for a ping (not counted as a frame)
     */
    private void sent(Throwable error, int chars) {
        long charged;
        synchronized (lock) {
            slot.release();
            charged = takeChargeLocked();
        }
        endpoint.budget().release(charged);
        if (error == null && chars >= 0) {
            endpoint.metrics().framesSent.increment();
            endpoint.metrics().charsSent.add(chars);
        }
        if (error != null) {
            log.debug("send to websocket connection {} failed: {}", id(), error.toString());
            close(1011, "send failed");
            return;
        }
        pump(false);
    }

    // ------------------------------------------------------------------------------------------- liveness

    /**
     * Housekeeping: slow-client and idle checks, heartbeat pings.
     *
     * @param now {@link System#nanoTime()}
     */
    void tick(long now) {
        Liveness.Verdict verdict;
        boolean closing = false;
        boolean handOffFull = false;
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (log.isTraceEnabled()) {
                log.trace("tick {}: inFlight={} for {} ms, queued state={} control={}", id(), slot.inFlight(),
                        slot.inFlightNanos(now) / 1_000_000, queue.queuedState(), queue.queuedControl());
            }
            verdict = liveness.check(now, slot);
            if (verdict == Liveness.Verdict.NOTHING && fullStates.dueAt(now)) {
                queue.markFull(); // the coalesced subscribe/resync: one full state now
                handOffFull = slot.claimHandOff(true);
            }
            switch (verdict) {
                case TOO_SLOW:
                    log.info("websocket connection {} (actor={}) has not accepted data for {} ms; closing it as too slow",
                            id(), identity.name(), slot.inFlightNanos(now) / 1_000_000);
                    endpoint.metrics().slowClientsClosed.increment();
                    closing = closeLocked(1013, "client too slow");
                    break;
                case IDLE:
                    log.info("websocket connection {} (actor={}) idle for {} ms; closing it", id(), identity.name(),
                            liveness.silentNanos(now) / 1_000_000);
                    closing = closeLocked(1001, "idle timeout");
                    break;
                case PING:
                    slot.acquire(now); // a ping is a send too: never concurrent with a text send
                    break;
                default:
                    break;
            }
        }
        if (closing) {
            closeTransport();
        } else if (verdict == Liveness.Verdict.PING) {
            startPing();
        } else if (handOffFull) {
            endpoint.scheduler().schedule(this);
        }
    }

    // ------------------------------------------------------------------------------------------ memory budget

    /**
     * @return this connection's send in flight if it has been unfinished for at least {@code minNanos}, else null
     */
    MemoryBudget.Stall stall(long now, long minNanos) {
        synchronized (lock) {
            if (closed || chargedBytes == 0 || !slot.inFlight() || slot.inFlightNanos(now) < minNanos) {
                return null;
            }
            return new MemoryBudget.Stall(this, now - slot.inFlightNanos(now), chargedBytes);
        }
    }

    /**
     * Closes this stalled connection with 1013 to free the memory budget, aborting its transport.
     *
     * @return true if this call closed it
     */
    boolean shed() {
        boolean closing;
        synchronized (lock) {
            closing = closeLocked(1013, "server busy: send buffers full");
        }
        if (closing) {
            log.info("websocket connection {} (actor={}) closed to free the memory budget (its send is stalled)",
                    id(), LogValues.quote(identity.name()));
            endpoint.metrics().slowClientsClosed.increment();
            closeTransport();
        }
        return closing;
    }

    /** Refuses a {@code subscribe} or {@code resync} while the memory budget is exceeded: closes with 1013. */
    void refuseOverBudget() {
        endpoint.metrics().subscriptionsRefused.increment();
        log.info("websocket connection {} (actor={}): full state refused, the memory budget is exceeded; closing it "
                + "with 1013", id(), LogValues.quote(identity.name()));
        close(1013, "server busy; retry later");
    }

    private void startPing() {
        try {
            endpoint.tasks().runIo(this::ping);
        } catch (RejectedExecutionException e) {
            // Frames queued while the ping held the send slot would otherwise wait for a send that never completes.
            boolean endpointClosed = endpoint.registry().isClosed();
            boolean handOff;
            synchronized (lock) {
                slot.release();
                handOff = !endpointClosed && !closed && slot.claimHandOff(!queue.isEmpty());
            }
            if (endpointClosed) {
                close(1001, "endpoint closed");
            } else {
                log.warn("heartbeat ping for websocket connection {} refused by its thread pool; skipped", id(), e);
                afterLocked(false, handOff);
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

    // ---------------------------------------------------------------------------------------------- close

    /**
     * Closes the connection (asynchronously; the close frame may take time to write).
     *
     * @param code   the close code
     * @param reason the reason
     */
    @Override
    public void close(int code, String reason) {
        boolean closing;
        synchronized (lock) {
            closing = closeLocked(code, reason);
        }
        if (closing) {
            closeTransport();
        }
    }

    /**
     * Marks the connection closed and drops what waits; the caller must then call {@link #closeTransport()} after
     * releasing the lock.
     *
     * @return true if this call closed it
     */
    private boolean closeLocked(int code, String reason) {
        assert Thread.holdsLock(lock);
        if (closed) {
            return false;
        }
        closed = true;
        closeCode = code;
        closeReason = reason;
        queue.clear();
        return true;
    }

    /**
     * Writes the close frame on an I/O thread, or here when the pool refuses (the endpoint is closing). Every close
     * other than a normal one (1000, 1001) is an abort: the client misbehaved or stopped reading, and may never
     * answer the close frame, so the container's timeouts are shrunk first and the connection is gone within
     * seconds on every container instead of after its idle timeout.
     */
    private void closeTransport() {
        assert !Thread.holdsLock(lock);
        int code;
        String reason;
        synchronized (lock) {
            code = closeCode;
            reason = closeReason;
        }
        boolean abort = code != 1000 && code != 1001;
        Runnable close = abort ? () -> transport.abort(code, reason) : () -> transport.close(code, reason);
        try {
            endpoint.tasks().runIo(close);
        } catch (RejectedExecutionException e) {
            close.run();
        }
    }
}
