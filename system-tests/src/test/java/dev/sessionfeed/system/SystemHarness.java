package dev.sessionfeed.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgLogicalChangeSource;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgPublicationInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole system on one machine: a private embedded PostgreSQL (so it can be stopped and started on the same
 * port), a NetCrusher TCP proxy between the LISTEN connection and the server (to freeze or cut it), the trigger,
 * a {@link SessionFeed} with {@link PgNotifyChangeSource} (and its polling fallback) behind the real
 * {@link SessionFeedEndpoint} in an embedded Jetty 12 (ee10), and real WebSocket clients ({@link AdminClient}).
 *
 * <p>{@link #awaitSettled(Duration)} is the system's promise: every client's sessions and metrics equal a fresh
 * {@link JdbcSnapshotBuilder#buildFull()} of the database.
 */
final class SystemHarness implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SystemHarness.class);

    static final String LISTENER_APP = "sf-system-listener";
    /**
     * The change source under test: {@code notify} (default) or {@code logical}
     * ({@code -Dsessionfeed.system.source=logical}; the build runs the model-based test and the listener fault
     * scenarios once more with it).
     */
    static final String SOURCE = System.getProperty("sessionfeed.system.source", "notify");
    static final String TOKEN = "system-test-admin-token";
    static final String PATH = "/ws/admin/chat";
    /** Metrics computed from the read time (not from rows): they differ between any two reads. */
    static final List<String> TIME_DEPENDENT_METRICS = List.of("longestWaitSeconds");

    /** Knobs a scenario may change. */
    record Options(int replayWindow, Duration slowClientGrace, Duration listenerBackoffMax, Duration feedRetryMax,
                   Duration pollInterval, Duration probeInterval, Duration probeDeadline, boolean fallback) {

        static Options defaults() {
            return new Options(1024, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(5),
                    Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), true);
        }

        Options replayWindow(int n) {
            return new Options(n, slowClientGrace, listenerBackoffMax, feedRetryMax, pollInterval, probeInterval, probeDeadline, fallback);
        }

        Options slowClientGrace(Duration d) {
            return new Options(replayWindow, d, listenerBackoffMax, feedRetryMax, pollInterval, probeInterval, probeDeadline, fallback);
        }

        Options backoffMax(Duration listener, Duration feed) {
            return new Options(replayWindow, slowClientGrace, listener, feed, pollInterval, probeInterval, probeDeadline, fallback);
        }

        Options probe(Duration interval, Duration deadline) {
            return new Options(replayWindow, slowClientGrace, listenerBackoffMax, feedRetryMax, pollInterval, interval, deadline, fallback);
        }

        Options fallback(boolean on) {
            return new Options(replayWindow, slowClientGrace, listenerBackoffMax, feedRetryMax, pollInterval, probeInterval, probeDeadline, on);
        }
    }

    final Options options;
    final PostgresServer server;
    final TestDatabase database;
    final Db db;
    final SessionTable table;
    private final NioReactor reactor;
    private final TcpCrusher crusher;
    private final int proxyPort;
    private final ScheduledExecutorService clientScheduler;
    private final HttpClient http;
    private final ProtocolCodec codec = new ProtocolCodec();
    private final List<AdminClient> clients = new CopyOnWriteArrayList<>();
    private int wsPort;
    private Node node;

    SystemHarness(Options options) throws Exception {
        this.options = options;
        this.server = PostgresServer.embedded(Map.of("max_connections", "200"));
        this.database = server.createDatabase("system");
        database.installSchema();
        Db.installVersionColumn(database);
        this.table = SessionTable.builder().attributeColumn(Db.VERSION_COLUMN).build();
        if (logical()) {
            PgPublicationInstaller.builder().table(table).build().install(database.dataSource());
            // A walsender sends only flushed WAL: the embedded server's asynchronous commits would wait for the WAL writer.
            database.execute("ALTER DATABASE " + database.databaseName() + " SET synchronous_commit = on");
        } else {
            PgTriggerInstaller.builder().table(table).build().install(database.dataSource());
        }
        this.db = new Db(database, "s");
        this.proxyPort = freePort();
        this.reactor = new NioReactor();
        this.crusher = TcpCrusherBuilder.builder().withReactor(reactor)
                .withBindAddress("127.0.0.1", proxyPort)
                .withConnectAddress(server.host(), server.port())
                .buildAndOpen();
        this.clientScheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "system-test-client-reconnect");
            t.setDaemon(true);
            return t;
        });
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Whether the logical replication source is under test. */
    static boolean logical() {
        return "logical".equals(SOURCE);
    }

    /** A reliability scenario's name for the source under test (the logical run's are suffixed). */
    static String scenario(String name) {
        return logical() ? name + "Logical" : name;
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    // ------------------------------------------------------------------------------------------ the node

    /** One application node: the change source, the feed, the endpoint and Jetty. */
    final class Node implements AutoCloseable {
        final SessionChangeSource source;
        final SessionFeed feed;
        final SessionFeedEndpoint endpoint;
        final Server jetty;

        Node(int port) throws Exception {
            String url = "jdbc:postgresql://127.0.0.1:" + proxyPort + "/" + database.databaseName();
            if (logical()) {
                PgLogicalChangeSource.Builder lb = PgLogicalChangeSource.builder(url, database.user(), database.password())
                        .applicationName(LISTENER_APP)
                        .table(table)
                        .probeInterval(options.probeInterval())
                        .probeDeadline(options.probeDeadline())
                        .unavailableRetryInterval(Duration.ofMillis(500))
                        .checkInterval(Duration.ofMillis(500))
                        .reconnectBackoff(Duration.ofMillis(100), options.listenerBackoffMax());
                Fallbacks.configure(lb, table, options);
                this.source = lb.build();
            } else {
                PgNotifyChangeSource.Builder sb = PgNotifyChangeSource.builder(url, database.user(), database.password())
                        .applicationName(LISTENER_APP)
                        .probeInterval(options.probeInterval())
                        .probeDeadline(options.probeDeadline())
                        .reconnectBackoff(Duration.ofMillis(100), options.listenerBackoffMax());
                Fallbacks.configure(sb, table, options);
                this.source = sb.build();
            }
            JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(database.dataSource()).table(table).build();
            this.feed = SessionFeed.builder(snapshots, source)
                    .replayWindow(options.replayWindow())
                    .retryBackoff(Duration.ofMillis(100), options.feedRetryMax())
                    .build();
            this.endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(h -> h.bearerToken()
                            .filter(TOKEN::equals)
                            .map(t -> new AdminIdentity("admin", Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS))))
                    .allowMissingOrigin(true)
                    .commandHandler(JdbcCommandHandler.builder(database.dataSource()).table(table).build())
                    .commandRate(1000, 1000)
                    .slowClientGrace(options.slowClientGrace())
                    .heartbeatInterval(Duration.ofSeconds(5))
                    .idleTimeout(Duration.ofSeconds(60))
                    .build());
            feed.start();
            this.jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> endpoint.register(container, PATH));
            jetty.setHandler(context);
            jetty.start();
            wsPort = connector.getLocalPort();
        }

        @Override
        public void close() {
            try {
                jetty.stop();
            } catch (Exception e) {
                log.warn("stopping Jetty failed", e);
            }
            endpoint.close();
            feed.close();
        }
    }

    /** Starts the (first or a new) application node: a new feed, so a new epoch. */
    Node startNode() throws Exception {
        if (node != null) {
            throw new IllegalStateException("a node is running");
        }
        node = new Node(wsPort);
        return node;
    }

    /** Stops the application node (Jetty, endpoint, feed, source): clients lose their connections. */
    void stopNode() {
        Node n = node;
        node = null;
        if (n != null) {
            n.close();
        }
    }

    Node node() {
        return node;
    }

    // --------------------------------------------------------------------------------------------- clients

    AdminClient addClient(String name, boolean deltas) {
        AdminClient c = new AdminClient(name, URI.create("ws://127.0.0.1:" + wsPort + PATH), TOKEN, deltas, http, clientScheduler);
        clients.add(c);
        c.connect();
        return c;
    }

    List<AdminClient> addClients(int n) {
        List<AdminClient> added = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            added.add(addClient("admin-" + clients.size(), true));
        }
        return added;
    }

    List<AdminClient> clients() {
        return List.copyOf(clients);
    }

    // ----------------------------------------------------------------------------------------------- faults

    void freezeListenerPath() {
        crusher.freezeAllPairs();
    }

    void unfreezeListenerPath() {
        crusher.unfreezeAllPairs();
    }

    // --------------------------------------------------------------------------------------------- settling

    /** What the database holds now, as the clients should show it (JSON as the endpoint encodes it). */
    Expected readDatabase() {
        SnapshotRead read = JdbcSnapshotBuilder.builder(database.dataSource()).table(table).build().buildFull();
        Snapshot snap = new Snapshot("db", 0, read.readAt(), read.sessions(), read.metrics());
        JsonNode sessions;
        JsonNode metrics;
        try {
            sessions = AdminClient.JSON.readTree(codec.encode(ServerMessage.SessionUpdate.of(snap))).path("data").path("sessions");
            metrics = AdminClient.JSON.readTree(codec.encode(ServerMessage.MetricsUpdate.of(snap))).path("data").path("metrics");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode s : sessions) {
            byId.put(s.path("id").asText(), s);
        }
        return new Expected(byId, metrics, read.metrics(), FeedWebSocketClient.asReceived(snap));
    }

    /** The database state as JSON, as read, and as a client holds it after receiving it ({@code received}). */
    record Expected(Map<String, JsonNode> sessions, JsonNode metrics, ChatMetrics raw, Snapshot received) {
    }

    /** Differences between every client and the database; empty when all equal it. */
    List<String> differences() {
        return differences(clients);
    }

    List<String> differences(java.util.Collection<AdminClient> which) {
        Expected e = readDatabase();
        List<String> diffs = new ArrayList<>();
        for (AdminClient c : which) {
            diffs.addAll(c.differencesFrom(e.received(), Set.copyOf(TIME_DEPENDENT_METRICS)));
        }
        return diffs;
    }

    /**
     * Waits until every client equals the database.
     *
     * @return how long it took
     * @throws AssertionError naming the remaining differences when the deadline passes
     */
    Duration awaitSettled(Duration deadline) {
        return awaitSettled(deadline, clients);
    }

    Duration awaitSettled(Duration deadline, java.util.Collection<AdminClient> which) {
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<List<String>> diffs = new java.util.concurrent.atomic.AtomicReference<>(List.of());
        try {
            org.awaitility.Awaitility.await().atMost(deadline).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        List<String> d;
                        try {
                            d = differences(which);
                        } catch (RuntimeException e) {
                            d = List.of("database not readable: " + e);
                        }
                        diffs.set(d);
                        return d.isEmpty();
                    });
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> d = diffs.get();
            Node n = node;
            throw new AssertionError("clients did not equal the database within " + deadline + " (feed status "
                    + (n == null ? "no node" : n.feed.status() + " / " + n.feed.statusReason() + ", source " + n.source.status())
                    + "): " + (d.size() > 12 ? d.subList(0, 12) + " ... (" + d.size() + ")" : d)
                    + "; clients behind: " + which.stream().filter(c -> d.stream().anyMatch(x -> x.startsWith(c.name + " ")))
                            .map(AdminClient::state).toList(), e);
        }
    }

    /** Order violations seen by any client so far. */
    List<String> orderViolations() {
        List<String> all = new ArrayList<>();
        for (AdminClient c : clients) {
            all.addAll(c.orderViolations);
        }
        return all;
    }

    @Override
    public void close() {
        for (AdminClient c : clients) {
            c.close();
        }
        clients.clear();
        stopNode();
        clientScheduler.shutdownNow();
        try {
            crusher.close();
        } catch (RuntimeException e) {
            log.warn("closing the TCP proxy failed", e);
        }
        reactor.close();
        db.close();
        server.close();
    }
}
