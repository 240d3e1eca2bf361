package dev.sessionfeed.websocket;

/**
 * One connection's liveness rules: a send unfinished past the slow-client grace closes it (1013), silence (no
 * frame, no pong) past the idle timeout closes it (1001), and a heartbeat ping is due every heartbeat interval
 * while nothing is in flight. Pure decisions; the {@link Connection} acts on them. {@link #inbound} is thread-safe
 * (volatile); {@link #check} must be called holding the connection's lock.
 */
final class Liveness {

    /** What the housekeeping tick must do with the connection. */
    enum Verdict { NOTHING, PING, TOO_SLOW, IDLE }

    private final long idleNanos;
    private final long heartbeatNanos;
    private final long graceNanos;
    private volatile long lastInbound;
    private long lastPing;

    Liveness(WebSocketOptions options, long now) {
        this.idleNanos = options.idleTimeout().toNanos();
        this.heartbeatNanos = options.heartbeatInterval().toNanos();
        this.graceNanos = options.slowClientGrace().toNanos();
        this.lastInbound = now;
        this.lastPing = now;
    }

    /** A frame or a pong arrived. */
    void inbound(long now) {
        lastInbound = now;
    }

    /** @return nanoseconds since the last inbound frame or pong */
    long silentNanos(long now) {
        return now - lastInbound;
    }

    /**
     * Decides the tick; records the ping as sent when it answers {@link Verdict#PING}.
     *
     * @param now  {@link System#nanoTime()}
     * @param slot the connection's send slot
     * @return the verdict
     */
    Verdict check(long now, SendSlot slot) {
        if (slot.inFlight() && slot.inFlightNanos(now) > graceNanos) {
            return Verdict.TOO_SLOW;
        }
        if (now - lastInbound > idleNanos) {
            return Verdict.IDLE;
        }
        if (!slot.inFlight() && now - lastPing >= heartbeatNanos) {
            lastPing = now;
            return Verdict.PING;
        }
        return Verdict.NOTHING;
    }
}
