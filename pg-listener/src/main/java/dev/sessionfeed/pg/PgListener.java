package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.internal.NamedThreadFactory;
import dev.sessionfeed.internal.Threads;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.SourceStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lifecycle of one {@link PgNotifyChangeSource}: wires the parts on {@link #start} — the fallback (started
 * suspended), {@link ListenerHealth}, {@link NotificationDispatcher}, {@link ReconnectLoop} on the listener thread and
 * the {@link Watchdog} on its own thread — and stops them on {@link #close}.
 *
 * <p>Threading: every method may be called from any thread. {@code start} and {@code close} are each effective once
 * ({@code AtomicBoolean}); {@code close} joins the listener thread for at most poll timeout + probe deadline + 1 s
 * and the watchdog for at most 1 s (Threads.joinBounded: interrupt flag kept, an abandoned thread logged), then
 * closes the fallback if this source created it. Threads come from the host's factory, else SessionFeed's named
 * daemon threads.
 */
final class PgListener {

    private final ListenerConfig config;
    private final Fallback fallback;
    private final ListenerMetrics metrics = new ListenerMetrics();
    private final ConnectionSetup setup;
    private final Watchdog watchdog;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private volatile ListenerHealth health;
    private volatile ReconnectLoop loop;
    private volatile Thread thread;

    /**
     * @param config   the configuration
     * @param source   where connections come from
     * @param fallback the fallback, or null for none
     */
    PgListener(ListenerConfig config, ConnectionSource source, Fallback fallback) {
        this.config = config;
        this.fallback = fallback;
        this.watchdog = new Watchdog(config, source.target());
        this.setup = new ConnectionSetup(config, source, watchdog);
    }

    void start(ChangeListener changeListener) {
        Objects.requireNonNull(changeListener, "listener");
        if (closed.get()) {
            throw new IllegalStateException("PgNotifyChangeSource is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("PgNotifyChangeSource already started");
        }
        ListenerHealth h = new ListenerHealth(changeListener, fallback);
        health = h;
        if (fallback != null) {
            fallback.start(h.fallbackListener());
        }
        NotificationDispatcher dispatcher = new NotificationDispatcher(config, setup.probeChannel(), metrics, changeListener);
        TriggerCheck triggerCheck = TriggerCheck.of(config.acceptedTriggers(), config.table().qualifiedTable());
        ReconnectLoop l = new ReconnectLoop(config, setup, dispatcher, h, metrics, watchdog, triggerCheck, fallback != null);
        loop = l;
        ThreadFactory host = config.threadFactory();
        Thread t = (host != null ? host : NamedThreadFactory.single(ListenerConfig.THREAD_NAME)).newThread(l);
        if (t == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        thread = t;
        watchdog.start(host != null ? host : NamedThreadFactory.single(ListenerConfig.WATCHDOG_THREAD_NAME));
        t.start();
    }

    FeedStatus status() {
        ListenerHealth h = health;
        return h == null ? FeedStatus.RECOVERING : h.status();
    }

    String statusReason() {
        ListenerHealth h = health;
        if (h != null) {
            return h.reason();
        }
        return closed.get() ? "closed" : "not started";
    }

    SourceStats stats() {
        return metrics.snapshot();
    }

    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ListenerHealth h = health;
        if (h != null) {
            h.close();
        }
        ReconnectLoop l = loop;
        if (l != null) {
            l.stop();
        }
        Duration bound = config.stalledWaitBound().plusSeconds(1);
        Threads.joinBounded(thread, bound, LOG, "its current connect attempt");
        watchdog.close();
        if (fallback != null) {
            fallback.close();
        }
    }
}
