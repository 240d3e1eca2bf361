package dev.sessionfeed.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The frames a {@link FeedWebSocketClient} received, in order, and waiting for one with a deadline.
 *
 * <p>Threading: guarded by the owning client's lock (asserted); {@link #add} notifies waiters on it and
 * {@link #await} waits on it, so a frame and a waiter never miss each other. Not thread-safe on its own.
 */
final class FrameLog {

    private final Object lock;
    private final boolean enabled;
    private final List<JsonNode> frames = new ArrayList<>();
    private long lastFrameNanos;

    FrameLog(Object lock, boolean enabled) {
        this.lock = lock;
        this.enabled = enabled;
    }

    /** Records a frame (its arrival time even when not recording frames) and wakes waiters. */
    void add(JsonNode frame) {
        assert Thread.holdsLock(lock);
        lastFrameNanos = System.nanoTime();
        if (enabled) {
            frames.add(frame);
        }
        lock.notifyAll();
    }

    List<JsonNode> copy() {
        assert Thread.holdsLock(lock);
        return List.copyOf(frames);
    }

    int size() {
        assert Thread.holdsLock(lock);
        return frames.size();
    }

    long lastFrameNanos() {
        assert Thread.holdsLock(lock);
        return lastFrameNanos;
    }

    /**
     * Waits (releasing the lock) for the first frame at {@code from} or later that matches.
     *
     * @param describe the client's state for the failure message, evaluated with the lock held
     */
    JsonNode await(int from, Predicate<JsonNode> condition, String what, Duration timeout, Supplier<String> describe) {
        assert Thread.holdsLock(lock);
        if (!enabled) {
            throw new IllegalStateException("frames are not recorded (Builder.recordFrames(false))");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = Math.max(0, from);
        while (true) {
            for (; next < frames.size(); next++) {
                if (condition.test(frames.get(next))) {
                    return frames.get(next);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + what + " within " + timeout + "; " + describe.get());
            }
            try {
                lock.wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what + "; " + describe.get(), e);
            }
        }
    }

    /** The types (and seqs) of the last {@code n} frames, for failure messages. */
    String tail(int n) {
        assert Thread.holdsLock(lock);
        StringBuilder sb = new StringBuilder();
        for (JsonNode f : frames.subList(Math.max(0, frames.size() - n), frames.size())) {
            sb.append(' ').append(f.path("type").asText());
            if (f.has("seq")) {
                sb.append('@').append(f.path("seq").asLong());
            }
        }
        return sb.toString();
    }
}
