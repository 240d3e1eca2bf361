package dev.sessionfeed.websocket;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The compatibility kit on embedded Tomcat 11. Endpoints are registered through
 * {@link SessionFeedServletListener} (the listener path), added by an initializer.
 */
class TomcatCompatibilityTest extends ContainerCompatibilityKit {

    @Override
    protected RunningServer start(List<Mount> mounts) throws Exception {
        return startServer(mounts);
    }

    /** Starts an embedded server with the endpoints (also used by {@link RealFeedEndToEndTest}). */
    static RunningServer startServer(List<Mount> mounts) throws Exception {
        Path base = Files.createTempDirectory("sessionfeed-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.toString());
        // Tomcat only runs filters (its WsFilter does the upgrade) for requests that map to a servlet.
        Tomcat.addServlet(context, "default", new HttpServlet() {
            private static final long serialVersionUID = 1L;
        });
        context.addServletMappingDecoded("/", "default");
        context.addServletContainerInitializer(new WsSci(), null);
        context.addServletContainerInitializer((classes, servletContext) -> {
            for (Mount m : mounts) {
                servletContext.addListener(new SessionFeedServletListener() {
                    @Override
                    protected SessionFeedEndpoint createEndpoint(ServletContext ctx) {
                        return m.endpoint();
                    }

                    @Override
                    protected String path() {
                        return m.path();
                    }

                    @Override
                    protected boolean installHandshakeFilter() {
                        return false;
                    }
                });
                if (m.filter()) {
                    servletContext.addFilter("sessionfeed-handshake" + m.path(), SessionFeedServlets.handshakeFilter(m.endpoint()))
                            .addMappingForUrlPatterns(null, false, m.path());
                }
            }
        }, null);
        tomcat.start();
        return RunningServer.of(connector.getLocalPort(), () -> {
            tomcat.stop();
            tomcat.destroy();
        });
    }

    @Override
    protected boolean servletFilters() {
        return true;
    }
}
