package dev.sessionfeed.websocket;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint's memory budget ({@link WebSocketOptions#maxBufferedBytes()}): the bytes of every frame handed to
 * the container and not yet reported written, summed over all connections. A container may hold a per-connection
 * copy of each such frame until the client has read it (Jetty encodes each text frame into its own UTF-8 array),
 * so this is what a crowd of clients that stopped reading pins on the heap; queued frames are shared by all
 * connections and not counted. Policy when a send takes the total over the budget: the connections whose sends
 * have been stalled longest (at least {@link #STALLED_NANOS}) are closed with 1013 and their transports aborted
 * until the excess is covered ({@link #shed}); while the total is over, {@code subscribe} and {@code resync} are
 * refused, and so is a frame of at least {@link #LARGE_FRAME_BYTES} (a full state) whose send would start while
 * the total stays over after shedding: the connection is closed with 1013, the client retries later. Small frames
 * (deltas, replies) are always sent, so healthy clients keep their stream.
 *
 * <p>Thread-safe: atomic counters; {@link #shed} runs on one thread at a time (a concurrent call returns at once)
 * and holds no lock while it closes connections.
 */
final class MemoryBudget {

    /** How long a send must have been unfinished before its connection counts as stalled (100 ms). */
    static final long STALLED_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Frames at least this large (1 MiB) are refused while the budget stays exceeded after shedding. */
    static final long LARGE_FRAME_BYTES = 1024 * 1024;

    /** A connection's send in flight: since when, and its bytes. */
    record Stall(Connection connection, long since, long bytes) {
    }

    private final long max;
    private final Metrics metrics;
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicBoolean shedding = new AtomicBoolean();

    MemoryBudget(long max, Metrics metrics) {
        this.max = max;
        this.metrics = metrics;
    }

    /**
     * Counts a send's bytes.
     *
     * @return whether the total is now over the budget (the caller then calls {@link #shed})
     */
    boolean charge(long bytes) {
        return buffered.addAndGet(bytes) > max;
    }

    /** A counted send finished (or its connection is gone). */
    void release(long bytes) {
        buffered.addAndGet(-bytes);
    }

    /**
     * @param bytes a frame's size, already {@linkplain #charge charged}
     * @return whether the frame must not be sent: the total is over the budget (after shedding) and the frame is
     *         large ({@link #LARGE_FRAME_BYTES}; small frames — deltas, replies — always go)
     */
    boolean refuses(long bytes) {
        return bytes >= LARGE_FRAME_BYTES && over();
    }

    /** @return whether the total is over the budget */
    boolean over() {
        return buffered.get() > max;
    }

    /** @return the bytes counted now */
    long buffered() {
        return buffered.get();
    }

    /**
     * Closes the longest-stalled connections until the excess over the budget is covered.
     *
     * @param registry the open connections
     * @param now      {@link System#nanoTime()}
     */
    void shed(ConnectionRegistry registry, long now) {
        if (!over() || !shedding.compareAndSet(false, true)) {
            return;
        }
        try {
            List<Stall> stalls = new ArrayList<>();
            registry.forEach(c -> {
                Stall s = c.stall(now, STALLED_NANOS);
                if (s != null) {
                    stalls.add(s);
                }
            });
            stalls.sort(Comparator.comparingLong(Stall::since));
            long excess = buffered.get() - max;
            for (Stall s : stalls) {
                if (excess <= 0) {
                    break;
                }
                if (s.connection().shed()) {
                    metrics.stalledClientsShed.increment();
                    excess -= s.bytes(); // freed once the container reports the aborted send
                }
            }
        } finally {
            shedding.set(false);
        }
    }
}
