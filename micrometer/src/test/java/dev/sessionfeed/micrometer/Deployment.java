package dev.sessionfeed.micrometer;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.TestDatabase;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One real SessionFeed deployment for the binder's tests: the JDBC snapshot builder and command handler and the
 * LISTEN/NOTIFY source on the test's PostgreSQL, the endpoint in an embedded Jetty, and a {@link SimpleMeterRegistry}
 * with the binder bound. Started LIVE; closes everything it made.
 */
final class Deployment implements AutoCloseable {

    static final String ORIGIN = "https://admin.example.com";
    static final Duration WAIT = Duration.ofSeconds(30);

    final PgNotifyChangeSource source;
    final SessionFeed feed;
    final SessionFeedEndpoint endpoint;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final SessionFeedMetrics metrics;
    private final Server server;
    private final int port;
    private final List<FeedWebSocketClient> clients = new ArrayList<>();

    private Deployment(TestDatabase db, UnaryOperator<WebSocketOptions.Builder> options) throws Exception {
        source = PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password()).build();
        feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(db.dataSource()).build(), source)
                .reconcileInterval(Duration.ZERO).build();
        endpoint = SessionFeedEndpoint.create(feed, options.apply(WebSocketOptions.builder(Deployment::authenticate)
                .allowedOrigins(ORIGIN)
                .commandHandler(JdbcCommandHandler.builder(db.dataSource()).build())).build());
        metrics = SessionFeedMetrics.builder(feed).source(source).endpoint(endpoint).build();
        metrics.bindTo(registry);
        feed.start();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> endpoint.register(container, "/ws"));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
        Awaitility.await("the feed is live").atMost(WAIT).until(() -> feed.status() == FeedStatus.LIVE);
    }

    static Deployment start(TestDatabase db) throws Exception {
        return new Deployment(db, UnaryOperator.identity());
    }

    static Deployment start(TestDatabase db, UnaryOperator<WebSocketOptions.Builder> options) throws Exception {
        return new Deployment(db, options);
    }

    /** "admin" may end and archive sessions, "viewer" only watch. */
    static Optional<AdminIdentity> authenticate(HandshakeInfo h) {
        Optional<String> token = h.bearerToken();
        if (token.isPresent() && token.get().equals("admin")) {
            return Optional.of(new AdminIdentity("alice", Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS)));
        }
        if (token.isPresent() && token.get().equals("viewer")) {
            return Optional.of(AdminIdentity.readOnly("victor"));
        }
        return Optional.empty();
    }

    FeedWebSocketClient connect(String token) {
        FeedWebSocketClient c = FeedWebSocketClient.open(URI.create("ws://127.0.0.1:" + port + "/ws"),
                Map.of("Origin", ORIGIN, "Authorization", "Bearer " + token));
        clients.add(c);
        return c;
    }

    /** The value of the counter or gauge {@code name} with {@code tags} (key, value, ...). */
    double value(String name, String... tags) {
        return MeterValues.value(registry, name, tags);
    }

    @Override
    public void close() throws Exception {
        clients.forEach(FeedWebSocketClient::close);
        endpoint.close();
        try {
            server.stop();
        } finally {
            feed.close();
            metrics.close();
            registry.close();
        }
    }
}
