package dev.sessionfeed.websocket;

import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.FilterMapping;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** The compatibility kit on embedded Jetty 12 (ee10), endpoints added programmatically. */
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
                m.endpoint().register(container, m.path());
            }
        });
        server.setHandler(context);
        server.start();
        // Jetty puts its WebSocketUpgradeFilter first when the context starts; the handshake filter must run
        // before it, so it is prepended afterwards.
        for (Mount m : mounts) {
            if (m.filter()) {
                FilterHolder holder = new FilterHolder(SessionFeedServlets.handshakeFilter(m.endpoint()));
                holder.setName("sessionfeed-handshake" + m.path());
                context.getServletHandler().addFilter(holder);
                FilterMapping mapping = new FilterMapping();
                mapping.setFilterName(holder.getName());
                mapping.setPathSpec(m.path());
                mapping.setDispatcherTypes(EnumSet.of(DispatcherType.REQUEST));
                context.getServletHandler().prependFilterMapping(mapping);
            }
        }
        return RunningServer.of(connector.getLocalPort(), server::stop);
    }

    @Override
    protected boolean servletFilters() {
        return true;
    }
}
