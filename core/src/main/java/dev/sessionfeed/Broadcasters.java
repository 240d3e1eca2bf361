package dev.sessionfeed;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcasters of one feed. Each call is isolated: a broadcaster that throws is logged (WARN on the first
 * failure of a streak, DEBUG while it keeps failing, INFO when it works again) and the others still get the
 * event.
 *
 * <p>Thread-safety: {@link #add} and the registrations' {@code close()} from any thread; the event methods
 * from the rebuild thread only (or from {@code close()} when the feed never started).
 */
final class Broadcasters {

    private static final Logger log = LoggerFactory.getLogger(Broadcasters.class);

    private final CopyOnWriteArrayList<Registration> registrations = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * Adds a broadcaster.
     *
     * @param broadcaster the broadcaster
     * @return a handle that removes it again, idempotently
     */
    AutoCloseable add(Broadcaster broadcaster) {
        Registration r = new Registration(Objects.requireNonNull(broadcaster, "broadcaster"));
        registrations.add(r);
        return r;
    }

    void delta(SessionDelta delta, Snapshot current) {
        each("onDelta(seq " + delta.seq() + ")", b -> b.onDelta(delta, current));
    }

    void status(FeedStatus status, String reason) {
        each("onStatus(" + status.wireName() + ")", b -> b.onStatus(status, reason));
    }

    /** Sends {@code onClose} to every broadcaster, once for the lifetime of the feed. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            each("onClose", Broadcaster::onClose);
        }
    }

    private void each(String event, Consumer<Broadcaster> call) {
        for (Registration r : registrations) {
            r.call(event, call);
        }
    }

    private final class Registration implements AutoCloseable {
        private final Broadcaster broadcaster;
        private final AtomicBoolean removed = new AtomicBoolean();
        private int failures;

        Registration(Broadcaster broadcaster) {
            this.broadcaster = broadcaster;
        }

        void call(String event, Consumer<Broadcaster> call) {
            try {
                call.accept(broadcaster);
            } catch (Throwable e) {
                failures++;
                if (failures == 1) {
                    log.warn("Broadcaster {} threw in {}; other broadcasters are not affected", broadcaster, event, e);
                } else {
                    log.debug("Broadcaster {} threw in {} again ({} failures in a row)", broadcaster, event, failures, e);
                }
                return;
            }
            if (failures > 0) {
                log.info("Broadcaster {} works again after {} failures", broadcaster, failures);
                failures = 0;
            }
        }

        @Override
        public void close() {
            if (removed.compareAndSet(false, true)) {
                registrations.remove(this);
            }
        }
    }
}
