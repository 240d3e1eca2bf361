package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.SessionFeedEndpoint;
import jakarta.websocket.DeploymentException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Registers the endpoint on the container's {@code ServerContainer} when the context starts: after the feed
 * started and before the web server accepts connections (so before any handshake, which is when containers
 * stop accepting new endpoints). A {@code ServerContainer} cannot remove an endpoint, so stopping does nothing
 * here; {@link EndpointShutdown} closes the connections.
 */
final class EndpointRegistration implements SmartLifecycle {

    /** After {@link FeedLifecycle#PHASE}, before the web server ({@code MAX_VALUE - 2048}). */
    static final int PHASE = Integer.MAX_VALUE - 4096;

    private static final Logger log = LoggerFactory.getLogger(EndpointRegistration.class);

    private final Supplier<SessionFeedEndpoint> endpoint;
    private final ServletContextHolder servletContext;
    private final String path;
    private final AtomicBoolean registered = new AtomicBoolean();

    EndpointRegistration(Supplier<SessionFeedEndpoint> endpoint, ServletContextHolder servletContext, String path) {
        this.endpoint = endpoint;
        this.servletContext = servletContext;
        this.path = path;
    }

    @Override
    public void start() {
        if (registered.get()) {
            return;
        }
        if (!servletContext.started()) {
            // A mock web environment (@SpringBootTest's default, MockMvc): no container, nothing to register on.
            log.info("no servlet container runs this application (a mock web environment?): the SessionFeed endpoint "
                    + "is not registered at {}", path);
            return;
        }
        SessionFeedEndpoint e = endpoint.get();
        try {
            e.register(servletContext.serverContainer(), path);
        } catch (DeploymentException ex) {
            throw new IllegalStateException("cannot register the SessionFeed endpoint at " + path + " (sessionfeed.path): "
                    + ex.getMessage(), ex);
        }
        registered.set(true);
    }

    @Override
    public void stop() {
        // Registered for the container's lifetime; a restart of the context reuses the registration.
    }

    @Override
    public boolean isRunning() {
        return registered.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
