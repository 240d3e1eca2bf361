package dev.sessionfeed;

import dev.sessionfeed.source.ChangeSignal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The change lag of the signals merged into one batch, kept in O(1) space: how many signals, and the sum of their
 * arrival times ({@link ChangeSignal#receivedNanos()}) and, for those whose source knows it, their commit times
 * ({@link ChangeSignal#committedAt()}), each as offsets from the batch's first value (no overflow). When the
 * batch is published, the summed lag of all its signals is {@code count * (now - base) - offsets}.
 *
 * <p>Not thread-safe: {@link PendingWork} changes it under its lock, and hands it to the rebuild thread in a batch.
 */
final class SignalLag {

    /** No signals: what batches without change signals (resyncs, refreshes, reconciles) carry. */
    static final SignalLag NONE = new SignalLag();

    /** Arrival times, in {@link System#nanoTime()} nanoseconds. */
    private final Sum received = new Sum();
    /** Commit times, in microseconds since the epoch. */
    private final Sum committed = new Sum();

    /** Adds one signal. */
    void add(ChangeSignal signal) {
        assert this != NONE;
        received.add(1, signal.receivedNanos(), 0);
        Instant at = signal.committedAt();
        if (at != null) {
            committed.add(1, micros(at), 0);
        }
    }

    /** Adds the signals of {@code other} (a failed batch given back). */
    void addAll(SignalLag other) {
        assert this != NONE;
        received.addAll(other.received);
        committed.addAll(other.committed);
    }

    /** Signals counted. */
    long count() {
        return received.count;
    }

    /** Signals counted that carry a commit time. */
    long commits() {
        return committed.count;
    }

    /**
     * The lag of every counted signal from its arrival until {@code nowNanos}, summed.
     *
     * @param nowNanos {@link System#nanoTime()} at publication
     * @return nanoseconds, not negative
     */
    long totalNanos(long nowNanos) {
        return received.totalUntil(nowNanos);
    }

    /**
     * The lag of every signal with a commit time from its commit until {@code now}, summed. The commit time is the
     * database server's clock and {@code now} the feed's: a server clock ahead of the feed's is clamped to 0.
     *
     * @param now the feed's clock at publication
     * @return nanoseconds, not negative
     */
    long totalCommitNanos(Instant now) {
        return committed.totalUntil(micros(now)) * 1_000;
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    /** A count of points in time and their sum, as offsets from the first. */
    private static final class Sum {
        private long count;
        private long base;
        private long offsets;

        void add(long n, long firstBase, long firstOffsets) {
            if (count == 0) {
                base = firstBase;
                offsets = firstOffsets;
            } else {
                offsets += firstOffsets + n * (firstBase - base);
            }
            count += n;
        }

        void addAll(Sum other) {
            if (other.count > 0) {
                add(other.count, other.base, other.offsets);
            }
        }

        /** The summed time from each point until {@code now}; not negative. */
        long totalUntil(long now) {
            return count == 0 ? 0 : Math.max(0, count * (now - base) - offsets);
        }
    }
}
