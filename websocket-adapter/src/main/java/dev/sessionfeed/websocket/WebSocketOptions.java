package dev.sessionfeed.websocket;

import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.internal.Checks;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

/**
 * Configuration of a {@link SessionFeedEndpoint}: security, limits, heartbeat and slow-client handling.
 * Immutable and thread-safe; made by {@link #builder(AdminAuthenticator)}.
 *
 * <p>Each builder method states its default; the table of every option with its default and range is written
 * once, in {@code docs/websocket-adapter.md} ("Options"), and the README's configuration table summarises it.
 */
public final class WebSocketOptions {

    private final AdminAuthenticator authenticator;
    private final Set<String> allowedOrigins;
    private final boolean allowMissingOrigin;
    private final CommandHandler commandHandler;
    private final Map<String, String> commandPermissions;
    private final int maxFrameBytes;
    private final Duration heartbeatInterval;
    private final Duration idleTimeout;
    private final double commandsPerSecond;
    private final int commandBurst;
    private final Duration slowClientGrace;
    private final int maxQueuedFrames;
    private final boolean permessageDeflate;
    private final Clock clock;
    private final ThreadFactory threadFactory;
    private final int senderThreads;
    private final int workerThreads;
    private final int maxConnections;
    private final int maxConnectionsPerAdmin;
    private final long maxBufferedBytes;
    private final Duration subscribeInterval;

    private WebSocketOptions(Builder b) {
        this.authenticator = b.authenticator;
        this.allowedOrigins = Set.copyOf(b.allowedOrigins);
        this.allowMissingOrigin = b.allowMissingOrigin;
        this.commandHandler = b.commandHandler;
        this.commandPermissions = Map.copyOf(b.commandPermissions);
        this.maxFrameBytes = b.maxFrameBytes;
        this.heartbeatInterval = b.heartbeatInterval;
        this.idleTimeout = b.idleTimeout;
        this.commandsPerSecond = b.commandsPerSecond;
        this.commandBurst = b.commandBurst;
        this.slowClientGrace = b.slowClientGrace;
        this.maxQueuedFrames = b.maxQueuedFrames;
        this.permessageDeflate = b.permessageDeflate;
        this.clock = b.clock;
        this.threadFactory = b.threadFactory;
        this.senderThreads = b.senderThreads;
        this.workerThreads = b.workerThreads;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerAdmin = b.maxConnectionsPerAdmin;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.subscribeInterval = b.subscribeInterval;
    }

    /**
     * Starts building options.
     *
     * @param authenticator decides who is an admin; required because an endpoint without authentication
     *                      would show every visitor's session to anyone
     * @return a builder with the defaults listed on this class
     * @throws NullPointerException if {@code authenticator} is null
     */
    public static Builder builder(AdminAuthenticator authenticator) {
        return new Builder(authenticator);
    }

    /** @return the authenticator */
    public AdminAuthenticator authenticator() { return authenticator; }
    /** @return the allowed {@code Origin} values (exact match) */
    public Set<String> allowedOrigins() { return allowedOrigins; }
    /** @return whether handshakes without an {@code Origin} header are accepted (still authenticated) */
    public boolean allowMissingOrigin() { return allowMissingOrigin; }
    /** @return the command handler, if commands are enabled */
    public Optional<CommandHandler> commandHandler() { return Optional.ofNullable(commandHandler); }
    /** @return the largest accepted inbound text frame, in bytes */
    public int maxFrameBytes() { return maxFrameBytes; }
    /** @return how often the server sends WebSocket pings */
    public Duration heartbeatInterval() { return heartbeatInterval; }
    /** @return how long a connection may stay silent (no frame, no pong) before it is closed */
    public Duration idleTimeout() { return idleTimeout; }
    /** @return the sustained command rate per connection */
    public double commandsPerSecond() { return commandsPerSecond; }
    /** @return the command burst per connection */
    public int commandBurst() { return commandBurst; }
    /** @return how long a send may stay unfinished before the client is closed as too slow */
    public Duration slowClientGrace() { return slowClientGrace; }
    /** @return how many changes a delta client may fall behind before it is sent the latest full state */
    public int maxQueuedFrames() { return maxQueuedFrames; }
    /** @return whether permessage-deflate may be negotiated */
    public boolean permessageDeflate() { return permessageDeflate; }
    /** @return the clock for timestamps */
    public Clock clock() { return clock; }
    /** @return the thread factory for the endpoint's threads, or null for the default */
    public ThreadFactory threadFactory() { return threadFactory; }
    /** @return how many threads start the sends of broadcasts (a fixed pool) */
    public int senderThreads() { return senderThreads; }
    /** @return the most threads that run commands at once */
    public int workerThreads() { return workerThreads; }
    /** @return how many commands may wait for a worker thread before further ones are answered "busy": 4 × {@link #workerThreads()} */
    public int maxQueuedCommands() { return workerThreads * 4; }
    /** @return the most open connections of the endpoint */
    public int maxConnections() { return maxConnections; }
    /** @return the most open connections of one admin (by {@link AdminIdentity#name()}) */
    public int maxConnectionsPerAdmin() { return maxConnectionsPerAdmin; }
    /** @return the most bytes of frames the endpoint has handed to the container and not yet seen written, in all */
    public long maxBufferedBytes() { return maxBufferedBytes; }
    /** @return the shortest interval between two full states a client gets for {@code subscribe} or {@code resync} */
    public Duration subscribeInterval() { return subscribeInterval; }

    /**
     * The permission a command action needs.
     *
     * @param action the action, for example {@code end_session}
     * @return the configured permission, else {@code sessions:<action>}
     */
    public String permissionFor(String action) {
        String p = commandPermissions.get(action);
        return p != null ? p : "sessions:" + action;
    }

    /**
     * Builds {@link WebSocketOptions}. Not thread-safe. Every setter validates and throws an
     * {@link IllegalArgumentException} naming the property and the value.
     */
    public static final class Builder {
        private final AdminAuthenticator authenticator;
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private boolean allowMissingOrigin;
        private CommandHandler commandHandler;
        private final Map<String, String> commandPermissions = new LinkedHashMap<>(Map.of(
                "end_session", AdminIdentity.END_SESSIONS, "archive_session", AdminIdentity.ARCHIVE_SESSIONS));
        private int maxFrameBytes = 64 * 1024;
        private Duration heartbeatInterval = Duration.ofSeconds(25);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private double commandsPerSecond = 5;
        private int commandBurst = 10;
        private Duration slowClientGrace = Duration.ofSeconds(10);
        private int maxQueuedFrames = 64;
        private boolean permessageDeflate;
        private Clock clock = Clock.systemUTC();
        private ThreadFactory threadFactory;
        private int senderThreads = Math.min(4, Math.max(2, Runtime.getRuntime().availableProcessors()));
        private int workerThreads = 8;
        private int maxConnections = 1_000;
        private int maxConnectionsPerAdmin = 100;
        private long maxBufferedBytes = 64L * 1024 * 1024;
        private Duration subscribeInterval = Duration.ofSeconds(1);

        private Builder(AdminAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        }

        /**
         * Adds allowed {@code Origin} values, compared exactly (scheme, host and port, no trailing slash), for
         * example {@code https://admin.example.com}. A browser handshake from any other origin is refused with
         * HTTP 403 before the upgrade. Default: none, so every browser is refused until origins are added.
         *
         * @param origins the origins
         * @return this builder
         */
        public Builder allowedOrigins(Collection<String> origins) {
            for (String o : Objects.requireNonNull(origins, "allowedOrigins")) {
                Checks.notBlank("allowedOrigins", o);
                if (o.endsWith("/") || !o.contains("://")) {
                    throw new IllegalArgumentException("allowedOrigins must be scheme://host[:port] without a path, was '" + o + "'");
                }
                allowedOrigins.add(o);
            }
            return this;
        }

        /**
         * Adds allowed {@code Origin} values; see {@link #allowedOrigins(Collection)}.
         *
         * @param origins the origins
         * @return this builder
         */
        public Builder allowedOrigins(String... origins) {
            return allowedOrigins(java.util.Arrays.asList(origins));
        }

        /**
         * Whether handshakes without an {@code Origin} header (non-browser clients) are accepted. They are still
         * authenticated. Default false.
         *
         * @param allow true to accept them
         * @return this builder
         */
        public Builder allowMissingOrigin(boolean allow) {
            this.allowMissingOrigin = allow;
            return this;
        }

        /**
         * Enables commands: they are authorized, rate-limited and then carried out by this handler. Default:
         * none, so every command is answered with {@code bad_request}.
         *
         * @param handler the handler, for example a {@code JdbcCommandHandler}
         * @return this builder
         */
        public Builder commandHandler(CommandHandler handler) {
            this.commandHandler = Objects.requireNonNull(handler, "commandHandler");
            return this;
        }

        /**
         * Sets the permission an action needs. Default: {@code end_session → sessions:end},
         * {@code archive_session → sessions:archive}, any other action {@code sessions:<action>}.
         *
         * @param action     the action, for example {@code end_session}
         * @param permission the permission, for example {@code sessions:end}
         * @return this builder
         */
        public Builder commandPermission(String action, String permission) {
            commandPermissions.put(Checks.notBlank("commandPermission.action", action),
                    Checks.notBlank("commandPermission.permission", permission));
            return this;
        }

        /**
         * The largest inbound text frame; larger ones close the connection with 1009. Default 64 KiB.
         *
         * @param bytes 1 KiB to 1 MiB
         * @return this builder
         */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = Checks.intBetween("maxFrameBytes", bytes, 1024, 1024 * 1024);
            return this;
        }

        /**
         * How often the server sends a WebSocket ping (browsers answer automatically). Default 25 s.
         *
         * @param interval 100 ms to 10 min
         * @return this builder
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = Checks.durationBetween("heartbeatInterval", interval, Duration.ofMillis(100),
                    Duration.ofMinutes(10));
            return this;
        }

        /**
         * How long a connection may stay silent (no text frame, no pong) before it is closed with 1001.
         * Must be longer than the heartbeat interval. Default 60 s.
         *
         * @param timeout 200 ms to 1 h
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = Checks.durationBetween("idleTimeout", timeout, Duration.ofMillis(200), Duration.ofHours(1));
            return this;
        }

        /**
         * The per-connection command rate limit (token bucket). Default 5 per second, bursts of 10. Commands
         * over the limit are answered with {@code rate_limited}.
         *
         * @param perSecond sustained rate, 0.01 to 10,000
         * @param burst     bucket size, 1 to 10,000
         * @return this builder
         */
        public Builder commandRate(double perSecond, int burst) {
            if (!(perSecond >= 0.01 && perSecond <= 10_000)) {
                throw new IllegalArgumentException("commandRate.perSecond must be between 0.01 and 10000, was " + perSecond);
            }
            this.commandBurst = Checks.intBetween("commandRate.burst", burst, 1, 10_000);
            this.commandsPerSecond = perSecond;
            return this;
        }

        /**
         * How long one send to a client may stay unfinished (the client stopped reading) before the
         * connection is closed with 1013 (try again later); the client can then resume. Default 10 s.
         *
         * @param grace 100 ms to 10 min
         * @return this builder
         */
        public Builder slowClientGrace(Duration grace) {
            this.slowClientGrace = Checks.durationBetween("slowClientGrace", grace, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        /**
         * How many changes a delta client may fall behind while its sends are busy. Changes that arrive while a
         * send is in flight are folded into one waiting delta (sent as one merged {@code session_delta});
         * beyond this many changes the client is sent the latest full state instead. Also the most replies
         * (acks, errors) that may wait unread, at least 16, before the connection is closed with 1013. Bounds
         * memory per connection. Default 64.
         *
         * @param frames 1 to 10,000
         * @return this builder
         */
        public Builder maxQueuedFrames(int frames) {
            this.maxQueuedFrames = Checks.intBetween("maxQueuedFrames", frames, 1, 10_000);
            return this;
        }

        /**
         * Whether the container may negotiate permessage-deflate. Default false: compression costs CPU per
         * connection and can leak secrets through compression side channels.
         *
         * @param enabled true to allow it
         * @return this builder
         */
        public Builder permessageDeflate(boolean enabled) {
            this.permessageDeflate = enabled;
            return this;
        }

        /**
         * The clock for message timestamps and time-based checks. Default {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The factory for all of the endpoint's threads (what each does: "Threads" in
         * {@code docs/websocket-adapter.md}). The endpoint shuts these threads down on close; it never shuts down
         * the factory. Default: daemon threads named {@code sessionfeed-ws-housekeeping-1},
         * {@code sessionfeed-ws-send-N}, {@code sessionfeed-ws-worker-N} and {@code sessionfeed-ws-io-N}.
         *
         * @param factory the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * How many threads start the sends of broadcasts. The feed's rebuild thread only queues each change
         * for each connection (no container call); these threads then hand the frames to the container, each
         * for a share of the connections. A fixed pool, started with the endpoint. Default
         * {@code min(4, max(2, availableProcessors))}.
         *
         * @param threads 1 to 64
         * @return this builder
         */
        public Builder senderThreads(int threads) {
            this.senderThreads = Checks.intBetween("senderThreads", threads, 1, 64);
            return this;
        }

        /**
         * The most threads that run commands (the {@link CommandHandler} may block on the database) at once.
         * Up to 4 × as many commands wait for a thread; a command arriving when that queue is full is answered
         * with {@code rate_limited} ("server busy"). Worker threads end after 60 s without work. Default 8.
         *
         * @param threads 1 to 256
         * @return this builder
         */
        public Builder workerThreads(int threads) {
            this.workerThreads = Checks.intBetween("workerThreads", threads, 1, 256);
            return this;
        }

        /**
         * The most open connections of the endpoint. A connection beyond it is closed with 1013 (try again later)
         * right after the handshake, before any data frame. Default 1,000.
         *
         * @param connections 1 to 1,000,000
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            this.maxConnections = Checks.intBetween("maxConnections", connections, 1, 1_000_000);
            return this;
        }

        /**
         * The most open connections of one admin (counted by {@link AdminIdentity#name()}), so that one token
         * cannot take every connection. A connection beyond it is closed with 1013 before any data frame.
         * Default 100: a tenth of the default {@code maxConnections}, room for many tabs and reconnects of one person.
         *
         * @param connections 1 to 1,000,000
         * @return this builder
         */
        public Builder maxConnectionsPerAdmin(int connections) {
            this.maxConnectionsPerAdmin = Checks.intBetween("maxConnectionsPerAdmin", connections, 1, 1_000_000);
            return this;
        }

        /**
         * The memory budget of the whole endpoint: the most bytes of frames handed to the container and not yet
         * reported written, summed over every connection (each send is counted at the length of its frame, and a
         * container may hold a copy of it per connection until the client has read it). When a send takes the
         * total over the budget, the connections whose sends have been stalled longest are closed with 1013
         * (aborted, see {@code docs/websocket-adapter.md}) until it is back under; while it is over, a
         * {@code subscribe} or {@code resync}, and a frame of at least 1 MiB (a full state), are refused by closing
         * the connection with 1013 (the client retries later). Smaller frames are always sent. Default 64 MiB.
         *
         * @param bytes 64 KiB to 1 TiB
         * @return this builder
         */
        public Builder maxBufferedBytes(long bytes) {
            if (bytes < 64 * 1024 || bytes > (1L << 40)) {
                throw new IllegalArgumentException("maxBufferedBytes must be between 65536 and 1099511627776, was " + bytes);
            }
            this.maxBufferedBytes = bytes;
            return this;
        }

        /**
         * The shortest interval between two full states one client is sent on request: a {@code subscribe} or
         * {@code resync} repeated within it is not answered with another full state at once; it is coalesced into
         * one full state sent when the interval ends (a full state costs the server as much as every change of a
         * while). Default 1 s.
         *
         * @param interval 0 (off) to 1 min
         * @return this builder
         */
        public Builder subscribeInterval(Duration interval) {
            this.subscribeInterval = Checks.durationBetween("subscribeInterval", interval, Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if {@code idleTimeout} is not longer than {@code heartbeatInterval}
         */
        public WebSocketOptions build() {
            if (idleTimeout.compareTo(heartbeatInterval) <= 0) {
                throw new IllegalArgumentException("idleTimeout must be longer than heartbeatInterval, was idleTimeout="
                        + idleTimeout + ", heartbeatInterval=" + heartbeatInterval);
            }
            return new WebSocketOptions(this);
        }
    }
}
