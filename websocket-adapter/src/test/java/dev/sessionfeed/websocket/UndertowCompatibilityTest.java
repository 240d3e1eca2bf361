package dev.sessionfeed.websocket;

import io.undertow.Undertow;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import jakarta.servlet.ServletContainerInitializer;
import java.net.InetSocketAddress;
import java.util.List;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * The compatibility kit on embedded Undertow 2.3 (what WildFly runs), endpoints added by initializers. Undertow's
 * WebSocket filter does not upgrade a refused Origin; the request falls through to the servlet SessionFeed maps to
 * the path, which answers 403 (without it: 404).
 */
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
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowCompatibilityTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("sessionfeed-compat")
                .addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME, ws);
        for (Mount m : mounts) {
            deployment.addServletContainerInitializer(new ServletContainerInitializerInfo(ServletContainerInitializer.class,
                    new ImmediateInstanceFactory<>(initializer(m)), null));
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

    @Override
    protected boolean servletFilters() {
        return true;
    }
}
