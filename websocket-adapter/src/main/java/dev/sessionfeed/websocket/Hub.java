package dev.sessionfeed.websocket;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's engine: wires its parts, is the {@link Broadcaster} registered with the feed (each event is
 * encoded once and queued on every connection, the sends handed to the {@link SendScheduler}), and owns the
 * lifecycle. Threads: "Threads" in {@code docs/websocket-adapter.md}. Thread-safe; {@link #close()} is idempotent.
 */
final class Hub implements Broadcaster, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);

    /** Test knobs; {@link #DEFAULTS} in production. */
    record Tuning(ExecutorService io, Duration fanOutWait, int deltaWindow) {
        static final Tuning DEFAULTS = new Tuning(null, SendScheduler.DEFAULT_FAN_OUT_WAIT, -1);
    }

    private final WebSocketOptions options;
    private final Metrics metrics;
    private final ConnectionRegistry registry;
    private final MemoryBudget budget;
    private final FeedMirror mirror;
    private final FrameCache frames;
    private final TaskRunner tasks;
    private final SendScheduler scheduler;
    private final EndpointParts parts;
    private final AutoCloseable registration;

    /**
     * Creates the hub, starts its threads and registers it with the feed.
     *
     * @param feed    the feed
     * @param options the options
     */
    Hub(SessionFeed feed, WebSocketOptions options) {
        this(feed, options, Tuning.DEFAULTS);
    }

    /** For tests: {@code io} replaces the close/ping pool when not null; {@code fanOutWait} the backpressure bound. */
    Hub(SessionFeed feed, WebSocketOptions options, ExecutorService io, Duration fanOutWait) {
        this(feed, options, new Tuning(io, fanOutWait, -1));
    }

    Hub(SessionFeed feed, WebSocketOptions options, Tuning tuning) {
        this.options = options;
        this.metrics = new Metrics(options.commandHandler().map(h -> h.actions()).orElse(java.util.Set.of()));
        this.registry = new ConnectionRegistry(options.maxConnections(), options.maxConnectionsPerAdmin());
        this.budget = new MemoryBudget(options.maxBufferedBytes(), metrics);
        ProtocolCodec codec = new ProtocolCodec();
        DeltaWindow window = new DeltaWindow(tuning.deltaWindow() >= 0 ? tuning.deltaWindow() : deltaWindow(options));
        this.mirror = new FeedMirror(feed, window);
        this.frames = new FrameCache(codec, window, metrics);
        Replies replies = new Replies(codec, options, mirror.epoch());
        this.tasks = new TaskRunner(options, tuning.io());
        this.scheduler = new SendScheduler(tasks.senders(), options.senderThreads(), tuning.fanOutWait(), metrics);
        CommandDispatcher commands = new CommandDispatcher(options, tasks, mirror, replies, metrics, registry);
        InboundDispatcher inbound = new InboundDispatcher(options, codec, mirror, frames, replies, commands, budget);
        this.parts = new EndpointParts(options, metrics, mirror, frames, replies, scheduler, tasks, registry, inbound,
                budget);
        tasks.everyPeriod(this::tickSafely, tickPeriod(options));
        this.registration = feed.addBroadcaster(this);
        mirror.status(); // read the feed's status once, after registering: from now on the broadcasts keep it
    }

    /**
     * How many broadcast deltas the endpoint keeps to build merged deltas from: twice
     * {@link WebSocketOptions#maxQueuedFrames()} (a delta client is never more than that many changes behind
     * before it gets the full state), plus slack for the changes that arrive while a merged delta is prepared.
     */
    static int deltaWindow(WebSocketOptions options) {
        return 2 * options.maxQueuedFrames() + 16;
    }

    private static Duration tickPeriod(WebSocketOptions o) {
        Duration min = o.heartbeatInterval();
        if (o.idleTimeout().compareTo(min) < 0) {
            min = o.idleTimeout();
        }
        if (o.slowClientGrace().compareTo(min) < 0) {
            min = o.slowClientGrace();
        }
        return Duration.ofMillis(Math.max(20, Math.min(1000, min.toMillis() / 4)));
    }

    WebSocketOptions options() {
        return options;
    }

    /**
     * Opens a connection for an authenticated admin, within {@link WebSocketOptions#maxConnections()} and
     * {@link WebSocketOptions#maxConnectionsPerAdmin()} (connections being closed still count: they hold a socket).
     *
     * @return the connection (call {@link Connection#start()} once its inbound handlers are registered), or null
     *         when a limit is reached: the caller closes the session with 1013
     */
    Connection open(Transport transport, AdminIdentity identity) {
        Connection c = new Connection(parts, transport, identity);
        String refused = registry.add(c);
        if (refused != null) {
            metrics.connectionsRefused.increment();
            Audit.rejectedConnectionLimit(identity.name(), refused, transport.id());
            return null;
        }
        return c;
    }

    /** @return the number of open connections, not counting those being closed */
    int connectionCount() {
        return registry.openCount();
    }

    /** @return the connections the endpoint still holds, those being closed included (tests: a close is complete) */
    int trackedConnections() {
        return registry.size();
    }

    /** @return how many shared frames were encoded so far (tests: once per event, not per connection) */
    long sharedEncodes() {
        return metrics.sharedEncodes.sum();
    }

    /** @return the counters, read one by one (not atomic across fields) */
    WebSocketStats stats() {
        int open = registry.openCount();
        return metrics.snapshot(open, Math.max(0, registry.size() - open), budget.buffered());
    }

    /** @see ConnectionRegistry#revoke */
    int revoke(Predicate<AdminIdentity> which) {
        return registry.revoke(which);
    }

    // ------------------------------------------------------------------------------------------- Broadcaster

    /** A change: recorded, queued on every connection, the sends handed to the senders (with backpressure). */
    @Override
    public void onDelta(SessionDelta delta, Snapshot current) {
        long start = System.nanoTime();
        try {
            mirror.onDelta(delta, current);
            DeltaFrame frame = frames.delta(delta);
            FullFrames full = frames.full(current);
            scheduler.fanOut(() -> registry.forEach(c -> {
                try {
                    c.offerDelta(delta, frame, full);
                } catch (RuntimeException e) {
                    log.error("queueing seq {} for websocket connection {} failed; closing it", delta.seq(), c.id(), e);
                    c.close(1011, "internal error");
                }
            }));
        } finally {
            metrics.broadcasts.increment();
            metrics.broadcasterNanos.add(System.nanoTime() - start);
        }
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        long start = System.nanoTime();
        try {
            mirror.onStatus(status, reason);
            String text = frames.encodeShared(new ServerMessage.Status(mirror.epoch(), options.clock().instant(),
                    status, reason));
            registry.forEach(c -> c.offerStatus(text));
        } finally {
            metrics.broadcasts.increment();
            metrics.broadcasterNanos.add(System.nanoTime() - start);
        }
    }

    @Override
    public void onClose() {
        registry.closeAll(1001, "feed closed");
    }

    // --------------------------------------------------------------------------------------------- lifecycle

    private void tickSafely() {
        try {
            long now = System.nanoTime();
            registry.forEach(c -> c.tick(now));
            budget.shed(registry, now);
            Audit.flush(now);
        } catch (Throwable t) {
            log.error("websocket housekeeping failed; will run again", t);
        }
    }

    /** Closes every connection with 1001, unregisters from the feed and stops the threads. Idempotent. */
    @Override
    public void close() {
        if (!registry.markClosed()) {
            return;
        }
        try {
            registration.close();
        } catch (Exception e) {
            log.warn("removing the websocket broadcaster from the feed failed", e);
        }
        registry.closeAll(1001, "endpoint closed");
        tasks.close(); // after the connections' closes were queued: they still run
    }
}
