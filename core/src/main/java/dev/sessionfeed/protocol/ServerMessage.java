package dev.sessionfeed.protocol;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.command.CommandResult;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A message the server sends to a client (protocol version 1), encoded by
 * {@link ProtocolCodec#encode(ServerMessage)}. Every message carries {@code type}, {@code epoch} and
 * {@code timestamp}; messages about state also carry {@code seq}. The set is closed; all implementations are
 * immutable records and thread-safe.
 */
public sealed interface ServerMessage permits ServerMessage.Hello, ServerMessage.SessionUpdate,
        ServerMessage.MetricsUpdate, ServerMessage.Delta, ServerMessage.Status, ServerMessage.Ack,
        ServerMessage.Error, ServerMessage.Pong {

    /** The protocol version these types implement. */
    int PROTOCOL_VERSION = 1;

    /** The wire names of every server message type, in documentation order. */
    List<String> TYPES = List.of("hello", "session_update", "metrics_update", "session_delta", "status", "ack",
            "error", "pong");

    /**
     * The message's {@code type} on the wire.
     *
     * @return for example {@code "session_update"}
     */
    String type();

    /**
     * The feed run the message belongs to.
     *
     * @return the epoch, never null
     */
    String epoch();

    /**
     * When the message's data was read (state) or the message was made (others).
     *
     * @return the timestamp, never null
     */
    Instant timestamp();

    /**
     * {@code hello}: the first message on every connection.
     *
     * @param protocol    the protocol version, {@link #PROTOCOL_VERSION}
     * @param epoch       the feed's epoch
     * @param timestamp   now
     * @param heartbeatMs how often the server pings, in milliseconds
     * @param limits      limits the client should respect (for example {@code maxFrameBytes}); copied
     * @param admin       who the connection is authenticated as, sent as {@code admin}; null leaves the field out
     */
    record Hello(int protocol, String epoch, Instant timestamp, long heartbeatMs, Map<String, Long> limits,
            Admin admin) implements ServerMessage {

        /**
         * Validates and copies.
         *
         * @throws NullPointerException if a component other than {@code admin} is null
         */
        public Hello {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
            limits = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(limits, "limits")));
        }

        /**
         * A {@code hello} without {@code admin} (kept for callers written before that field existed).
         *
         * @param protocol    the protocol version, {@link #PROTOCOL_VERSION}
         * @param epoch       the feed's epoch
         * @param timestamp   now
         * @param heartbeatMs how often the server pings, in milliseconds
         * @param limits      limits the client should respect; copied
         * @throws NullPointerException if a component is null
         */
        public Hello(int protocol, String epoch, Instant timestamp, long heartbeatMs, Map<String, Long> limits) {
            this(protocol, epoch, timestamp, heartbeatMs, limits, null);
        }

        @Override
        public String type() {
            return "hello";
        }

        /**
         * {@code hello.admin}: the authenticated admin as the client may see it — a non-secret name and the
         * permissions the server checks commands against. Never carries a token or other credential. Immutable
         * and thread-safe.
         *
         * @param name        the admin's non-secret name (what audit events show)
         * @param permissions the admin's permissions, for example {@code sessions:end}; copied, iterated (and
         *                    encoded) in natural order
         */
        public record Admin(String name, Set<String> permissions) {

            /**
             * Validates and copies.
             *
             * @throws NullPointerException if an argument or a permission is null
             */
            public Admin {
                Objects.requireNonNull(name, "name");
                permissions = Collections.unmodifiableSortedSet(
                        new TreeSet<>(Objects.requireNonNull(permissions, "permissions")));
            }
        }
    }

    /**
     * {@code session_update}: the full list of sessions ({@code data.sessions}); the client replaces its list.
     *
     * @param epoch     the feed's epoch
     * @param seq       the state's seq
     * @param timestamp when the state was read
     * @param sessions  every session in scope; copied
     */
    record SessionUpdate(String epoch, long seq, Instant timestamp, List<ChatSession> sessions) implements ServerMessage {

        /**
         * Validates and copies.
         *
         * @throws NullPointerException if a component is null
         */
        public SessionUpdate {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
            sessions = List.copyOf(sessions);
        }

        /**
         * The sessions of a snapshot.
         *
         * @param snapshot the state
         * @return the message
         */
        public static SessionUpdate of(Snapshot snapshot) {
            return new SessionUpdate(snapshot.epoch(), snapshot.seq(), snapshot.builtAt(), snapshot.sessions());
        }

        @Override
        public String type() {
            return "session_update";
        }
    }

    /**
     * {@code metrics_update}: all metrics ({@code data.metrics}); the client replaces its metrics.
     *
     * @param epoch     the feed's epoch
     * @param seq       the state's seq
     * @param timestamp when the metrics were read
     * @param metrics   the metrics
     */
    record MetricsUpdate(String epoch, long seq, Instant timestamp, ChatMetrics metrics) implements ServerMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component is null
         */
        public MetricsUpdate {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(metrics, "metrics");
        }

        /**
         * The metrics of a snapshot.
         *
         * @param snapshot the state
         * @return the message
         */
        public static MetricsUpdate of(Snapshot snapshot) {
            return new MetricsUpdate(snapshot.epoch(), snapshot.seq(), snapshot.builtAt(), snapshot.metrics());
        }

        @Override
        public String type() {
            return "metrics_update";
        }
    }

    /**
     * {@code session_delta}: one change, for clients that subscribed with {@code deltas: true}.
     *
     * @param delta the change
     */
    record Delta(SessionDelta delta) implements ServerMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if {@code delta} is null
         */
        public Delta {
            Objects.requireNonNull(delta, "delta");
        }

        @Override
        public String type() {
            return "session_delta";
        }

        @Override
        public String epoch() {
            return delta.epoch();
        }

        @Override
        public Instant timestamp() {
            return delta.timestamp();
        }
    }

    /**
     * {@code status}: whether the dashboard is real-time right now.
     *
     * @param epoch     the feed's epoch
     * @param timestamp when the status changed
     * @param status    the status, sent as {@code source} in lower case
     * @param reason    a short human-readable reason
     */
    record Status(String epoch, Instant timestamp, FeedStatus status, String reason) implements ServerMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component is null
         */
        public Status {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String type() {
            return "status";
        }
    }

    /**
     * {@code ack}: a command succeeded.
     *
     * @param epoch     the feed's epoch
     * @param timestamp now
     * @param id        the command's id
     * @param result    what the command did
     * @param seq       the first state seq that reflects the command (the client has it once it applied this
     *                  seq)
     */
    record Ack(String epoch, Instant timestamp, String id, CommandResult result, long seq) implements ServerMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component is null
         */
        public Ack {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public String type() {
            return "ack";
        }
    }

    /**
     * {@code error}: a frame or command was refused or failed.
     *
     * @param epoch         the feed's epoch
     * @param timestamp     now
     * @param id            the command id the error answers, or null
     * @param code          the error code
     * @param message       a client-safe explanation
     * @param correlationId the id under which the server logged the error
     */
    record Error(String epoch, Instant timestamp, String id, ErrorCode code, String message, String correlationId)
            implements ServerMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component other than {@code id} is null
         */
        public Error {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(correlationId, "correlationId");
        }

        @Override
        public String type() {
            return "error";
        }
    }

    /**
     * {@code pong}: the answer to a client's {@code ping}.
     *
     * @param epoch     the feed's epoch
     * @param timestamp now
     */
    record Pong(String epoch, Instant timestamp) implements ServerMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if a component is null
         */
        public Pong {
            Objects.requireNonNull(epoch, "epoch");
            Objects.requireNonNull(timestamp, "timestamp");
        }

        @Override
        public String type() {
            return "pong";
        }
    }
}
