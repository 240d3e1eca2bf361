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

    private long count;
    private long baseNanos;
    private long offsetNanos;
    private long commits;
    private long baseMicros;
    private long offsetMicros;

    /** Adds one signal. */
    void add(ChangeSignal signal) {
        assert this != NONE;
        add(1, signal.receivedNanos(), 0);
        Instant committed = signal.committedAt();
        if (committed != null) {
            addCommits(1, micros(committed), 0);
        }
    }

    /** Adds the signals of {@code other} (a failed batch given back). */
    void addAll(SignalLag other) {
        assert this != NONE;
        if (other.count > 0) {
            add(other.count, other.baseNanos, other.offsetNanos);
        }
        if (other.commits > 0) {
            addCommits(other.commits, other.baseMicros, other.offsetMicros);
        }
    }

    private void add(long n, long base, long offsets) {
        if (count == 0) {
            baseNanos = base;
            offsetNanos = offsets;
        } else {
            offsetNanos += offsets + n * (base - baseNanos);
        }
        count += n;
    }

    private void addCommits(long n, long base, long offsets) {
        if (commits == 0) {
            baseMicros = base;
            offsetMicros = offsets;
        } else {
            offsetMicros += offsets + n * (base - baseMicros);
        }
        commits += n;
    }

    /** Signals counted. */
    long count() {
        return count;
    }

    /** Signals counted that carry a commit time. */
    long commits() {
        return commits;
    }

    /**
     * The lag of every counted signal from its arrival until {@code nowNanos}, summed.
     *
     * @param nowNanos {@link System#nanoTime()} at publication
     * @return nanoseconds, not negative
     */
    long totalNanos(long nowNanos) {
        return count == 0 ? 0 : Math.max(0, count * (nowNanos - baseNanos) - offsetNanos);
    }

    /**
     * The lag of every signal with a commit time from its commit until {@code now}, summed. The commit time is the
     * database server's clock and {@code now} the feed's: a server clock ahead of the feed's is clamped to 0.
     *
     * @param now the feed's clock at publication
     * @return nanoseconds, not negative
     */
    long totalCommitNanos(Instant now) {
        return commits == 0 ? 0 : Math.max(0, (commits * (micros(now) - baseMicros) - offsetMicros) * 1_000);
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }
}
