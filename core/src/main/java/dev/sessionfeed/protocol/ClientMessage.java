package dev.sessionfeed.protocol;

import dev.sessionfeed.command.SessionCommand;
import java.util.List;
import java.util.Objects;

/**
 * A message a client sends to the server (protocol version 1), as decoded by
 * {@link ProtocolCodec#decode(String)}. The set is closed: {@link Subscribe}, {@link Command}, {@link Ping},
 * {@link Resync}. All implementations are immutable records.
 */
public sealed interface ClientMessage permits ClientMessage.Subscribe, ClientMessage.Command,
        ClientMessage.Ping, ClientMessage.Resync {

    /** The wire names of every client message type, in documentation order. */
    List<String> TYPES = List.of("subscribe", "command", "ping", "resync");

    /** The only channel protocol version 1 knows. */
    String CHANNEL = "admin-chat-updates";

    /**
     * The message's {@code type} on the wire.
     *
     * @return for example {@code "subscribe"}
     */
    String type();

    /**
     * {@code subscribe}: start receiving the state. Without {@code epoch}/{@code lastSeq} the server sends the
     * full state; with them it replays what the client missed when it can, else sends the full state.
     *
     * @param channel must be {@link #CHANNEL}
     * @param deltas  true to receive {@code session_delta}s, false (default) for full {@code session_update}s
     * @param epoch   the epoch the client last saw, or null
     * @param lastSeq the last seq it applied, or null; given together with {@code epoch}
     * @param binary  true if the client accepts the full {@code session_update} as a binary frame holding the
     *                same JSON in UTF-8 (protocol 1 with the {@code binaryFullState} limit in {@code hello});
     *                default false
     */
    record Subscribe(String channel, boolean deltas, String epoch, Long lastSeq, boolean binary) implements ClientMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException     if {@code channel} is null
         * @throws IllegalArgumentException if only one of {@code epoch} and {@code lastSeq} is given, or
         *                                  {@code lastSeq} is negative
         */
        public Subscribe {
            Objects.requireNonNull(channel, "channel");
            if ((epoch == null) != (lastSeq == null)) {
                throw new IllegalArgumentException("epoch and lastSeq must be given together, was epoch=" + epoch
                        + ", lastSeq=" + lastSeq);
            }
            if (lastSeq != null && lastSeq < 0) {
                throw new IllegalArgumentException("lastSeq must be >= 0, was " + lastSeq);
            }
        }

        /**
         * A subscribe without the {@code binary} flag (text frames only), as in the original plan.
         *
         * @param channel must be {@link #CHANNEL}
         * @param deltas  true to receive {@code session_delta}s
         * @param epoch   the epoch the client last saw, or null
         * @param lastSeq the last seq it applied, or null
         */
        public Subscribe(String channel, boolean deltas, String epoch, Long lastSeq) {
            this(channel, deltas, epoch, lastSeq, false);
        }

        /**
         * Tells whether the client asked to resume.
         *
         * @return true when {@code epoch} and {@code lastSeq} were given
         */
        public boolean resumes() {
            return epoch != null;
        }

        @Override
        public String type() {
            return "subscribe";
        }
    }

    /**
     * {@code command}: an admin action such as {@code end_session}. Every field other than {@code type},
     * {@code id}, {@code action} and {@code sessionId} becomes an {@linkplain SessionCommand#arguments()
     * argument}.
     *
     * @param command the validated command
     */
    record Command(SessionCommand command) implements ClientMessage {

        /**
         * Validates.
         *
         * @throws NullPointerException if {@code command} is null
         */
        public Command {
            Objects.requireNonNull(command, "command");
        }

        @Override
        public String type() {
            return "command";
        }
    }

    /** {@code ping}: the server answers {@code pong} (browsers cannot send WebSocket pings). */
    record Ping() implements ClientMessage {
        @Override
        public String type() {
            return "ping";
        }
    }

    /** {@code resync}: the client asks for the full state again (for example after it detected a gap). */
    record Resync() implements ClientMessage {
        @Override
        public String type() {
            return "resync";
        }
    }
}
