package dev.sessionfeed.websocket;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.spi.ServerContainer;
import org.glassfish.tyrus.spi.ServerContainerFactory;

/**
 * The compatibility kit on Tyrus 2 with its Grizzly container (what GlassFish/Payara run), endpoints added
 * programmatically. Tyrus/Grizzly has no servlet filters, so unauthenticated handshakes are upgraded and then
 * closed with 1008 before any data frame (the documented fallback).
 */
class TyrusCompatibilityTest extends ContainerCompatibilityKit {

    @Override
    protected RunningServer start(List<Mount> mounts) throws Exception {
        return startServer(mounts);
    }

    /** Starts an embedded server with the endpoints (also used by {@link RealFeedEndToEndTest}). */
    static RunningServer startServer(List<Mount> mounts) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // Grizzly has no servlets: the browser client is served from a static content root (the documented one-liner).
        Path staticRoot = ClientScript.copyTo(Files.createTempDirectory("sessionfeed-tyrus"));
        ServerContainer container = ServerContainerFactory.createServerContainer(
                Map.of("org.glassfish.tyrus.server.staticContentRoot", staticRoot.toString()));
        for (Mount m : mounts) {
            m.endpoint().register(container, m.path());
        }
        container.start("/", port);
        return RunningServer.of(port, container::stop);
    }

    @Override
    protected boolean servletFilters() {
        return false;
    }
}
