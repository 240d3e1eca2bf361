package dev.sessionfeed.websocket;

import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The compatibility kit on embedded Jetty 12 (ee10), endpoints added by {@link SessionFeedServlets#register}. */
class JettyCompatibilityTest extends ContainerCompatibilityKit {

    @Override
    protected RunningServer start(List<Mount> mounts) throws Exception {
        return startServer(mounts);
    }

    /** Starts an embedded server with the endpoints (also used by {@link RealFeedEndToEndTest}). */
    static RunningServer startServer(List<Mount> mounts) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            for (Mount m : mounts) {
                if (m.filter()) {
                    SessionFeedServlets.register(servletContext, m.endpoint(), m.path()); // the documented one-liner
                } else {
                    ServletMounts.mount(servletContext, m.endpoint(), m.path(), false);
                }
            }
        });
        server.setHandler(context);
        server.start();
        return RunningServer.of(connector.getLocalPort(), server::stop);
    }

    @Override
    protected boolean servletFilters() {
        return true;
    }
}
