package dev.sessionfeed.websocket;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;

/**
 * Registers a {@link SessionFeedEndpoint} when a web application starts and closes it when it stops, for
 * applications that prefer a listener (declared in {@code web.xml}, with {@code @WebListener}, or added by a
 * {@code ServletContainerInitializer}) to code that calls {@link SessionFeedEndpoint#register}.
 *
 * <pre>{@code
 * @WebListener
 * public class AdminFeedListener extends SessionFeedServletListener {
 *     protected SessionFeedEndpoint createEndpoint(ServletContext context) {
 *         return SessionFeedEndpoint.create(MyApp.feed(context), MyApp.webSocketOptions());
 *     }
 *     protected String path() { return "/ws/admin/chat"; }
 * }
 * }</pre>
 *
 * <p>It does what {@link SessionFeedServlets#register(ServletContext, SessionFeedEndpoint, String)} does. When the
 * container allows it (listeners declared in {@code web.xml} or with {@code @WebListener}), the
 * {@linkplain SessionFeedServlets#handshakeFilter handshake filter} is mapped to the path too, so unauthenticated
 * handshakes get HTTP 401 before the upgrade, and {@code /sessionfeed/client.js} is served; a listener added
 * programmatically ({@code ServletContext.addListener}) may not add filters or servlets, so its handshakes are
 * closed with 1008 instead, and each part left out is logged at INFO.
 */
public abstract class SessionFeedServletListener implements ServletContextListener {

    private volatile SessionFeedEndpoint endpoint;

    /** For subclasses. */
    protected SessionFeedServletListener() {
    }

    /**
     * Creates the endpoint (called once, from {@link #contextInitialized}).
     *
     * @param context the starting web application
     * @return the endpoint; this listener closes it when the application stops
     */
    protected abstract SessionFeedEndpoint createEndpoint(ServletContext context);

    /**
     * The endpoint's path.
     *
     * @return for example {@code /ws/admin/chat}
     */
    protected abstract String path();

    /**
     * Whether to map the handshake filter to the path. Default true.
     *
     * @return true to refuse unauthenticated handshakes with 401 before the upgrade
     */
    protected boolean installHandshakeFilter() {
        return true;
    }

    /**
     * The endpoint, once the application started.
     *
     * @return the endpoint, or null before {@link #contextInitialized}
     */
    public SessionFeedEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Creates and registers the endpoint.
     *
     * @throws IllegalStateException if the container has no WebSocket support (the message says what to add) or
     *                               refuses the endpoint
     */
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ServletMounts.container(context); // fails with what to do before the endpoint is created
        SessionFeedEndpoint e = createEndpoint(context);
        try {
            ServletMounts.mount(context, e, path(), installHandshakeFilter());
        } catch (DeploymentException | RuntimeException ex) {
            e.close();
            throw new IllegalStateException("cannot register the SessionFeed endpoint at " + path() + ": " + ex.getMessage(), ex);
        }
        endpoint = e;
    }

    /** Closes the endpoint. */
    @Override
    public void contextDestroyed(ServletContextEvent event) {
        SessionFeedEndpoint e = endpoint;
        if (e != null) {
            e.close();
        }
    }
}
