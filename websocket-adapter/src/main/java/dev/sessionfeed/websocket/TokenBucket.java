package dev.sessionfeed.websocket;

/** A token bucket: {@code burst} tokens, refilled at {@code perSecond}. Thread-safe. */
final class TokenBucket {

    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    synchronized boolean tryAcquire(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - last);
        last = nowNanos;
        tokens = Math.min(capacity, tokens + elapsed * perNano);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
