package dev.sessionfeed.internal;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one way SessionFeed names the threads it creates itself: daemon threads called {@code name} (for a part
 * that runs one thread) or {@code name-1}, {@code name-2}, ... (for a pool). Daemon, so a host that forgets to
 * close a feed can still exit; every part joins its threads on {@code close()} all the same.
 *
 * <p>A host that passes its own {@link ThreadFactory} to a builder gets its threads instead; this factory is only
 * the default. Thread-safe.
 */
public final class NamedThreadFactory implements ThreadFactory {

    private final String name;
    private final boolean numbered;
    private final AtomicInteger count = new AtomicInteger();

    private NamedThreadFactory(String name, boolean numbered) {
        this.name = Objects.requireNonNull(name, "name");
        this.numbered = numbered;
    }

    /**
     * A factory whose every thread is called {@code name} (a part that runs one thread at a time).
     *
     * @param name the thread name, for example {@code sessionfeed-rebuild}
     * @return the factory
     */
    public static NamedThreadFactory single(String name) {
        return new NamedThreadFactory(name, false);
    }

    /**
     * A factory for a pool: threads called {@code prefix-1}, {@code prefix-2}, ...
     *
     * @param prefix the name prefix, for example {@code sessionfeed-ws-sender}
     * @return the factory
     */
    public static NamedThreadFactory numbered(String prefix) {
        return new NamedThreadFactory(prefix, true);
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, numbered ? name + "-" + count.incrementAndGet() : name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() {
        return "NamedThreadFactory{" + name + (numbered ? "-N" : "") + '}';
    }
}
