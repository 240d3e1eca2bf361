package dev.sessionfeed.websocket.internal;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.WebSocketOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared part of one endpoint: the connections, the broadcaster registered with the feed (encodes each
 * event once for all connections), the housekeeping thread (heartbeat, idle and slow-client checks) and the
 * worker threads (commands, closes, pings). Thread-safe.
 */
public final class Hub implements Broadcaster, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Hub.class);
    static final Logger AUDIT = LoggerFactory.getLogger("sessionfeed.audit");

    final SessionFeed feed;
    final WebSocketOptions options;
    final ProtocolCodec codec = new ProtocolCodec();
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicReference<FullFrames> latestFull = new AtomicReference<>();
    private final AtomicLong sharedEncodes = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ScheduledExecutorService housekeeping;
    final ExecutorService worker;
    private final AutoCloseable registration;

    /**
     * Creates the hub and registers it with the feed.
     *
     * @param feed    the feed
     * @param options the options
     */
    public Hub(SessionFeed feed, WebSocketOptions options) {
        this.feed = feed;
        this.options = options;
        ThreadFactory tf = options.threadFactory();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                tf != null ? tf : named("sessionfeed-ws-housekeeping"));
        this.worker = Executors.newCachedThreadPool(tf != null ? tf : named("sessionfeed-ws-worker"));
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
        return sharedEncodes.get();
    }

    String encodeShared(ServerMessage message) {
        sharedEncodes.incrementAndGet();
        return codec.encode(message);
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

    @Override
    public void onDelta(SessionDelta delta, Snapshot current) {
        FullFrames.DeltaFrame frame = new FullFrames.DeltaFrame(this, new ServerMessage.Delta(delta));
        FullFrames full = full(current);
        for (Connection c : connections) {
            try {
                c.onDelta(delta, frame, full);
            } catch (RuntimeException e) {
                log.error("delivering seq {} to websocket connection {} failed; closing it", delta.seq(), c.id(), e);
                c.close(1011, "internal error");
            }
        }
    }

    @Override
    public void onStatus(FeedStatus status, String reason) {
        String text = encodeShared(new ServerMessage.Status(feed.epoch(), options.clock().instant(), status, reason));
        for (Connection c : connections) {
            c.onStatus(text);
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
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
            housekeeping.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
