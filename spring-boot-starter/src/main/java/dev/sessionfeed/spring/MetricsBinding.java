package dev.sessionfeed.spring;

import dev.sessionfeed.micrometer.SessionFeedMetrics;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.springframework.context.SmartLifecycle;

/**
 * Binds {@link SessionFeedMetrics} when the context starts, right after the endpoint's registration, and removes
 * its meters when the context stops (before the feed closes).
 */
final class MetricsBinding implements SmartLifecycle {

    private final Supplier<SessionFeedMetrics> bind;
    private final AtomicReference<SessionFeedMetrics> bound = new AtomicReference<>();

    MetricsBinding(Supplier<SessionFeedMetrics> bind) {
        this.bind = bind;
    }

    @Override
    public void start() {
        if (bound.get() == null) {
            bound.set(bind.get());
        }
    }

    @Override
    public void stop() {
        SessionFeedMetrics m = bound.getAndSet(null);
        if (m != null) {
            m.close();
        }
    }

    @Override
    public boolean isRunning() {
        return bound.get() != null;
    }

    @Override
    public int getPhase() {
        return EndpointRegistration.PHASE + 1;
    }
}
