package dev.sessionfeed.websocket;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Refusals logged in aggregate, so that a flood of refused input cannot flood the log: per kind (a refused Origin, an
 * unauthenticated handshake, a denied or unknown command...), the first refusal after a quiet interval is written at
 * once, and the further ones within {@link #INTERVAL_NANOS} (10 s) become one line when the interval ends, with
 * their count and the first one's sample. So a kind costs at most two lines per interval however many refusals
 * there are. Samples are rendered by the caller with {@link LogValues} (escaped, length-capped); never a stack
 * trace.
 *
 * <p>Thread-safe: one monitor per kind, held only to count (the line is written after it is released).
 * {@link #flush} runs on the housekeeping thread.
 */
final class RefusalLog {

    /** The aggregation interval. */
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One kind's counts; guarded by itself. */
    private static final class Window {
        long start;
        boolean open;
        long count;
        String sample;
    }

    private final Consumer<String> out;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** @param out writes one line (the audit logger) */
    RefusalLog(Consumer<String> out) {
        this.out = out;
    }

    /**
     * Records one refusal.
     *
     * @param kind   what was refused, for example {@code reason=origin} (fixed text, not client input)
     * @param sample the refusal's details, already escaped ({@code origin="..." connection=...})
     * @param now    {@link System#nanoTime()}
     */
    void record(String kind, String sample, long now) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        String ended = null;
        String first = null;
        synchronized (w) {
            if (w.open && now - w.start >= INTERVAL_NANOS) {
                ended = summary(kind, w);
                w.open = false;
            }
            if (!w.open) {
                // The first refusal of a quiet interval is written at once: an operator sees the attack start.
                w.open = true;
                w.start = now;
                w.count = 0;
                w.sample = null;
                first = "event=rejected " + kind + " " + sample;
            } else {
                w.count++;
                if (w.sample == null) {
                    w.sample = sample;
                }
            }
        }
        if (ended != null) {
            out.accept(ended);
        }
        if (first != null) {
            out.accept(first);
        }
    }

    /**
     * Writes the counts of the intervals that ended (the housekeeping tick).
     *
     * @param now {@link System#nanoTime()}
     */
    void flush(long now) {
        for (var e : windows.entrySet()) {
            Window w = e.getValue();
            String line = null;
            synchronized (w) {
                if (w.open && now - w.start >= INTERVAL_NANOS) {
                    line = summary(e.getKey(), w);
                    w.open = false;
                }
            }
            if (line != null) {
                out.accept(line);
            }
        }
    }

    /** @return the interval's summary line, or null when it held only the first refusal (already written) */
    private static String summary(String kind, Window w) {
        assert Thread.holdsLock(w);
        if (w.count == 0) {
            return null;
        }
        return "event=rejected " + kind + " aggregated=true count=" + w.count + " intervalSeconds="
                + TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS) + " sample: " + w.sample;
    }
}
