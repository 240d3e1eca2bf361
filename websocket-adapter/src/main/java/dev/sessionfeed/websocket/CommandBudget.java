package dev.sessionfeed.websocket;

/**
 * What one connection's commands may cost: each command, refused ones included (unknown action, missing
 * permission), takes a token from the connection's {@link TokenBucket} before anything else happens to it; a
 * command without a token is answered {@code rate_limited}, and after {@link #MAX_STRIKES} such refusals in a row
 * (no command accepted in between) the connection is closed with 1008: a client that ignores {@code rate_limited}
 * is flooding, not retrying. Thread-safe (the bucket's monitor; the strike count is guarded by it too).
 */
final class CommandBudget {

    /** Refusals in a row after which the connection is closed (1008). */
    static final int MAX_STRIKES = 20;

    /** The verdict on one command. */
    enum Verdict { ALLOWED, RATE_LIMITED, CLOSE }

    private final TokenBucket bucket;
    private int strikes;

    CommandBudget(TokenBucket bucket) {
        this.bucket = bucket;
    }

    /**
     * Charges one command.
     *
     * @param now {@link System#nanoTime()}
     * @return whether it may go on, is answered {@code rate_limited}, or closes the connection
     */
    synchronized Verdict charge(long now) {
        if (bucket.tryAcquire(now)) {
            strikes = 0;
            return Verdict.ALLOWED;
        }
        strikes++;
        return strikes > MAX_STRIKES ? Verdict.CLOSE : Verdict.RATE_LIMITED;
    }
}
