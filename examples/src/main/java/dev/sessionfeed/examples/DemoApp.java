package dev.sessionfeed.examples;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.SessionFeedServlets;
import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SessionFeed sample app: a live chat-admin dashboard.
 *
 * <p>What it wires, in order (this is the reference for a host application):
 * <ol>
 *   <li>a PostgreSQL database (embedded by default), SessionFeed's schema and, for {@code --source notify},
 *       the NOTIFY trigger — both idempotent;</li>
 *   <li>the feed: a {@code JdbcSnapshotBuilder} and a change source ({@code PgNotifyChangeSource} or
 *       {@code PollingChangeSource}), see {@link FeedWiring};</li>
 *   <li>an embedded Jetty 12 (ee10) serving the dashboard at {@code /}, a small login API at {@code /api/*}, and
 *       SessionFeed's endpoint at {@value #ENDPOINT_PATH} with the browser client at {@code /sessionfeed/client.js}
 *       (both by {@code SessionFeedServlets.register}); hardened as a public server should be: a deadline for
 *       request headers ({@link HeaderDeadline}) and a connection limit, security headers on every response
 *       ({@link SecurityHeaders}), same-origin JSON login and logout with random login ids ({@link ApiServlet},
 *       {@link LoginStore}), and failed token checks throttled per address ({@link FailedAuthThrottle});</li>
 *   <li>the traffic simulator, which writes to the table like the host's own code would.</li>
 * </ol>
 *
 * <p>Run {@code java -jar examples/target/sessionfeed-demo.jar --help} for the options. Ctrl-C stops it
 * cleanly: dashboards are closed with 1001 (going away), the embedded database is stopped.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class DemoApp implements AutoCloseable {

    /** Where the SessionFeed endpoint is registered. */
    public static final String ENDPOINT_PATH = "/ws/admin/chat";

    private static final Logger log = LoggerFactory.getLogger(DemoApp.class);

    private final DemoOptions options;
    private final DemoDatabase database;
    private final boolean ownsDatabase;
    private final DemoAuth auth;
    private final LoginStore logins;
    private final AtomicBoolean closed = new AtomicBoolean();
    private FeedWiring feed;
    private Server server;
    private TrafficSimulator simulator;
    private int port;

    private DemoApp(DemoOptions options, DemoDatabase database, boolean ownsDatabase) {
        this.options = options;
        this.database = database;
        this.ownsDatabase = ownsDatabase;
        this.logins = new LoginStore(database.dataSource());
        this.auth = new DemoAuth(options.adminToken(), options.viewerToken(), logins);
    }

    /**
     * Command-line entry point.
     *
     * @param args see {@code --help}
     */
    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(List.of(args), System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("sessionfeed-demo: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DemoOptions.HELP);
            return;
        }
        // The hook is installed first so that Ctrl-C at any moment (even while the database starts) cleans up.
        AtomicReference<AutoCloseable> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            AutoCloseable r = running.getAndSet(null);
            if (r != null) {
                log.info("Stopping...");
                quietly("demo", r);
                log.info("Stopped.");
            }
        }, "sessionfeed-demo-shutdown"));
        try {
            DemoDatabase db = openDatabase(options);
            running.set(db);
            DemoApp app = startWith(options, db, true);
            running.set(app);
            log.info("{}", app.banner());
        } catch (Exception e) {
            log.error("The demo could not start: {}", e.toString());
            quietly("demo", running.getAndSet(null));
            System.exit(1);
        }
    }

    /**
     * Starts the app with its own database (embedded, or the one the options name).
     *
     * @param options the options
     * @return the running app
     * @throws Exception if a part cannot start; everything started so far is stopped again
     */
    public static DemoApp start(DemoOptions options) throws Exception {
        return startWith(options, openDatabase(options), true);
    }

    private static DemoDatabase openDatabase(DemoOptions options) throws java.io.IOException {
        if (options.jdbcUrl() != null) {
            log.info("Database: {}", DatabaseUrl.redact(options.jdbcUrl()));
            return DemoDatabase.external(options.jdbcUrl(), options.dbUser(), options.dbPassword());
        }
        log.info("Starting an embedded PostgreSQL...");
        DemoDatabase db = DemoDatabase.startEmbedded();
        log.info("Database: {} (user postgres; psql -h localhost -p {} -U postgres)", db.jdbcUrl(), db.embeddedPort());
        return db;
    }

    static DemoApp startWith(DemoOptions options, DemoDatabase db, boolean ownsDatabase) throws Exception {
        DemoApp app = new DemoApp(options, db, ownsDatabase);
        try {
            app.startParts();
            return app;
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        database.installSchema();
        logins.install();
        if (options.seedSessions() > 0 && database.countSessions() == 0) {
            TrafficSimulator.seed(database.dataSource(), options.seedSessions(), System.nanoTime());
            log.info("Seeded {} sessions", options.seedSessions());
        }

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("sessionfeed-demo-http");
        server = new Server(threads);
        server.setStopTimeout(3_000);
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(options.port());
        // Slowloris and connection floods: headers must arrive in time, and connections are capped (beyond the cap
        // the server stops accepting until one closes; WebSockets count too).
        connector.addBean(new HeaderDeadline(server.getScheduler(), options.headerTimeout()));
        server.addBean(new NetworkConnectionLimit(options.maxConnections(), connector));
        if (!options.host().isEmpty()) {
            connector.setHost(options.host());
        }
        server.addConnector(connector);
        connector.open(); // bind now: with --port 0 the allowed Origins depend on the port
        port = connector.getLocalPort();

        List<String> origins = allowedOrigins();
        feed = FeedWiring.start(options, database, auth, origins);

        ServletContextHandler context = new ServletContextHandler("/");
        ResourceFactory resources = ResourceFactory.of(context);
        context.setBaseResource(resources.newClassLoaderResource("dashboard/"));
        context.setWelcomeFiles(new String[] {"index.html"});
        ServletHolder files = new ServletHolder("files", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        files.setInitParameter("cacheControl", "no-cache");
        context.addServlet(files, "/");
        SessionFeedEndpoint endpoint = feed.endpoint();
        context.addServlet(new ServletHolder("api", new ApiServlet(auth, new SameOriginCheck(origins), endpoint)), "/api/*");
        context.addFilter(new FilterHolder(new SecurityHeaders()), "/*", EnumSet.of(DispatcherType.REQUEST));
        FailedAuthThrottle throttle = new FailedAuthThrottle();
        FilterHolder throttleHolder = new FilterHolder(throttle);
        throttleHolder.setName("demo-login-throttle");
        context.addFilter(throttleHolder, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            // The endpoint, its handshake filter (403/401 before the upgrade, ahead of Jetty's upgrade filter) and
            // the browser client at /sessionfeed/client.js.
            SessionFeedServlets.register(servletContext, endpoint, ENDPOINT_PATH);
            // Before the handshake filter (prepended last, so it runs first): failed token checks in handshakes are
            // throttled too.
            FilterMapping throttled = new FilterMapping();
            throttled.setFilterName(throttleHolder.getName());
            throttled.setPathSpec(ENDPOINT_PATH);
            throttled.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
            context.getServletHandler().prependFilterMapping(throttled);
        });
        server.setHandler(context);
        server.start();

        if (options.simulateRate() > 0) {
            simulator = new TrafficSimulator(database.dataSource(), options.simulateRate(),
                    Math.max(options.seedSessions(), 20), System.nanoTime());
            simulator.start();
        }
    }

    private List<String> allowedOrigins() {
        Set<String> origins = new LinkedHashSet<>(options.allowedOrigins());
        origins.add("http://localhost:" + port);
        origins.add("http://127.0.0.1:" + port);
        origins.add("http://[::1]:" + port);
        String host = options.host();
        if (!host.isEmpty() && !host.equals("0.0.0.0") && !host.equals("::")) {
            origins.add("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
        }
        return new ArrayList<>(origins);
    }

    /**
     * The start-up banner. A generated token is shown (it is the only way in, and dies with this process); a supplied
     * one never is, so a token set by the operator does not end up in logs or terminal scroll-back.
     *
     * @return the banner text
     */
    String banner() {
        String base = baseUrl();
        String source = options.source().equals("notify") ? "notify (LISTEN/NOTIFY, trigger installed)"
                : "polling every " + options.pollInterval().toMillis() + " ms";
        String sim = options.simulateRate() > 0 ? options.simulateRate() + " changes/s" : "off";
        String admin = auth.adminTokenGenerated() ? base + "/?access_token=" + auth.adminToken()
                : base + "/ (sign in with the token you supplied: --admin-token or SESSIONFEED_DEMO_ADMIN_TOKEN)";
        String viewer = auth.viewerTokenGenerated() ? base + "/?access_token=" + auth.viewerToken()
                : base + "/ (sign in with the token you supplied: --viewer-token or SESSIONFEED_DEMO_VIEWER_TOKEN)";
        return String.join(System.lineSeparator(), "",
                "  SessionFeed demo is running",
                "    Dashboard (admin):     " + admin,
                "    Dashboard (read-only): " + viewer,
                "    WebSocket endpoint:    ws://localhost:" + port + ENDPOINT_PATH,
                "    Database:              " + DatabaseUrl.redact(database.jdbcUrl()),
                "    Change source:         " + source,
                "    Simulator:             " + sim,
                "  Press Ctrl-C to stop.", "");
    }

    /** @return the HTTP port */
    public int port() {
        return port;
    }

    /** @return {@code http://localhost:PORT} */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** @return the admin token */
    public String adminToken() {
        return auth.adminToken();
    }

    /** @return the read-only viewer token */
    public String viewerToken() {
        return auth.viewerToken();
    }

    /** @return the running feed */
    public SessionFeed feed() {
        return feed.feed();
    }

    DemoDatabase database() {
        return database;
    }

    /**
     * Stops the simulator, closes every dashboard connection with 1001, stops the server and the feed, and the
     * database if this app started it. Idempotent; failures are logged in one line, never thrown.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        quietly("simulator", simulator);
        if (feed != null) {
            quietly("WebSocket endpoint", feed.endpoint());
        }
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                log.warn("Stopping the HTTP server failed: {}", e.toString());
            }
        }
        quietly("feed", feed);
        if (ownsDatabase) {
            quietly("database", database);
        }
    }

    private static void quietly(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Closing the {} failed: {}", what, e.toString());
        }
    }
}
