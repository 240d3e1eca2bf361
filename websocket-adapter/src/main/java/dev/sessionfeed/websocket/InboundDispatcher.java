package dev.sessionfeed.websocket;

import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ClientMessage;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns an inbound text frame into its handling: the size limit (1009), strict decoding, then {@code subscribe}
 * (one feed call, frames prepared before the connection's lock is taken), {@code command} (to the
 * {@link CommandDispatcher}), {@code ping} and {@code resync}. Every failure becomes an {@code error} frame. While
 * the endpoint's {@link MemoryBudget} is exceeded, {@code subscribe} and {@code resync} are refused (1013); a
 * full-state {@code subscribe} repeated within the subscribe interval is coalesced by the connection.
 * Runs on the container's inbound thread of the connection. Thread-safe (stateless).
 */
final class InboundDispatcher {

    private final WebSocketOptions options;
    private final ProtocolCodec codec;
    private final FeedMirror mirror;
    private final FrameCache frames;
    private final Replies replies;
    private final CommandDispatcher commands;
    private final MemoryBudget budget;

    InboundDispatcher(WebSocketOptions options, ProtocolCodec codec, FeedMirror mirror, FrameCache frames,
            Replies replies, CommandDispatcher commands, MemoryBudget budget) {
        this.budget = budget;
        this.options = options;
        this.codec = codec;
        this.mirror = mirror;
        this.frames = frames;
        this.replies = replies;
        this.commands = commands;
    }

    /** Handles one frame of {@code c}. Never throws. */
    void onText(Connection c, String text) {
        try {
            // Containers enforce the limit too (closing with 1009); this covers any that only warn.
            if (text.length() > options.maxFrameBytes()
                    || text.getBytes(StandardCharsets.UTF_8).length > options.maxFrameBytes()) {
                c.close(1009, "frame too large");
                return;
            }
            ClientMessage m = codec.decode(text);
            if ((m instanceof ClientMessage.Subscribe || m instanceof ClientMessage.Resync) && budget.over()) {
                c.refuseOverBudget(); // no new full states while the endpoint's send buffers are over budget
            } else if (m instanceof ClientMessage.Subscribe) {
                subscribe(c, (ClientMessage.Subscribe) m);
            } else if (m instanceof ClientMessage.Command) {
                commands.dispatch(c, ((ClientMessage.Command) m).command());
            } else if (m instanceof ClientMessage.Ping) {
                c.reply(replies.pong());
            } else if (m instanceof ClientMessage.Resync) {
                c.resync();
            }
        } catch (ProtocolException e) {
            c.replyError(e.code(), e.getMessage(), e.commandId());
        } catch (RuntimeException | Error e) {
            c.replyInternal("handling a frame", e, null);
        }
    }

    /**
     * Reads what the client needs in one feed call and encodes it, all before the connection's lock: a feed may
     * hold its own lock while it broadcasts to us. A change published in between is repaired by the connection.
     */
    private void subscribe(Connection c, ClientMessage.Subscribe s) {
        boolean wantsDeltas = s.deltas();
        boolean resumes = s.resumes() && wantsDeltas;
        if (!resumes && c.coalesceSubscribe(wantsDeltas, s.binary())) {
            return; // a full state within the subscribe interval: one follows when it ends
        }
        Replay replay = resumes ? mirror.replaySince(s.epoch(), s.lastSeq()) : mirror.currentAsReplay();
        List<SessionDelta> missed = resumes && !replay.full() ? replay.deltas() : null;
        String status = replies.status(mirror.status());
        if (missed != null && missed.size() <= options.maxQueuedFrames()) {
            // What it missed, as one delta (merged when several).
            long toSeq = missed.isEmpty() ? s.lastSeq() : missed.get(missed.size() - 1).seq();
            String text = missed.isEmpty() ? null : frames.merged(missed);
            c.subscribeResume(s.lastSeq(), toSeq, s.binary(), text, status);
        } else {
            Snapshot snap = replay.snapshot();
            FullFrames full = frames.full(snap);
            c.subscribeFull(wantsDeltas, s.binary(), full.sessionUpdate(), full.metricsUpdate(), snap.seq(), status);
        }
    }
}
