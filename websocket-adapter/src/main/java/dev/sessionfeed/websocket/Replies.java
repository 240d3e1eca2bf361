package dev.sessionfeed.websocket;

import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.protocol.ErrorCode;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import java.time.Instant;
import java.util.Map;

/**
 * Encodes the frames sent to one connection only (not shared): {@code hello}, {@code pong}, {@code status} on
 * subscribe, {@code ack} and {@code error}, stamped with the feed's epoch and the options' clock. Thread-safe
 * (immutable; the codec is thread-safe).
 */
final class Replies {

    private final ProtocolCodec codec;
    private final WebSocketOptions options;
    private final String epoch;

    Replies(ProtocolCodec codec, WebSocketOptions options, String epoch) {
        this.codec = codec;
        this.options = options;
        this.epoch = epoch;
    }

    String hello(AdminIdentity identity) {
        return codec.encode(new ServerMessage.Hello(ServerMessage.PROTOCOL_VERSION, epoch, now(),
                options.heartbeatInterval().toMillis(), Map.of(
                        "maxFrameBytes", (long) options.maxFrameBytes(),
                        "commandBurst", (long) options.commandBurst(),
                        "commandsPerMinute", Math.round(options.commandsPerSecond() * 60),
                        // Feature flag: subscribe may ask for the full session_update as a binary UTF-8 frame.
                        "binaryFullState", 1L),
                // Name and permissions only: the identity record holds nothing else, and never a credential.
                new ServerMessage.Hello.Admin(identity.name(), identity.permissions())));
    }

    String pong() {
        return codec.encode(new ServerMessage.Pong(epoch, now()));
    }

    String status(FeedMirror.Status status) {
        return codec.encode(new ServerMessage.Status(epoch, now(), status.status(), status.reason()));
    }

    String ack(String commandId, CommandResult result, long seq) {
        return codec.encode(new ServerMessage.Ack(epoch, now(), commandId, result, seq));
    }

    String error(ErrorCode code, String message, String commandId, String correlationId) {
        return codec.encode(new ServerMessage.Error(epoch, now(), commandId, code, message, correlationId));
    }

    private Instant now() {
        return options.clock().instant();
    }
}
