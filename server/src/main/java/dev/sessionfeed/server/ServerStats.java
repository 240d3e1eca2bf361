package dev.sessionfeed.server;

import java.util.Objects;

/**
 * The server's own counters (the feed's, the source's and the endpoint's are their {@code stats()} and
 * {@code /metrics}): handshakes accepted and refused by the authenticator, and connections closed because their
 * token expired. Each handshake is checked twice (before the upgrade, to answer 401, and at it), so the handshake
 * counters count checks. Immutable and thread-safe; the fields are read one by one, not atomically together.
 */
public final class ServerStats {

    private final long tokensAccepted;
    private final long tokensRefused;
    private final long expiredConnectionsClosed;

    private ServerStats(Builder b) {
        this.tokensAccepted = b.tokensAccepted;
        this.tokensRefused = b.tokensRefused;
        this.expiredConnectionsClosed = b.expiredConnectionsClosed;
    }

    /** @return a builder with every count at zero */
    public static Builder builder() {
        return new Builder();
    }

    /** @return token checks that let a handshake in (static token or JWT) */
    public long tokensAccepted() {
        return tokensAccepted;
    }

    /** @return token checks that refused a handshake (missing, unknown, invalid, expired, no role, unenforceable tenant) */
    public long tokensRefused() {
        return tokensRefused;
    }

    /** @return connections closed with 1008 when their JWT expired */
    public long expiredConnectionsClosed() {
        return expiredConnectionsClosed;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerStats s && s.tokensAccepted == tokensAccepted && s.tokensRefused == tokensRefused
                && s.expiredConnectionsClosed == expiredConnectionsClosed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tokensAccepted, tokensRefused, expiredConnectionsClosed);
    }

    @Override
    public String toString() {
        return "ServerStats{tokensAccepted=" + tokensAccepted + ", tokensRefused=" + tokensRefused
                + ", expiredConnectionsClosed=" + expiredConnectionsClosed + "}";
    }

    /** Builds a {@link ServerStats}; not thread-safe. */
    public static final class Builder {
        private long tokensAccepted;
        private long tokensRefused;
        private long expiredConnectionsClosed;

        private Builder() {
        }

        /**
         * @param n token checks that let a handshake in, at least 0
         * @return this builder
         */
        public Builder tokensAccepted(long n) {
            this.tokensAccepted = nonNegative("tokensAccepted", n);
            return this;
        }

        /**
         * @param n token checks that refused a handshake, at least 0
         * @return this builder
         */
        public Builder tokensRefused(long n) {
            this.tokensRefused = nonNegative("tokensRefused", n);
            return this;
        }

        /**
         * @param n connections closed on token expiry, at least 0
         * @return this builder
         */
        public Builder expiredConnectionsClosed(long n) {
            this.expiredConnectionsClosed = nonNegative("expiredConnectionsClosed", n);
            return this;
        }

        /** @return the snapshot */
        public ServerStats build() {
            return new ServerStats(this);
        }

        private static long nonNegative(String name, long n) {
            if (n < 0) {
                throw new IllegalArgumentException(name + " must be at least 0, was " + n);
            }
            return n;
        }
    }
}
