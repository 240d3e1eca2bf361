package dev.sessionfeed.websocket.internal;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.WebSocketOptions;
import dev.sessionfeed.websocket.WebSocketStats;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared part of one endpoint: the connections, the broadcaster registered with the feed (encodes each
 * event once for all connections), and the endpoint's threads. Thread-safe.
 *
 * <p>Threads (all made by the options' thread factory when one is set, else daemon threads named as below):
 * <ul>
 *   <li>the feed's rebuild thread calls {@link #onDelta} / {@link #onStatus}: it queues the shared frame on
 *       every connection under that connection's lock (no I/O, no container call) and hands the connections
 *       that need a send started to a ready queue, and starts at most {@code senderThreads} tasks to drain it;
 *       when the senders have not finished starting the previous change's sends, it first waits for them
 *       (bounded: backpressure, see {@link #onDelta});</li>
 *   <li>{@code sessionfeed-ws-send-N} (fixed pool of {@link WebSocketOptions#senderThreads()}, started with the
 *       hub, never idle out): take connections from the ready queue and start the container's asynchronous
 *       send; completion callbacks start the next send on container threads;</li>
 *   <li>{@code sessionfeed-ws-worker-N} (at most {@link WebSocketOptions#workerThreads()}, idle after 60 s,
 *       queue of {@link WebSocketOptions#maxQueuedCommands()}): commands, which call the host's handler;</li>
 *   <li>{@code sessionfeed-ws-io-N} (2, started with the hub, never idle out): close frames and pings, which some
 *       containers write blocking — kept apart from commands so a stuck handler cannot stall heartbeats;</li>
 *   <li>{@code sessionfeed-ws-housekeeping-1}: heartbeat, idle and slow-client checks.</li>
 * </ul>
 */
public final class Hub implements Broadcaster, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);
    static final Logger AUDIT = LoggerFactory.getLogger("sessionfeed.audit");
    static final int IO_THREADS = 2;
    private static final long IDLE_SECONDS = 60;

    final SessionFeed feed;
    final WebSocketOptions options;
    final ProtocolCodec codec = new ProtocolCodec();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicReference<FullFrames> latestFull = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Connection> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger senders = new AtomicInteger();
    private final ScheduledExecutorService housekeeping;
    private final ThreadPoolExecutor sender;
    final ThreadPoolExecutor worker;
    final ExecutorService io;
    private final AutoCloseable registration;

    // Counters (monotonic; read one by one for stats()).
    private final LongAdder sharedEncodes = new LongAdder();
    private final LongAdder broadcasts = new LongAdder();
    private final LongAdder broadcasterNanos = new LongAdder();
    final LongAdder framesSent = new LongAdder();
    final LongAdder charsSent = new LongAdder();
    final LongAdder conflations = new LongAdder();
    final LongAdder mergedChanges = new LongAdder();
    private final LongAdder fanOutWaited = new LongAdder();
    private final long fanOutWaitNanos;
    private final LongAdder fanOutWaitsTimedOut = new LongAdder();
    /** The longest the rebuild thread waits for the previous change's sends to be started (backpressure). */
    static final long MAX_FAN_OUT_WAIT_MS = 100;
    /** Guards the fan-out hand-over between the rebuild thread and the senders; notified when one is over. */
    private final Object fanOutLock = new Object();
    // Guarded by fanOutLock.
    private boolean fanOutBusy;
    private boolean fanOutEnqueuing;
    private final AtomicReference<MergedFrames> latestMerged = new AtomicReference<>();
    final LongAdder slowClosed = new LongAdder();
    final LongAdder commandsBusy = new LongAdder();
    private final AtomicLong lastBusyWarning = new AtomicLong();
    private static final long BUSY_WARNING_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Creates the hub and registers it with the feed.
     *
     * @param feed    the feed
     * @param options the options
     */
    public Hub(SessionFeed feed, WebSocketOptions options) {
        this(feed, options, null, Duration.ofMillis(MAX_FAN_OUT_WAIT_MS));
    }

    /**
     * For tests: {@code io} replaces the close/ping pool when not null (the hub shuts it down on close);
     * {@code fanOutWait} replaces the backpressure bound.
     */
    Hub(SessionFeed feed, WebSocketOptions options, ExecutorService io, Duration fanOutWait) {
        this.feed = feed;
        this.options = options;
        this.fanOutWaitNanos = fanOutWait.toNanos();
        ThreadFactory tf = options.threadFactory();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                tf != null ? tf : named("sessionfeed-ws-housekeeping"));
        this.sender = new ThreadPoolExecutor(options.senderThreads(), options.senderThreads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), tf != null ? tf : named("sessionfeed-ws-send"));
        // Fixed pools started with the endpoint: the endpoint's thread count does not drift with traffic, so a
        // leak shows as a difference from the count at start.
        sender.prestartAllCoreThreads();
        this.worker = new ThreadPoolExecutor(options.workerThreads(), options.workerThreads(), IDLE_SECONDS,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(options.maxQueuedCommands()),
                tf != null ? tf : named("sessionfeed-ws-worker"));
        worker.allowCoreThreadTimeOut(true);
        if (io != null) {
            this.io = io;
        } else {
            // Unbounded queue, yet bounded by construction: a connection has at most one ping in flight and
            // is closed once.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 0, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), tf != null ? tf : named("sessionfeed-ws-io"));
            pool.prestartAllCoreThreads();
            this.io = pool;
        }
        long tick = tickMillis(options);
        housekeeping.scheduleWithFixedDelay(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
        this.registration = feed.addBroadcaster(this);
    }

    private static long tickMillis(WebSocketOptions o) {
        Duration min = o.heartbeatInterval();
        if (o.idleTimeout().compareTo(min) < 0) {
            min = o.idleTimeout();
        }
        if (o.slowClientGrace().compareTo(min) < 0) {
            min = o.slowClientGrace();
        }
        return Math.max(20, Math.min(1000, min.toMillis() / 4));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Opens a connection for an authenticated admin.
     *
     * @param transport the connection's transport
     * @param identity  the admin
     * @return the connection; call {@link Connection#start()} once its inbound handlers are registered
     */
    public Connection open(Transport transport, AdminIdentity identity) {
        Connection c = new Connection(this, transport, identity);
        connections.add(c);
        if (closed.get()) {
            c.close(1001, "endpoint closed");
        }
        return c;
    }

    void remove(Connection c) {
        connections.remove(c);
    }

    /** @return the number of open connections, not counting those being closed */
    public int connectionCount() {
        int n = 0;
        for (Connection c : connections) {
            if (!c.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** @return how many broadcast frames were encoded so far (tests: once per event, not per connection) */
    public long sharedEncodes() {
        return sharedEncodes.sum();
    }

    /** @return the counters, read one by one (not atomic across fields) */
    public WebSocketStats stats() {
        return new WebSocketStats(connectionCount(), broadcasts.sum(), sharedEncodes.sum(), framesSent.sum(),
                charsSent.sum(), mergedChanges.sum(), conflations.sum(), slowClosed.sum(), commandsBusy.sum(),
                broadcasterNanos.sum(), fanOutWaited.sum(), fanOutWaitsTimedOut.sum());
    }

    /** Logs a command refused as busy: a warning at most every 10 s (an overload refuses many), else debug. */
    void logBusy(String commandId, String connectionId) {
        long now = System.nanoTime();
        long last = lastBusyWarning.get();
        if ((last == 0 || now - last >= BUSY_WARNING_NANOS) && lastBusyWarning.compareAndSet(last, now == 0 ? 1 : now)) {
            log.warn("command {} on websocket connection {} refused: all {} command workers busy and {} commands waiting "
                            + "(the CommandHandler is slow or stuck; {} refused so far; further refusals within 10 s "
                            + "are logged at debug)", commandId, connectionId, options.workerThreads(),
                    options.maxQueuedCommands(), commandsBusy.sum());
        } else {
            log.debug("command {} on websocket connection {} refused: all command workers busy", commandId, connectionId);
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    String encodeShared(ServerMessage message) {
        sharedEncodes.increment();
        return codec.encode(message);
    }

    /** Merged deltas that lead to one seq, by the seq they apply to: clients behind by the same changes share one. */
    private record MergedFrames(long toSeq, ConcurrentHashMap<Long, String> byFromSeq) {
    }

    /**
     * The {@code session_delta} that takes a client from {@code fromSeq} to {@code toSeq} in one step: the changes
     * in between, from the feed's replay window, {@linkplain SessionDelta#merge merged} and encoded once for every
     * connection that needs the same step.
     *
     * @return the encoded frame, or null when the replay window no longer holds those changes
     */
    String mergedDelta(long fromSeq, long toSeq) {
        MergedFrames cache = latestMerged.get();
        while (cache == null || cache.toSeq() < toSeq) {
            MergedFrames next = new MergedFrames(toSeq, new ConcurrentHashMap<>());
            if (latestMerged.compareAndSet(cache, next)) {
                cache = next;
            } else {
                cache = latestMerged.get();
            }
        }
        if (cache.toSeq() != toSeq) {
            return encodeMerged(fromSeq, toSeq); // an older step than the cached one: rare, not worth caching
        }
        // computeIfAbsent: connections at the same step wait for the one encode instead of repeating it.
        return cache.byFromSeq().computeIfAbsent(fromSeq, from -> encodeMerged(from, toSeq));
    }

    private String encodeMerged(long fromSeq, long toSeq) {
        Replay replay = feed.replaySince(feed.epoch(), fromSeq);
        if (replay == null || replay.full()) {
            return null;
        }
        List<SessionDelta> deltas = replay.deltas();
        int n = 0;
        while (n < deltas.size() && deltas.get(n).seq() <= toSeq) {
            n++;
        }
        if (n == 0 || deltas.get(n - 1).seq() != toSeq) {
            return null;
        }
        return encodeShared(new ServerMessage.Delta(SessionDelta.merge(deltas.subList(0, n))));
    }

    FullFrames full(Snapshot snapshot) {
        while (true) {
            FullFrames f = latestFull.get();
            if (f != null && f.snapshot.seq() == snapshot.seq() && f.snapshot.epoch().equals(snapshot.epoch())) {
                return f;
            }
            FullFrames next = new FullFrames(this, snapshot);
            if (f != null && f.snapshot.epoch().equals(snapshot.epoch()) && f.snapshot.seq() > snapshot.seq()) {
                return next; // an older snapshot than the cached one: don't replace the cache
            }
            if (latestFull.compareAndSet(f, next)) {
                return next;
            }
        }
    }

    // ------------------------------------------------------------------------------------------- Broadcaster

    /**
     * A change: queued on every connection, the sends handed to the sender threads. If the senders are still
     * starting the sends of the previous change, this first waits for them, and then for this change's sends
     * too, each at most {@link #MAX_FAN_OUT_WAIT_MS}: backpressure. Meanwhile the feed merges the signals that
     * arrive into its next read, so under load every connection gets fewer, fuller deltas, each encoded once for
     * all, and the database is read less often; on a feed the senders keep up with, nothing waits and the next
     * read overlaps the sends. A sender stuck in a container call delays the feed by at most the bound per wait.
     */
    @Override
    public void onDelta(SessionDelta delta, Snapshot current) {
        long start = System.nanoTime();
        try {
            boolean behind = awaitFanOutIdle(start);
            synchronized (fanOutLock) {
                fanOutBusy = true;
                fanOutEnqueuing = true;
            }
            fanOut(delta, current);
            fanOutQueued();
            if (behind) {
                // The senders could not keep up with the last change: wait for this one's sends to be started too,
                // so the feed's next read covers every signal that arrives meanwhile (one fuller delta for all
                // instead of many small ones). When they keep up, return at once: the next read overlaps the sends.
                awaitFanOutIdle(System.nanoTime());
            }
        } finally {
            broadcasts.increment();
            broadcasterNanos.add(System.nanoTime() - start);
        }
    }

    /** @return whether it had to wait (the previous fan-out was still running) */
    private boolean awaitFanOutIdle(long start) {
        long deadline = start + fanOutWaitNanos;
        synchronized (fanOutLock) {
            if (!fanOutBusy) {
                return false;
            }
            try {
                while (fanOutBusy) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fanOutWaitsTimedOut.increment();
                        return true;
                    }
                    TimeUnit.NANOSECONDS.timedWait(fanOutLock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the feed is closing: queue this change and return
            } finally {
                fanOutWaited.add(System.nanoTime() - start);
            }
            return true;
        }
    }

    /** Queues one change on every connection and starts the senders. No container call. */
    private void fanOut(SessionDelta delta, Snapshot current) {
        FullFrames.DeltaFrame frame = new FullFrames.DeltaFrame(this, new ServerMessage.Delta(delta));
        FullFrames full = full(current);
        int n = 0;
        for (Connection c : connections) {
            try {
                if (c.offerDelta(delta, frame, full)) {
                    ready(c);
                    n++;
                }
            } catch (RuntimeException e) {
                log.error("queueing seq {} for websocket connection {} failed; closing it", delta.seq(), c.id(), e);
                c.close(1011, "internal error");
            }
        }
        startSenders(n);
    }

    /** The fan-out's queuing is done; if the senders are done too (or had nothing to do), it is over. */
    private void fanOutQueued() {
        synchronized (fanOutLock) {
            fanOutEnqueuing = false;
        }
        fanOutDoneIfSendersIdle();
    }

    /**
     * Called when a fan-out's queuing finished and whenever a sender runs out of work: once no sender runs and no
     * connection waits for one, every send of the fan-out has been started and the next change may go out.
     */
    private void fanOutDoneIfSendersIdle() {
        synchronized (fanOutLock) {
            if (fanOutBusy && !fanOutEnqueuing && senders.get() == 0 && ready.isEmpty()) {
                fanOutBusy = false;
                fanOutLock.notifyAll();
            }
        }
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        long start = System.nanoTime();
        try {
            String text = encodeShared(new ServerMessage.Status(feed.epoch(), options.clock().instant(), status, reason));
            int n = 0;
            for (Connection c : connections) {
                if (c.offerStatus(text)) {
                    ready(c);
                    n++;
                }
            }
            startSenders(n);
        } finally {
            broadcasts.increment();
            broadcasterNanos.add(System.nanoTime() - start);
        }
    }

    /**
     * Hands a connection whose queue has a frame and no send in flight to the sender threads. Its caller must have
     * marked it "pump scheduled", so it waits in the ready queue at most once and its frames keep their order
     * (only one send is ever in flight). Call {@link #startSenders(int)} after a batch of these.
     */
    void ready(Connection c) {
        ready.add(c);
    }

    /**
     * Makes sure up to {@code min(wanted, senderThreads)} sender tasks drain the ready queue: O(threads)
     * submissions, however many connections are waiting. A sender that finds the queue empty stops; one stuck in
     * a slow container call does not hold up the connections the others take.
     */
    void startSenders(int wanted) {
        int target = Math.min(wanted, options.senderThreads());
        while (true) {
            int running = senders.get();
            if (running >= target) {
                return;
            }
            if (senders.compareAndSet(running, running + 1)) {
                try {
                    sender.execute(this::drainReady);
                } catch (RejectedExecutionException e) {
                    // Only after close(): the connections are being closed; make sure none waits for a pump.
                    senders.decrementAndGet();
                    for (Connection c; (c = ready.poll()) != null; ) {
                        c.pumpRejected();
                    }
                    return;
                }
            }
        }
    }

    private void drainReady() {
        while (true) {
            Connection c = ready.poll();
            if (c == null) {
                senders.decrementAndGet();
                // A connection added after the poll whose producer still saw this sender running: take it.
                int running = senders.get();
                if (ready.isEmpty() || running >= options.senderThreads()
                        || !senders.compareAndSet(running, running + 1)) {
                    fanOutDoneIfSendersIdle();
                    return;
                }
                continue;
            }
            try {
                c.runScheduledPump();
            } catch (RuntimeException | Error e) {
                log.error("sending to websocket connection {} failed; closing it", c.id(), e);
                c.close(1011, "internal error");
            }
        }
    }

    @Override
    public void onClose() {
        for (Connection c : connections) {
            c.close(1001, "feed closed");
        }
    }

    // --------------------------------------------------------------------------------------------- lifecycle

    /**
     * Closes the connections of every identity the predicate matches with 1008.
     *
     * @param which selects identities
     * @return how many connections were closed
     */
    public int revoke(Predicate<AdminIdentity> which) {
        int n = 0;
        for (Connection c : List.copyOf(connections)) {
            if (which.test(c.identity())) {
                AUDIT.info("event=revoked actor={} connection={}", c.identity().name(), c.id());
                c.close(1008, "revoked");
                n++;
            }
        }
        return n;
    }

    private void tickSafely() {
        try {
            long now = System.nanoTime();
            for (Connection c : connections) {
                c.tick(now);
            }
        } catch (Throwable t) {
            log.error("websocket housekeeping failed; will run again", t);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            registration.close();
        } catch (Exception e) {
            log.warn("removing the websocket broadcaster from the feed failed", e);
        }
        for (Connection c : List.copyOf(connections)) {
            c.close(1001, "endpoint closed");
        }
        housekeeping.shutdownNow();
        sender.shutdown();
        worker.shutdown();
        io.shutdown(); // after the connections' closes were queued: they still run
        List<ExecutorService> pools = List.of(housekeeping, sender, worker, io);
        try {
            for (ExecutorService pool : pools) {
                if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("websocket endpoint threads did not stop within 5 s; interrupting them");
                    pool.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            pools.forEach(ExecutorService::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }
}
