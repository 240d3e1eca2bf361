package dev.sessionfeed.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dashboard makes of the server's frames (protocol version 1), for {@link FeedWebSocketClient}: the state
 * in a {@link FeedStateClient}, whether it is whole ({@link #synced()}), gap detection with the resync it asks
 * for, how resumes were answered, and the statuses, acks, and errors received. Knows nothing of connections: the
 * client hands it whole parsed frames and sends what {@link #apply} returns.
 *
 * <p>Threading: not thread-safe on its own. Every method must be called with the owning client's lock held
 * (asserted); the {@link FeedStateClient} is thread-safe and never calls out, so taking its monitor inside that
 * lock cannot deadlock.
 */
final class ProtocolModel {

    private static final Logger log = LoggerFactory.getLogger(ProtocolModel.class);
    static final String RESYNC = "{\"type\":\"resync\"}";

    private final String name;
    private final Object lock;
    private final boolean deltas;
    private final boolean autoSubscribe;
    private final Consumer<ChatSession> onApplied;
    private final FeedStateClient state = new FeedStateClient();

    private final List<String> statuses = new ArrayList<>();
    private final Map<String, List<JsonNode>> acks = new LinkedHashMap<>();
    private final List<String> acksAhead = new ArrayList<>();
    private final List<JsonNode> errors = new ArrayList<>();
    private Snapshot pendingFull; // a session_update waiting for the metrics_update of its seq
    private boolean synced;
    private boolean awaitingSubscribe;
    private boolean resyncPending;
    private boolean resuming;
    private int fullStates;
    private int deltasApplied;
    private int gaps;
    private int replayResumes;
    private int fullResumes;

    ProtocolModel(String name, Object lock, boolean deltas, boolean autoSubscribe, Consumer<ChatSession> onApplied) {
        this.name = name;
        this.lock = lock;
        this.deltas = deltas;
        this.autoSubscribe = autoSubscribe;
        this.onApplied = onApplied;
    }

    /** Applies one server frame; returns a frame to send back (a subscribe or a resync), or null. */
    String apply(JsonNode m) {
        assert Thread.holdsLock(lock);
        switch (m.path("type").asText()) {
            case "hello" -> {
                return autoSubscribe ? helloAnswer() : null;
            }
            case "session_update" -> {
                fullState(m);
                return null;
            }
            case "metrics_update" -> {
                metrics(m);
                return null;
            }
            case "session_delta" -> {
                return delta(m);
            }
            case "status" -> {
                status(m);
                return null;
            }
            case "ack" -> {
                ack(m);
                return null;
            }
            case "error" -> {
                errors.add(m);
                log.info("{}: error frame {}", name, m);
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** The test (or {@link #helloAnswer}) sends a subscribe; {@code resume}: with the state's epoch and seq. */
    void subscribing(boolean resume) {
        assert Thread.holdsLock(lock);
        awaitingSubscribe = true;
        resyncPending = false;
        if (resume) {
            resuming = true;
            // A resumed client keeps its state and applies the missed deltas (or takes the full state).
            synced = false;
        }
    }

    /** The test sends a resync: deltas are ignored until the full state arrives. */
    void resyncing() {
        assert Thread.holdsLock(lock);
        resyncPending = true;
        synced = false;
    }

    /** The connection ended: the state is kept for a resume but is not whole. */
    void disconnected() {
        assert Thread.holdsLock(lock);
        synced = false;
    }

    /** A frame that could not be read or applied. */
    void clientError(Exception e) {
        assert Thread.holdsLock(lock);
        errors.add(ServerFrames.json().createObjectNode().put("type", "client-error").put("message", e.toString()));
    }

    private String helloAnswer() {
        String epoch = state.epoch();
        long seq = state.seq();
        boolean resume = epoch != null && seq >= 0;
        subscribing(resume);
        return subscribeFrame(deltas, resume ? epoch : null, seq);
    }

    private void fullState(JsonNode m) {
        Snapshot full = new Snapshot(m.path("epoch").asText(), m.path("seq").asLong(), ServerFrames.timestamp(m),
                ServerFrames.sessions(m.path("data").path("sessions")), ChatMetrics.EMPTY);
        pendingFull = full;
        fullStates++;
        resyncPending = false;
        if (resuming) {
            resuming = false;
            fullResumes++;
        }
        // The metrics_update of the same seq follows at once; until then the state is not whole.
        synced = false;
        full.sessions().forEach(this::applied);
    }

    private void metrics(JsonNode m) {
        String epoch = m.path("epoch").asText();
        long seq = m.path("seq").asLong();
        ChatMetrics metrics = ServerFrames.metrics(m.path("data").path("metrics"));
        Snapshot full = pendingFull;
        if (full != null && full.epoch().equals(epoch) && full.seq() == seq) {
            pendingFull = null;
            state.applySnapshot(new Snapshot(epoch, seq, full.builtAt(), full.sessions(), metrics));
            synced = true;
        } else if (full == null && epoch.equals(state.epoch())) {
            // Metrics alone: keep the sessions and the seq, take the metrics.
            state.applySnapshot(new Snapshot(epoch, state.seq(), ServerFrames.timestamp(m),
                    new ArrayList<>(state.sessions().values()), metrics));
            synced = seq == state.seq();
        }
    }

    private String delta(JsonNode m) {
        if (resyncPending) {
            return null;
        }
        SessionDelta d = ServerFrames.delta(m);
        int gapsBefore = state.gaps().size();
        if (!state.applyDelta(d)) {
            if (state.gaps().size() == gapsBefore) {
                return null; // already covered by the state
            }
            gaps++;
            log.info("{}: gap (have {}:{}, delta {}:{}); asking for the full state", name, state.epoch(), state.seq(),
                    d.epoch(), d.prevSeq());
            resyncing();
            return RESYNC;
        }
        if (resuming) {
            resuming = false;
            replayResumes++;
        }
        d.upserted().forEach(this::applied);
        synced = true;
        deltasApplied++;
        return null;
    }

    private void status(JsonNode m) {
        statuses.add(m.path("source").asText());
        if (awaitingSubscribe) {
            // The answer to subscribe ends with a status: a resume with nothing missed is whole now.
            awaitingSubscribe = false;
            if (resuming) {
                resuming = false;
                replayResumes++;
            }
            if (!resyncPending && pendingFull == null && state.epoch() != null) {
                synced = true;
            }
        }
    }

    private void ack(JsonNode m) {
        ((ObjectNode) m).put("_receivedNanos", System.nanoTime()); // for latency figures; not protocol
        String id = m.path("id").asText();
        acks.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
        // The ack's seq is the first state that reflects the command: the client should hold it by now.
        String epoch = pendingFull != null ? pendingFull.epoch() : state.epoch();
        long seq = pendingFull != null ? pendingFull.seq() : state.seq();
        if (m.path("epoch").asText().equals(epoch) && m.path("seq").asLong() > seq) {
            acksAhead.add(name + ": ack " + id + " seq " + m.path("seq").asLong() + " arrived at state seq " + seq);
        }
    }

    private void applied(ChatSession s) {
        if (onApplied != null) {
            onApplied.accept(s);
        }
    }

    /** A subscribe frame; {@code epoch} null: without resume. */
    static String subscribeFrame(boolean withDeltas, String epoch, long lastSeq) {
        ObjectNode sub = ServerFrames.json().createObjectNode().put("type", "subscribe")
                .put("channel", FeedWebSocketClient.CHANNEL).put("deltas", withDeltas);
        if (epoch != null) {
            sub.put("epoch", epoch).put("lastSeq", lastSeq);
        }
        return sub.toString();
    }

    FeedStateClient state() {
        return state;
    }

    boolean synced() {
        assert Thread.holdsLock(lock);
        return synced;
    }

    List<String> statuses() {
        assert Thread.holdsLock(lock);
        return List.copyOf(statuses);
    }

    Map<String, List<JsonNode>> acks() {
        assert Thread.holdsLock(lock);
        Map<String, List<JsonNode>> copy = new LinkedHashMap<>();
        acks.forEach((id, list) -> copy.put(id, List.copyOf(list)));
        return Collections.unmodifiableMap(copy);
    }

    List<String> acksAhead() {
        assert Thread.holdsLock(lock);
        return List.copyOf(acksAhead);
    }

    List<JsonNode> errors() {
        assert Thread.holdsLock(lock);
        return List.copyOf(errors);
    }

    int errorCount() {
        assert Thread.holdsLock(lock);
        return errors.size();
    }

    int fullStates() {
        assert Thread.holdsLock(lock);
        return fullStates;
    }

    int deltasApplied() {
        assert Thread.holdsLock(lock);
        return deltasApplied;
    }

    int gaps() {
        assert Thread.holdsLock(lock);
        return gaps;
    }

    int replayResumes() {
        assert Thread.holdsLock(lock);
        return replayResumes;
    }

    int fullResumes() {
        assert Thread.holdsLock(lock);
        return fullResumes;
    }
}
