package dev.sessionfeed.websocket;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>When the container allows it (listeners declared in {@code web.xml}/annotations or added by an
 * initializer), the {@linkplain SessionFeedServlets#handshakeFilter handshake filter} is mapped to the path
 * too, so unauthenticated handshakes get HTTP 401 before the upgrade; otherwise they are closed with 1008.
 */
public abstract class SessionFeedServletListener implements ServletContextListener {

    private static final Logger log = LoggerFactory.getLogger(SessionFeedServletListener.class);

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
     * @throws IllegalStateException if the container has no WebSocket support or refuses the endpoint
     */
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Object container = context.getAttribute(ServerContainer.class.getName());
        if (!(container instanceof ServerContainer)) {
            throw new IllegalStateException("no Jakarta WebSocket container in this web application (servlet context attribute "
                    + ServerContainer.class.getName() + " is " + container + ")");
        }
        SessionFeedEndpoint e = createEndpoint(context);
        try {
            e.register((ServerContainer) container, path());
        } catch (DeploymentException ex) {
            e.close();
            throw new IllegalStateException("cannot register the SessionFeed endpoint at " + path() + ": " + ex.getMessage(), ex);
        }
        endpoint = e;
        if (installHandshakeFilter()) {
            try {
                FilterRegistration.Dynamic f = context.addFilter("sessionfeed-handshake-" + path(), SessionFeedServlets.handshakeFilter(e));
                if (f != null) {
                    f.addMappingForUrlPatterns(null, false, path());
                }
            } catch (UnsupportedOperationException | IllegalStateException ex) {
                log.info("cannot add the SessionFeed handshake filter here ({}); unauthenticated handshakes on {} are "
                        + "closed with 1008 instead of refused with 401", ex.toString(), path());
            }
        }
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
