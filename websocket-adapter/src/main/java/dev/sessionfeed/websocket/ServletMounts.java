package dev.sessionfeed.websocket;

import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link SessionFeedServlets#register} and {@link SessionFeedServletListener} put into a web application: the
 * endpoint, optionally the handshake filter, a servlet mapped to the endpoint's path (Tomcat upgrades only requests
 * that map to a servlet) and the browser client at {@link ClientScript#PATH}. Stateless.
 */
final class ServletMounts {

    private static final Logger log = LoggerFactory.getLogger(ServletMounts.class);

    /** The client script's servlet name: one per web application, however many endpoints it has. */
    static final String CLIENT_SERVLET = "sessionfeed-client";

    private ServletMounts() {
    }

    /**
     * The web application's WebSocket container.
     *
     * @throws IllegalStateException if it has none (with the message that says what to do)
     */
    static ServerContainer container(ServletContext context) {
        return ServerContainers.require(context.getAttribute(ServerContainers.ATTRIBUTE));
    }

    static void mount(ServletContext context, SessionFeedEndpoint endpoint, String path, boolean handshakeFilter)
            throws DeploymentException {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(path, "path");
        ServerContainer container = container(context);
        endpoint.register(container, path);
        String mapping = servletMapping(path);
        try {
            if (handshakeFilter) {
                FilterRegistration.Dynamic f = context.addFilter("sessionfeed-handshake-" + path,
                        SessionFeedServlets.handshakeFilter(endpoint));
                if (f != null) {
                    // Before the application's own filters (and Jetty's upgrade filter), so it sees the handshake.
                    f.addMappingForUrlPatterns(null, false, mapping);
                }
            }
        } catch (UnsupportedOperationException | IllegalStateException e) {
            log.info("cannot add the SessionFeed handshake filter here ({}); unauthenticated handshakes on {} are "
                    + "closed with 1008 instead of refused with 401", e.toString(), path);
        }
        addServlet(context, "sessionfeed-endpoint-" + path, new UpgradeOnlyServlet(), mapping,
                "on Tomcat, handshakes on " + path + " get 404 unless a servlet (a default servlet is enough) maps that path");
        addServlet(context, CLIENT_SERVLET, new ClientScriptServlet(), ClientScript.PATH,
                ClientScript.PATH + " is served only if the application serves META-INF/resources (see ClientScript)");
    }

    /** The servlet mapping that covers an endpoint path ({@code /ws/{room}} → {@code /ws/*}). */
    static String servletMapping(String path) {
        int template = path.indexOf('{');
        if (template < 0) {
            return path;
        }
        String prefix = path.substring(0, path.lastIndexOf('/', template));
        return prefix + "/*";
    }

    private static void addServlet(ServletContext context, String name, Servlet servlet, String mapping, String otherwise) {
        try {
            ServletRegistration.Dynamic s = context.addServlet(name, servlet);
            if (s == null) {
                return; // already added (another endpoint of this application)
            }
            Set<String> taken = s.addMapping(mapping);
            if (!taken.isEmpty()) {
                log.debug("{} is mapped by the application already; SessionFeed's {} is not used", mapping, name);
            }
        } catch (UnsupportedOperationException | IllegalStateException e) {
            log.info("cannot add the SessionFeed servlet {} here ({}); {}", name, e.toString(), otherwise);
        }
    }
}
