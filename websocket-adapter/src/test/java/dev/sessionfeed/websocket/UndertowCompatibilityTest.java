package dev.sessionfeed.websocket;

import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.FilterInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.net.InetSocketAddress;
import java.util.List;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** The compatibility kit on embedded Undertow 2.3 (what WildFly runs), endpoints added programmatically. */
class UndertowCompatibilityTest extends ContainerCompatibilityKit {

    @Override
    protected RunningServer start(List<Mount> mounts) throws Exception {
        return startServer(mounts);
    }

    /** Starts an embedded server with the endpoints (also used by {@link RealFeedEndToEndTest}). */
    static RunningServer startServer(List<Mount> mounts) throws Exception {
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 2)
                .set(Options.WORKER_TASK_CORE_THREADS, 4)
                .set(Options.WORKER_TASK_MAX_THREADS, 8)
                .set(Options.THREAD_DAEMON, true)
                .getMap());
        WebSocketDeploymentInfo ws = new WebSocketDeploymentInfo()
                .setWorker(worker)
                .setBuffers(new DefaultByteBufferPool(true, 16 * 1024));
        for (Mount m : mounts) {
            ws.addEndpoint(m.endpoint().config(m.path()));
        }
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowCompatibilityTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("sessionfeed-compat")
                .addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME, ws);
        for (Mount m : mounts) {
            if (m.filter()) {
                String name = "sessionfeed-handshake" + m.path();
                Filter filter = SessionFeedServlets.handshakeFilter(m.endpoint());
                deployment.addFilter(new FilterInfo(name, Filter.class, new ImmediateInstanceFactory<>(filter)));
                deployment.addFilterUrlMapping(name, m.path(), DispatcherType.REQUEST);
            }
        }
        DeploymentManager manager = Servlets.defaultContainer().addDeployment(deployment);
        manager.deploy();
        HttpHandler handler = manager.start();
        Undertow server = Undertow.builder()
                .setWorker(worker)
                .addHttpListener(0, "127.0.0.1")
                .setHandler(handler)
                .build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        return RunningServer.of(port, () -> {
            server.stop();
            manager.stop();
            manager.undeploy();
            worker.shutdownNow();
        });
    }

    /** Undertow's WebSocket filter does not upgrade a refused Origin and the request falls through to a 404. */
    @Override
    protected int originRejectionStatus() {
        return 404;
    }

    @Override
    protected boolean servletFilters() {
        return true;
    }
}
