package dev.sessionfeed.source;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The stats snapshot of a {@link SessionChangeSource}: monotonic counters since it started plus a few gauges read at
 * the moment the snapshot was taken. Immutable and thread-safe; build one with {@link #builder()}.
 *
 * <p>Counters never decrease. Durations are counted as cumulative nanoseconds plus a count (for example
 * {@link #probes()} and {@link #probeRoundTripNanos()}), so a metrics library can bind them as a timer. A source
 * that has no use for a value leaves it at its default: 0 for counters and {@link #backendPid()}, empty for
 * {@link #lastProbeRoundTrip()} and {@link #notificationQueueUsage()}.
 *
 * <p>The names of the accessors are the names used in the modules' docs ("Stats" tables) and by the sources'
 * internal metrics holders.
 */
public final class SourceStats {

    /** All counters zero, all gauges empty: the default of {@link SessionChangeSource#stats()}. */
    public static final SourceStats ZERO = builder().build();

    private final long received;
    private final long resyncs;
    private final long reconnects;
    private final long rejected;
    private final long probes;
    private final long probeRoundTripNanos;
    private final long lastProbeRoundTripNanos;
    private final double notificationQueueUsage;
    private final int backendPid;
    private final long slotLagBytes;

    private SourceStats(Builder b) {
        this.received = b.received;
        this.resyncs = b.resyncs;
        this.reconnects = b.reconnects;
        this.rejected = b.rejected;
        this.probes = b.probes;
        this.probeRoundTripNanos = b.probeRoundTripNanos;
        this.lastProbeRoundTripNanos = b.lastProbeRoundTripNanos;
        this.notificationQueueUsage = b.notificationQueueUsage;
        this.backendPid = b.backendPid;
        this.slotLagBytes = b.slotLagBytes;
    }

    /**
     * Starts a builder with every counter 0 and every gauge empty.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Counter: change signals delivered (one per id in a notification), or polls that detected a change.
     *
     * @return the count since start
     */
    public long received() {
        return received;
    }

    /**
     * Counter: resync requests the source raised (each (re)connect, each rejected batch, each detected change of a
     * polling source).
     *
     * @return the count since start
     */
    public long resyncs() {
        return resyncs;
    }

    /**
     * Counter: successful reconnects after a failure (the first connect is not counted).
     *
     * @return the count since start
     */
    public long reconnects() {
        return reconnects;
    }

    /**
     * Counter: payloads rejected as malformed, oversize or unknown (each also caused a resync).
     *
     * @return the count since start
     */
    public long rejected() {
        return rejected;
    }

    /**
     * Counter: liveness probes that came back; the count of the timer whose total is {@link #probeRoundTripNanos()}.
     *
     * @return the count since start
     */
    public long probes() {
        return probes;
    }

    /**
     * Counter: the sum of the round trips of the probes counted by {@link #probes()}.
     *
     * @return cumulative nanoseconds since start
     */
    public long probeRoundTripNanos() {
        return probeRoundTripNanos;
    }

    /**
     * Gauge: the round trip of the last probe that came back.
     *
     * @return the duration, or empty before the first probe (and for sources without probes)
     */
    public Optional<Duration> lastProbeRoundTrip() {
        return lastProbeRoundTripNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(lastProbeRoundTripNanos));
    }

    /**
     * Gauge: the last reading of PostgreSQL's {@code pg_notification_queue_usage()} (0 = empty, 1 = full).
     *
     * @return the fraction, or empty before the first check (and for sources that do not check)
     */
    public OptionalDouble notificationQueueUsage() {
        return Double.isNaN(notificationQueueUsage) ? OptionalDouble.empty() : OptionalDouble.of(notificationQueueUsage);
    }

    /**
     * Gauge: the server process id of the source's current dedicated connection, for diagnostics.
     *
     * @return the pid, or 0 while disconnected (and for sources without a dedicated connection)
     */
    public int backendPid() {
        return backendPid;
    }

    /**
     * Gauge: how far the source's replication slot trails the server's WAL ({@code pg_current_wal_lsn() -
     * confirmed_flush_lsn}), as last read: the WAL PostgreSQL retains for this source. Read every check interval by
     * a logical replication source.
     *
     * @return bytes, or empty before the first reading (and for sources without a slot)
     */
    public OptionalLong slotLagBytes() {
        return slotLagBytes < 0 ? OptionalLong.empty() : OptionalLong.of(slotLagBytes);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SourceStats)) {
            return false;
        }
        SourceStats s = (SourceStats) o;
        return received == s.received && resyncs == s.resyncs && reconnects == s.reconnects && rejected == s.rejected
                && probes == s.probes && probeRoundTripNanos == s.probeRoundTripNanos
                && lastProbeRoundTripNanos == s.lastProbeRoundTripNanos
                && Double.compare(notificationQueueUsage, s.notificationQueueUsage) == 0 && backendPid == s.backendPid
                && slotLagBytes == s.slotLagBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(received, resyncs, reconnects, rejected, probes, probeRoundTripNanos, lastProbeRoundTripNanos,
                notificationQueueUsage, backendPid, slotLagBytes);
    }

    @Override
    public String toString() {
        return "SourceStats{received=" + received + ", resyncs=" + resyncs + ", reconnects=" + reconnects + ", rejected=" + rejected
                + ", probes=" + probes + ", probeRoundTripNanos=" + probeRoundTripNanos
                + ", lastProbeRoundTrip=" + lastProbeRoundTrip().map(Duration::toString).orElse("none")
                + ", notificationQueueUsage=" + (Double.isNaN(notificationQueueUsage) ? "none" : notificationQueueUsage)
                + ", backendPid=" + backendPid
                + ", slotLagBytes=" + (slotLagBytes < 0 ? "none" : Long.toString(slotLagBytes)) + '}';
    }

    /**
     * Builds a {@link SourceStats}; for change-source implementations. Every setter rejects a negative value, naming
     * the property and the value. Not thread-safe.
     */
    public static final class Builder {
        private long received;
        private long resyncs;
        private long reconnects;
        private long rejected;
        private long probes;
        private long probeRoundTripNanos;
        private long lastProbeRoundTripNanos = -1;
        private double notificationQueueUsage = Double.NaN;
        private int backendPid;
        private long slotLagBytes = -1;

        private Builder() {
        }

        /**
         * Sets {@link SourceStats#slotLagBytes()}. Default empty.
         *
         * @param bytes the lag, or a negative value for "not read yet"
         * @return this builder
         */
        public Builder slotLagBytes(long bytes) {
            this.slotLagBytes = bytes < 0 ? -1 : bytes;
            return this;
        }

        /**
         * Sets {@link SourceStats#received()}. Default 0.
         *
         * @param count not negative
         * @return this builder
         */
        public Builder received(long count) {
            this.received = notNegative("received", count);
            return this;
        }

        /**
         * Sets {@link SourceStats#resyncs()}. Default 0.
         *
         * @param count not negative
         * @return this builder
         */
        public Builder resyncs(long count) {
            this.resyncs = notNegative("resyncs", count);
            return this;
        }

        /**
         * Sets {@link SourceStats#reconnects()}. Default 0.
         *
         * @param count not negative
         * @return this builder
         */
        public Builder reconnects(long count) {
            this.reconnects = notNegative("reconnects", count);
            return this;
        }

        /**
         * Sets {@link SourceStats#rejected()}. Default 0.
         *
         * @param count not negative
         * @return this builder
         */
        public Builder rejected(long count) {
            this.rejected = notNegative("rejected", count);
            return this;
        }

        /**
         * Sets {@link SourceStats#probes()} and {@link SourceStats#probeRoundTripNanos()}. Defaults 0.
         *
         * @param count      probes that came back, not negative
         * @param totalNanos the sum of their round trips, not negative
         * @return this builder
         */
        public Builder probes(long count, long totalNanos) {
            this.probes = notNegative("probes", count);
            this.probeRoundTripNanos = notNegative("probeRoundTripNanos", totalNanos);
            return this;
        }

        /**
         * Sets {@link SourceStats#lastProbeRoundTrip()}. Default empty.
         *
         * @param nanos the round trip, or a negative value for "none yet"
         * @return this builder
         */
        public Builder lastProbeRoundTripNanos(long nanos) {
            this.lastProbeRoundTripNanos = nanos < 0 ? -1 : nanos;
            return this;
        }

        /**
         * Sets {@link SourceStats#notificationQueueUsage()}. Default empty.
         *
         * @param usage 0 to 1, or {@link Double#NaN} for "not read yet"
         * @return this builder
         * @throws IllegalArgumentException when neither NaN nor between 0 and 1
         */
        public Builder notificationQueueUsage(double usage) {
            if (!Double.isNaN(usage) && !(usage >= 0 && usage <= 1)) {
                throw new IllegalArgumentException("notificationQueueUsage must be between 0 and 1 (or NaN), was " + usage);
            }
            this.notificationQueueUsage = usage;
            return this;
        }

        /**
         * Sets {@link SourceStats#backendPid()}. Default 0.
         *
         * @param pid the pid, or 0 for none; not negative
         * @return this builder
         */
        public Builder backendPid(int pid) {
            this.backendPid = (int) notNegative("backendPid", pid);
            return this;
        }

        /**
         * Creates the snapshot.
         *
         * @return a new immutable snapshot
         */
        public SourceStats build() {
            return new SourceStats(this);
        }

        private static long notNegative(String property, long value) {
            if (value < 0) {
                throw new IllegalArgumentException(property + " must not be negative, was " + value);
            }
            return value;
        }
    }
}
