package dev.sessionfeed.websocket;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.websocket.DeploymentException;
import java.util.Objects;

/**
 * Servlet support for a {@link SessionFeedEndpoint}, kept apart so that the endpoint itself needs only the
 * Jakarta WebSocket API. Using this class needs the Servlet API at run time ({@code jakarta.servlet}, an optional
 * dependency of this module).
 *
 * <p>On a servlet container, {@link #register(ServletContext, SessionFeedEndpoint, String)} does everything at once:
 * the endpoint, the handshake filter, the browser client at {@code /sessionfeed/client.js}, and a servlet mapped to the
 * endpoint's path (so embedded Tomcat needs no default servlet). Call it where servlets may still be added: from a
 * {@link ServletContainerInitializer} that runs after the container's WebSocket initializer — {@link #initializer}
 * is one — or from a listener declared in {@code web.xml} or with {@code @WebListener}
 * ({@link SessionFeedServletListener}). One line per embedded container:
 *
 * <pre>{@code
 * // Tomcat (after context.addServletContainerInitializer(new WsSci(), null)):
 * context.addServletContainerInitializer(SessionFeedServlets.initializer(endpoint, "/ws/admin/chat"), null);
 * // Jetty 12 (ee10):
 * JakartaWebSocketServletContainerInitializer.configure(context,
 *         (servletContext, container) -> SessionFeedServlets.register(servletContext, endpoint, "/ws/admin/chat"));
 * // Undertow (with a WebSocketDeploymentInfo attribute on the deployment):
 * deployment.addServletContainerInitializer(new ServletContainerInitializerInfo(ServletContainerInitializer.class,
 *         new ImmediateInstanceFactory<>(SessionFeedServlets.initializer(endpoint, "/ws/admin/chat")), null));
 * }</pre>
 *
 * <p>Tyrus on Grizzly has no servlets: see {@link ClientScript#copyTo}. All methods are thread-safe.
 */
public final class SessionFeedServlets {

    private SessionFeedServlets() {
    }

    /**
     * A servlet filter that refuses WebSocket upgrade requests with HTTP 403 (Origin not allowed) or 401 (the
     * {@link AdminAuthenticator} returned nothing) <em>before</em> the upgrade. Optional: without it the endpoint
     * still refuses them (403 from the container's Origin check; 1008 close before any data for authentication).
     * Map it to the endpoint's path. The authenticator runs once in the filter and once in the handshake. Other
     * requests pass through untouched. Thread-safe.
     *
     * @param endpoint the endpoint whose options (Origin allow-list, authenticator) the filter applies
     * @return a new filter bound to this endpoint
     * @throws NullPointerException if {@code endpoint} is null
     */
    public static Filter handshakeFilter(SessionFeedEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        return new HandshakeFilter(endpoint.hub(), endpoint.configurator());
    }

    /**
     * Registers an endpoint in a web application: adds it to the application's {@code ServerContainer}, maps the
     * {@linkplain #handshakeFilter handshake filter} to {@code path} (before the application's filters), maps a
     * servlet to {@code path} that answers plain HTTP requests with 426 (Tomcat upgrades only requests that map to a
     * servlet), and serves {@link ClientScript} at {@value ClientScript#PATH} (once per application). Where the
     * context no longer accepts filters or servlets (a listener that was added programmatically), the endpoint is
     * still registered and each part left out is logged at INFO with its consequence. An application that maps
     * {@code /sessionfeed/client.js} itself keeps its own mapping.
     *
     * @param context  the starting web application
     * @param endpoint the endpoint (its owner closes it when the application stops)
     * @param path     the endpoint's path, for example {@code /ws/admin/chat}
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     * @throws IllegalStateException    if the application has no Jakarta WebSocket container (the message says what
     *                                  to add or reorder)
     * @throws DeploymentException      if the container refuses the endpoint (for example a duplicate path)
     */
    public static void register(ServletContext context, SessionFeedEndpoint endpoint, String path) throws DeploymentException {
        ServletMounts.mount(context, endpoint, path, true);
    }

    /**
     * A {@link ServletContainerInitializer} that calls {@link #register(ServletContext, SessionFeedEndpoint, String)}
     * on start-up; add it after the container's WebSocket initializer. A failure stops the application's start
     * (as a {@link ServletException} whose cause is the failure).
     *
     * @param endpoint the endpoint
     * @param path     the endpoint's path
     * @return a new initializer
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code path} does not start with {@code /}
     */
    public static ServletContainerInitializer initializer(SessionFeedEndpoint endpoint, String path) {
        Objects.requireNonNull(endpoint, "endpoint");
        endpoint.config(path); // validates the path now, not at start-up
        return (classes, context) -> {
            try {
                register(context, endpoint, path);
            } catch (DeploymentException | RuntimeException e) {
                throw new ServletException("cannot register the SessionFeed endpoint at " + path + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * A servlet that serves {@link ClientScript} (GET, HEAD; ETag, {@code Cache-Control: no-cache}), for applications
     * that map servlets themselves; map it to {@value ClientScript#PATH}.
     *
     * @return a new servlet
     */
    public static Servlet clientScriptServlet() {
        return new ClientScriptServlet();
    }
}
