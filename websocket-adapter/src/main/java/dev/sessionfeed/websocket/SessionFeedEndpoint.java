package dev.sessionfeed.websocket;

import dev.sessionfeed.SessionFeed;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * SessionFeed's WebSocket endpoint for any Jakarta WebSocket 2.1+ container (Tomcat 10.1/11, Jetty 12 ee10,
 * Tyrus 2, Undertow 2.3). It streams one {@link SessionFeed} to authenticated admins using protocol version 1
 * ({@code docs/protocol.md}) and carries out their commands.
 *
 * <pre>{@code
 * SessionFeedEndpoint endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(authenticator)
 *         .allowedOrigins("https://admin.example.com")
 *         .commandHandler(commandHandler)
 *         .build());
 * SessionFeedServlets.register(servletContext, endpoint, "/ws/admin/chat"); // or endpoint.register(serverContainer, path)
 * }</pre>
 *
 * <p>What happens on a connection: the container calls the Origin check (not allowed → HTTP 403), then the
 * {@link AdminAuthenticator} (no identity → closed with 1008 before any data frame, or refused with HTTP 401
 * before the upgrade when the {@linkplain SessionFeedServlets#handshakeFilter handshake filter} is installed). The client gets
 * {@code hello}; after {@code subscribe} it gets the full state (or, resuming, the deltas it missed) and then
 * every change. Each change is encoded once for all connections. Each connection has at most one send in
 * flight; while it is busy, further state is conflated (it gets the latest state, never an unbounded queue),
 * and a connection whose send has not finished within {@link WebSocketOptions#slowClientGrace()} is closed
 * with 1013. Commands are authorized per action, rate-limited per connection, carried out by the
 * {@link dev.sessionfeed.command.CommandHandler}, followed by a {@link SessionFeed#refresh} of the session,
 * answered with {@code ack} and written to the {@code sessionfeed.audit} logger (who, what, result — never
 * frame bodies or tokens).
 *
 * <p>Threads: the feed's rebuild thread only queues each change on every connection; no container call (framing,
 * socket write) ever runs on it. The endpoint's threads and what runs where are described once, under "Threads"
 * in {@code docs/websocket-adapter.md}.
 *
 * <p>Thread-safe. The endpoint registers itself with the feed on creation; {@link #close()} (idempotent)
 * closes every connection with 1001, removes it from the feed and stops its threads. It does not close the
 * feed.
 */
public final class SessionFeedEndpoint implements AutoCloseable {

    private final Hub hub;
    private final FeedConfigurator configurator;

    private SessionFeedEndpoint(SessionFeed feed, WebSocketOptions options) {
        this.hub = new Hub(feed, options);
        this.configurator = new FeedConfigurator(hub);
    }

    /**
     * Creates an endpoint for a feed and registers it as a broadcaster. The feed may be started before or
     * after.
     *
     * @param feed    the feed to stream
     * @param options security, limits and timing
     * @return the endpoint; close it when the application stops
     * @throws NullPointerException if an argument is null
     */
    public static SessionFeedEndpoint create(SessionFeed feed, WebSocketOptions options) {
        return new SessionFeedEndpoint(Objects.requireNonNull(feed, "feed"), Objects.requireNonNull(options, "options"));
    }

    /**
     * The endpoint configuration to add to the container's {@link ServerContainer}. May be called for several
     * paths; all share this endpoint's connections and limits.
     *
     * @param path the path relative to the web application, for example {@code /ws/admin/chat}
     * @return a programmatic endpoint configuration (no subprotocols, no extensions unless
     *     {@link WebSocketOptions#permessageDeflate()})
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     */
    public ServerEndpointConfig config(String path) {
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
        }
        return ServerEndpointConfig.Builder.create(FeedEndpoint.class, path)
                .configurator(configurator)
                .extensions(List.of())
                .build();
    }

    /**
     * Adds {@link #config(String)} to a container.
     *
     * On a servlet container, {@link SessionFeedServlets#register(jakarta.servlet.ServletContext, SessionFeedEndpoint,
     * String)} does this and serves the browser client too.
     *
     * @param container the container, for example from the servlet context attribute
     *                  {@code jakarta.websocket.server.ServerContainer}
     * @param path      the path
     * @throws NullPointerException     if {@code container} is null (the message says where a container comes from:
     *                                  typically the endpoint was registered before the container's WebSocket
     *                                  initializer ran) or {@code path} is null
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     * @throws DeploymentException      if the container refuses the endpoint (for example a duplicate path)
     */
    public void register(ServerContainer container, String path) throws DeploymentException {
        if (container == null) {
            throw new NullPointerException("container is null: " + ServerContainers.missing(null));
        }
        container.addEndpoint(config(path));
    }

    /** For {@link SessionFeedServlets}: the hub. */
    Hub hub() {
        return hub;
    }

    /** For {@link SessionFeedServlets}: the configurator (the Origin rule). */
    FeedConfigurator configurator() {
        return configurator;
    }

    /**
     * Closes every connection of an admin with 1008 (policy violation), at once. Does not stop the admin from
     * connecting again: the {@link AdminAuthenticator} must refuse them from now on.
     *
     * @param adminName the {@link AdminIdentity#name()}
     * @return how many connections were closed
     */
    public int revoke(String adminName) {
        Objects.requireNonNull(adminName, "adminName");
        return hub.revoke(id -> id.name().equals(adminName));
    }

    /**
     * Closes every connection whose identity matches, with 1008.
     *
     * @param which selects identities (for example all with a withdrawn permission)
     * @return how many connections were closed
     */
    public int revoke(Predicate<AdminIdentity> which) {
        return hub.revoke(Objects.requireNonNull(which, "which"));
    }

    /**
     * The number of open, authenticated connections.
     *
     * @return the count
     */
    public int connectionCount() {
        return hub.connectionCount();
    }

    /**
     * The endpoint's counters (each listed under "Stats" in {@code docs/websocket-adapter.md}). Cheap (no lock over the connections' sends); call it as often as a metrics scrape needs. Thread-safe; the
     * snapshot is not atomic across fields (see {@link WebSocketStats}). Keeps working after {@link #close()}.
     *
     * @return a new immutable snapshot
     */
    public WebSocketStats stats() {
        return hub.stats();
    }

    /** Closes all connections with 1001, unregisters from the feed and stops the endpoint's threads. Idempotent. */
    @Override
    public void close() {
        hub.close();
    }
}
