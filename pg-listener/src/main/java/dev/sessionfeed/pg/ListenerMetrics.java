package dev.sessionfeed.pg;

import dev.sessionfeed.source.SourceStats;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener's counters and gauges, named as {@link SourceStats}' accessors (and the "Stats" table of
 * docs/pg-listener.md). Written by the listener thread, read by {@link #snapshot()} from any thread: atomics and
 * volatiles, no lock. A snapshot is not atomic across values (each value is exact on its own).
 */
final class ListenerMetrics {

    private final AtomicLong received = new AtomicLong();
    private final AtomicLong resyncs = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong probes = new AtomicLong();
    private final AtomicLong probeRoundTripNanos = new AtomicLong();
    private volatile long lastProbeRoundTripNanos = -1;
    private volatile double notificationQueueUsage = Double.NaN;
    private volatile int backendPid;
    private volatile long slotLagBytes = -1;

    void received() {
        received.incrementAndGet();
    }

    void resync() {
        resyncs.incrementAndGet();
    }

    void reconnected() {
        reconnects.incrementAndGet();
    }

    void rejected() {
        rejected.incrementAndGet();
    }

    /** A probe came back after {@code roundTripNanos}. */
    void probe(long roundTripNanos) {
        probeRoundTripNanos.addAndGet(roundTripNanos);
        lastProbeRoundTripNanos = roundTripNanos;
        probes.incrementAndGet();
    }

    void notificationQueueUsage(double usage) {
        notificationQueueUsage = usage;
    }

    /** The current connection's backend pid, or 0 while disconnected. */
    void backendPid(int pid) {
        backendPid = pid;
    }

    /** The replication slot's last read lag in bytes (logical source only). */
    void slotLagBytes(long bytes) {
        slotLagBytes = bytes;
    }

    int backendPid() {
        return backendPid;
    }

    SourceStats snapshot() {
        return SourceStats.builder()
                .received(received.get())
                .resyncs(resyncs.get())
                .reconnects(reconnects.get())
                .rejected(rejected.get())
                .probes(probes.get(), probeRoundTripNanos.get())
                .lastProbeRoundTripNanos(lastProbeRoundTripNanos)
                .notificationQueueUsage(notificationQueueUsage)
                .backendPid(backendPid)
                .slotLagBytes(slotLagBytes)
                .build();
    }
}
