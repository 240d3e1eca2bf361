package dev.sessionfeed.server;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.micrometer.SessionFeedMetrics;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.SessionFeedServlets;
import dev.sessionfeed.websocket.WebSocketOptions;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SessionFeed as a service: the feed over the configured PostgreSQL table, its WebSocket endpoint for admins
 * authenticated by the host app's JWTs (or static tokens), the browser client at {@code /sessionfeed/client.js},
 * and {@code /healthz}, {@code /readyz}, {@code /metrics}, on an embedded Jetty 12 (HTTP, or HTTPS from a keystore).
 * {@link Main} runs it from the environment; docs/server.md is the manual.
 *
 * <p>Thread-safe. {@link #close()} is the graceful shutdown: every dashboard is closed with 1001 (going away) so the
 * browser client reconnects (to another instance), then HTTP stops, then the feed and the pool; it is idempotent.
 */
public final class SessionFeedServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionFeedServer.class);

    private final ServerConfig config;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Database database;
    private SessionFeed feed;
    private SessionFeedEndpoint endpoint;
    private ExpiryCloser expiry;
    private ServerAuthenticator authenticator;
    private Server http;
    private PrometheusMeterRegistry registry;
    private SessionFeedMetrics metrics;
    private int port;

    private SessionFeedServer(ServerConfig config) {
        this.config = config;
    }

    /**
     * Starts the server: pool, schema (when configured), change source, feed, endpoint, HTTP. Returns once it
     * listens and the feed has its first state.
     *
     * @param config the configuration
     * @return the running server
     * @throws Exception when a part cannot start; what was started is stopped again
     */
    public static SessionFeedServer start(ServerConfig config) throws Exception {
        SessionFeedServer server = new SessionFeedServer(Objects.requireNonNull(config, "config"));
        try {
            server.startParts();
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startParts() throws Exception {
        database = new Database(config);
        if (config.installSchema()) {
            database.installSchema();
        }
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(database.dataSource()).table(config.table()).build();
        SessionChangeSource source;
        if (config.source().equals("notify")) {
            if (config.installSchema()) {
                PgTriggerInstaller.builder().table(config.table()).build().install(database.dataSource());
            }
            DatabaseUrl url = database.url();
            source = PgNotifyChangeSource.builder(url.jdbcUrl(), url.user(), url.password())
                    .table(config.table())
                    .fallbackInterval(config.pollInterval())
                    .build();
        } else {
            source = PollingChangeSource.builder(database.dataSource()).table(config.table()).interval(config.pollInterval()).build();
        }
        feed = SessionFeed.builder(snapshots, source).build();

        expiry = new ExpiryCloser(config.clockSkew(), Clock.systemUTC());
        authenticator = new ServerAuthenticator(config, new JwtVerifier(config), new Scopes(), expiry);
        WebSocketOptions options = WebSocketOptions.builder(authenticator)
                .allowedOrigins(config.allowedOrigins())
                .allowMissingOrigin(config.allowMissingOrigin())
                .maxConnections(config.maxConnections())
                .commandHandler(JdbcCommandHandler.builder(database.dataSource()).table(config.table()).build())
                .build();
        endpoint = SessionFeedEndpoint.create(feed, options);
        expiry.endpoint(endpoint);
        feed.start();

        http = httpServer(metricsText(source));
        http.start();
        port = ((ServerConnector) http.getConnectors()[0]).getLocalPort();
        log.info("SessionFeed server ready on {}://{}:{}{} (source {}, {} sessions, database {})",
                config.tlsKeystore() != null ? "https" : "http", config.host(), port, config.path(), config.source(),
                feed.current().sessions().size(), DatabaseUrl.redact(database.url().jdbcUrl()));
    }

    private Supplier<String> metricsText(SessionChangeSource source) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        metrics = SessionFeedMetrics.builder(feed).source(source).endpoint(endpoint).build();
        metrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        PrometheusMeterRegistry r = registry;
        return r::scrape;
    }

    private Server httpServer(Supplier<String> metrics) {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("sessionfeed-server-http");
        Server server = new Server(threads);
        server.setStopTimeout(config.shutdownTimeout().toMillis());
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        ServerConnector connector;
        if (config.tlsKeystore() != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(config.tlsKeystore().toString());
            ssl.setKeyStorePassword(config.value(Setting.SESSIONFEED_TLS_KEYSTORE_PASSWORD));
            ssl.setKeyStoreType(config.value(Setting.SESSIONFEED_TLS_KEYSTORE_TYPE));
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // one certificate for whatever name clients use; the keystore is the operator's
            httpConfig.addCustomizer(secure);
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(httpConfig));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(30_000);
        server.addConnector(connector);
        // Beyond the cap the server stops accepting until one closes (WebSockets count too); headroom for probes.
        server.addBean(new NetworkConnectionLimit(config.maxConnections() + 64, connector));

        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new SecurityHeaders(config.tlsKeystore() != null)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder ops = new ServletHolder("ops", new OpsServlet(feed, database, metrics));
        context.addServlet(ops, "/healthz");
        context.addServlet(ops, "/readyz");
        context.addServlet(ops, "/metrics");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> SessionFeedServlets.register(servletContext, endpoint, config.path()));
        server.setHandler(context);
        return server;
    }

    /** @return the port it listens on (the bound one when configured with 0) */
    public int port() {
        return port;
    }

    /**
     * The server's own counters; the feed's, source's and endpoint's are on {@code /metrics} and their
     * {@code stats()}. Thread-safe, cheap.
     *
     * @return a new snapshot
     */
    public ServerStats stats() {
        return ServerStats.builder()
                .tokensAccepted(authenticator == null ? 0 : authenticator.accepted())
                .tokensRefused(authenticator == null ? 0 : authenticator.refused())
                .expiredConnectionsClosed(expiry == null ? 0 : expiry.closedConnections())
                .build();
    }

    /** @return the running feed */
    public SessionFeed feed() {
        return feed;
    }

    /**
     * Graceful shutdown: closes every WebSocket with 1001, stops HTTP (in-flight requests get up to
     * {@code SESSIONFEED_SHUTDOWN_TIMEOUT}), then the feed, the expiry timer and the pool. Idempotent; failures are
     * logged in one line each, never thrown.
     */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        quietly("WebSocket endpoint", endpoint);
        if (http != null) {
            try {
                http.stop();
            } catch (Exception e) {
                log.warn("Stopping HTTP failed: {}", e.toString());
            }
        }
        quietly("metrics", metrics);
        if (registry != null) {
            registry.close();
        }
        quietly("feed", feed);
        quietly("expiry timer", expiry);
        quietly("database pool", database);
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
