package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the feed (after installing the trigger, when asked) once every singleton exists — so after
 * {@code spring.sql.init}, Flyway and Liquibase — and before the web server accepts connections; closes it last.
 */
final class FeedLifecycle implements SmartLifecycle {

    /** Before the endpoint's registration and the web server (which starts at {@code MAX_VALUE - 2048}). */
    static final int PHASE = Integer.MAX_VALUE - 8192;

    private final SessionFeed feed;
    private final Runnable installTrigger;
    private final AtomicBoolean running = new AtomicBoolean();

    FeedLifecycle(SessionFeed feed, Runnable installTrigger) {
        this.feed = feed;
        this.installTrigger = installTrigger;
    }

    @Override
    public void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // A failure here fails the context's refresh; Spring then destroys the beans, whose close() stops every
        // thread the starter's objects made. No lock is held: both steps do I/O.
        try {
            if (installTrigger != null) {
                installTrigger.run();
            }
            feed.start();
        } catch (RuntimeException | Error e) {
            running.set(false);
            throw e;
        }
    }

    @Override
    public void stop() {
        running.set(false);
        feed.close();
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
