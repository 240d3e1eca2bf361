package dev.sessionfeed.websocket;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;

/**
 * The compatibility kit on embedded Tomcat 11, with no default servlet. Endpoints are registered by initializers:
 * {@link SessionFeedServlets#initializer} (the documented one-liner) for filtered mounts.
 */
class TomcatCompatibilityTest extends ContainerCompatibilityKit {

    @Override
    protected RunningServer start(List<Mount> mounts) throws Exception {
        return startServer(mounts);
    }

    /** Starts an embedded server with the endpoints (also used by {@link RealFeedEndToEndTest}). */
    static RunningServer startServer(List<Mount> mounts) throws Exception {
        Tomcat tomcat = onLoopback();
        Connector connector = tomcat.getConnector();
        Context context = tomcat.addContext("", tomcat.getServer().getCatalinaBase().toString());
        // No default servlet: SessionFeedServlets maps a servlet to each endpoint path (Tomcat's WsFilter runs only
        // for requests that map to a servlet) and serves /sessionfeed/client.js.
        context.addServletContainerInitializer(new WsSci(), null);
        for (Mount m : mounts) {
            context.addServletContainerInitializer(initializer(m), null);
        }
        tomcat.start();
        return RunningServer.of(connector.getLocalPort(), () -> {
            tomcat.stop();
            tomcat.destroy();
        });
    }

    /** A Tomcat with a base in a new temporary directory and a connector on 127.0.0.1, a free port; not started. */
    static Tomcat onLoopback() throws java.io.IOException {
        Path base = Files.createTempDirectory("sessionfeed-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        return tomcat;
    }

    @Override
    protected boolean servletFilters() {
        return true;
    }
}
