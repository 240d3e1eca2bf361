package dev.sessionfeed.benchmarks.harness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.sessionfeed.FeedObserver;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.pg.PgLogicalChangeSource;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgPublicationInstaller;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.TestDatabase;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real thing, assembled as a host application would: a pooled {@link JdbcSnapshotBuilder}, a change source
 * (LISTEN/NOTIFY with the installed trigger, or polling), the feed engine, SessionFeed's endpoint in an embedded
 * Jetty 12 (EE10) on 127.0.0.1, and K real WebSocket clients in this JVM.
 *
 * <p>Not thread-safe: built and closed by one thread; its counters are safe to read from any thread.
 */
public final class Rig implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Rig.class);

    /** Path of the endpoint. */
    public static final String PATH = "/ws/admin/chat";

    /** The change source of a rig. */
    public enum Source {
        /** {@link PgNotifyChangeSource} with the row trigger. */
        NOTIFY,
        /** {@link PollingChangeSource} every second (the polling baseline). */
        POLLING_1S,
        /** {@link PgLogicalChangeSource} with the publication (no trigger; rows from the WAL). */
        LOGICAL
    }

    /** Feed and endpoint settings for one rig. */
    public static final class Options {
        Source source = Source.NOTIFY;
        UnaryOperator<WebSocketOptions.Builder> ws = UnaryOperator.identity();
        UnaryOperator<SessionFeed.Builder> feed = UnaryOperator.identity();
        Duration pollInterval = Duration.ofSeconds(1);
        dev.sessionfeed.jdbc.SessionTable table = dev.sessionfeed.jdbc.SessionTable.defaults();

        /**
         * The table mapping and scope (for example a larger {@code maxSessions}).
         *
         * @param table the mapping
         * @return this
         */
        public Options table(dev.sessionfeed.jdbc.SessionTable table) {
            this.table = table;
            return this;
        }

        /**
         * The change source.
         *
         * @param source the source
         * @return this
         */
        public Options source(Source source) {
            this.source = source;
            return this;
        }

        /**
         * Extra endpoint options.
         *
         * @param ws applied to the endpoint's options builder
         * @return this
         */
        public Options webSocket(UnaryOperator<WebSocketOptions.Builder> ws) {
            this.ws = ws;
            return this;
        }

        /**
         * Extra feed options.
         *
         * @param feed applied to the feed builder
         * @return this
         */
        public Options feed(UnaryOperator<SessionFeed.Builder> feed) {
            this.feed = feed;
            return this;
        }
    }

    private final TestDatabase db;
    private final HikariDataSource pool;
    private final SessionChangeSource source;
    private final SessionFeed feed;
    private final SessionFeedEndpoint endpoint;
    private final Server jetty;
    private final URI uri;
    private final ExecutorService clientExecutor;
    private final List<HttpClient> httpClients = new ArrayList<>();
    private final List<FeedClient> clients = new ArrayList<>();
    private final AtomicLong rebuilds = new AtomicLong();
    private final AtomicLong fullRebuilds = new AtomicLong();
    private final AtomicLong signals = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Latencies rebuildTimes = new Latencies();
    private volatile Thread rebuildThread;

    private Rig(TestDatabase db, Options o) throws Exception {
        this.db = db;
        pool = pool(db, 4, "bench-feed");
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(pool).table(o.table).build();
        if (o.source == Source.NOTIFY) {
            PgTriggerInstaller.builder().table(o.table).build().install(pool);
            source = PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password()).build();
        } else if (o.source == Source.LOGICAL) {
            PgPublicationInstaller.builder().table(o.table).build().install(pool);
            source = PgLogicalChangeSource.builder(db.jdbcUrl(), db.user(), db.password()).table(o.table).build();
        } else {
            source = PollingChangeSource.builder(pool).table(o.table).interval(o.pollInterval).build();
        }
        FeedObserver observer = new FeedObserver() {
            @Override
            public void onSignal(dev.sessionfeed.source.ChangeSignal signal) {
                signals.incrementAndGet();
            }

            @Override
            public void onResync(String reason) {
                resyncs.incrementAndGet();
            }

            @Override
            public void onRebuild(boolean full, int ids, int sigs, long durationNanos, SessionDelta published) {
                rebuilds.incrementAndGet();
                if (full) {
                    fullRebuilds.incrementAndGet();
                }
                rebuildTimes.record(durationNanos);
            }
        };
        feed = o.feed.apply(SessionFeed.builder(snapshots, source).observer(observer).threadFactory(r -> {
            Thread th = new Thread(r, "sessionfeed-rebuild");
            th.setDaemon(true);
            rebuildThread = th;
            return th;
        })).build();
        WebSocketOptions.Builder wsb = WebSocketOptions.builder(
                        h -> Optional.of(new AdminIdentity("bench", Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS))))
                .allowMissingOrigin(true)
                // Every rig client is the one admin "bench" and K goes to 1,000 (fan-out): the connection limits
                // defend against attackers (measured by the attack scenario), not against the benchmark's own load.
                .maxConnections(100_000)
                .maxConnectionsPerAdmin(100_000);
        endpoint = SessionFeedEndpoint.create(feed, o.ws.apply(wsb).build());
        feed.start();

        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("bench-jetty");
        threads.setDaemon(true);
        jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(2048);
        jetty.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler("/");
        jetty.setHandler(ctx);
        JakartaWebSocketServletContainerInitializer.configure(ctx, (servletContext, container) -> {
            container.setDefaultMaxTextMessageBufferSize(4 * 1024 * 1024);
            container.addEndpoint(endpoint.config(PATH));
        });
        jetty.start();
        uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + PATH);
        AtomicInteger n = new AtomicInteger();
        clientExecutor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "bench-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LOG.info("rig up: {} source, endpoint {}", o.source, uri);
    }

    /**
     * Starts a rig.
     *
     * @param db      the database (schema installed, sessions seeded)
     * @param options settings
     * @return the running rig
     * @throws Exception when any part fails to start
     */
    public static Rig start(TestDatabase db, Options options) throws Exception {
        return new Rig(db, options);
    }

    /**
     * A connection pool, as a host application would give the feed.
     *
     * @param db   the database
     * @param size maximum connections
     * @param name the pool's name
     * @return the pool; close it
     */
    public static HikariDataSource pool(TestDatabase db, int size, String name) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(db.jdbcUrl());
        hc.setUsername(db.user());
        hc.setPassword(db.password());
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setPoolName(name);
        return new HikariDataSource(hc);
    }

    /**
     * Default options (NOTIFY source).
     *
     * @return new options
     */
    public static Options options() {
        return new Options();
    }

    /**
     * Connects clients and waits until each has its first full state.
     *
     * @param count  how many
     * @param deltas whether they ask for deltas
     * @param events arrival callbacks
     * @return the new clients
     * @throws Exception when a client fails to connect or subscribe within 60 s
     */
    public List<FeedClient> connect(int count, boolean deltas, FeedClient.Events events) throws Exception {
        // One HttpClient (one selector thread) per 250 sockets: a dashboard is one socket per browser, the
        // harness must not be the bottleneck.
        while (httpClients.size() * 250 < clients.size() + count) {
            httpClients.add(HttpClient.newBuilder().executor(clientExecutor).build());
        }
        long t0 = System.nanoTime();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<FeedClient>> futures = new ArrayList<>();
        int base = clients.size();
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            int idx = base + i;
            HttpClient http = httpClients.get(idx / 250);
            CompletableFuture<FeedClient> f = FeedClient.connect(http, uri, Map.of(), idx, deltas, events)
                    .thenCompose(c -> c.subscribed().thenApply(v -> c))
                    .whenComplete((c, e) -> inFlight.release());
            futures.add(f);
        }
        List<FeedClient> made = new ArrayList<>();
        for (CompletableFuture<FeedClient> f : futures) {
            made.add(f.get(60, TimeUnit.SECONDS));
        }
        clients.addAll(made);
        LOG.info("connected {} clients in {} ms ({} in total)", count, (System.nanoTime() - t0) / 1_000_000, clients.size());
        return made;
    }

    /**
     * Disconnects and forgets the given clients.
     *
     * @param which the clients
     */
    public void disconnect(List<FeedClient> which) {
        which.forEach(FeedClient::close);
        clients.removeAll(which);
    }

    /** @return the connected clients */
    public List<FeedClient> clients() { return clients; }

    /** @return the feed */
    public SessionFeed feed() { return feed; }

    /** @return the endpoint */
    public SessionFeedEndpoint endpoint() { return endpoint; }

    /** @return the change source */
    public SessionChangeSource source() { return source; }

    /** @return the endpoint URI */
    public URI uri() { return uri; }

    /** @return the database */
    public TestDatabase database() { return db; }

    /** @return rebuilds so far (from {@link FeedObserver#onRebuild}) */
    public long rebuilds() { return rebuilds.get(); }

    /** @return full rebuilds so far */
    public long fullRebuilds() { return fullRebuilds.get(); }

    /** @return change signals so far */
    public long signals() { return signals.get(); }

    /** @return resyncs so far */
    public long resyncs() { return resyncs.get(); }

    /**
     * CPU time the feed's rebuild thread used so far (it reads, diffs, and hands each event to the endpoint, which
     * encodes it once and queues it to every connection).
     *
     * @return nanoseconds of CPU time, or -1 when unknown
     */
    public long rebuildThreadCpuNanos() {
        Thread t = rebuildThread;
        if (t == null) {
            return -1;
        }
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
    }

    /** @return rebuild durations */
    public Latencies rebuildTimes() { return rebuildTimes; }

    /**
     * A one-line summary of the feed's counters, for the log.
     *
     * @return rebuilds, full rebuilds, signals, resyncs and rebuild time percentiles
     */
    public String describe() {
        return "rebuilds=" + rebuilds.get() + " (full " + fullRebuilds.get() + "), signals=" + signals.get() + ", resyncs="
                + resyncs.get() + ", rebuild p50=" + Fmt.num(rebuildTimes.percentileMs(50)) + " ms p99="
                + Fmt.num(rebuildTimes.percentileMs(99)) + " ms";
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (FeedClient c : clients) {
            c.close();
        }
        clients.clear();
        try {
            endpoint.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the endpoint failed", e);
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping Jetty failed", e);
        }
        feed.close();
        source.close();
        pool.close();
        clientExecutor.shutdownNow();
    }
}
