package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.SessionFeedEndpoint;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * Closes every connection with 1001 (going away: clients resume on another instance) when the context stops,
 * before the web server's graceful shutdown ({@code MAX_VALUE - 1024}) waits for requests, so open WebSockets
 * never hold a shutdown up. Starting does nothing.
 */
final class EndpointShutdown implements SmartLifecycle {

    static final int PHASE = Integer.MAX_VALUE - 512;

    private final Supplier<SessionFeedEndpoint> endpoint;
    private final AtomicBoolean running = new AtomicBoolean();

    EndpointShutdown(Supplier<SessionFeedEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void start() {
        running.set(true);
    }

    @Override
    public void stop() {
        if (running.getAndSet(false)) {
            endpoint.get().close();
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
