package dev.sessionfeed.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real admin client over the JDK's {@link WebSocket}: keeps the session map and metrics from the full state
 * plus deltas (protocol v1, {@code deltas: true}), resumes with {@code (epoch, lastSeq)} after every reconnect,
 * sends commands, and records what a test checks: statuses seen, acks, gaps, and whether every session's
 * {@code version} attribute only ever went up (commit order).
 *
 * <p>Reconnects by itself (100 ms to 1 s backoff) when the server closes or the connection fails, unless
 * {@linkplain #disconnect() disconnected} on purpose. Thread-safe: WebSocket callbacks are serialized by the JDK
 * per connection; state is guarded by {@code this}.
 */
final class AdminClient implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminClient.class);
    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    private final URI uri;
    private final String token;
    private final boolean deltas;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    // Guarded by this.
    private final LinkedHashMap<String, JsonNode> sessions = new LinkedHashMap<>();
    private JsonNode metrics;
    private String epoch;
    private long seq = -1;
    private boolean synced;
    private boolean awaitingSubscribe;
    private boolean resyncPending;
    private boolean resuming;
    private WebSocket ws;
    private Listener current;
    private boolean autoReconnect = true;
    private boolean closed;
    private int reconnectAttempt;
    private final Map<String, Long> maxVersion = new HashMap<>();

    final List<String> orderViolations = new CopyOnWriteArrayList<>();
    /** Acks that arrived before the state they name (ack.seq above the client's seq). */
    final List<String> acksAhead = new CopyOnWriteArrayList<>();
    final List<String> statuses = new CopyOnWriteArrayList<>();
    final Map<String, List<JsonNode>> acks = new java.util.concurrent.ConcurrentHashMap<>();
    final List<JsonNode> errors = new CopyOnWriteArrayList<>();
    final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    final AtomicInteger connects = new AtomicInteger();
    final AtomicInteger fullStates = new AtomicInteger();
    final AtomicInteger deltasApplied = new AtomicInteger();
    final AtomicInteger gaps = new AtomicInteger();
    /** Resumes answered with the missed deltas only (within the replay window), and with the full state. */
    final AtomicInteger replayResumes = new AtomicInteger();
    final AtomicInteger fullResumes = new AtomicInteger();
    final AtomicLong lastMessageNanos = new AtomicLong();
    private final AtomicInteger commandIds = new AtomicInteger();

    AdminClient(String name, URI uri, String token, boolean deltas, HttpClient http, ScheduledExecutorService scheduler) {
        this.name = name;
        this.uri = uri;
        this.token = token;
        this.deltas = deltas;
        this.http = http;
        this.scheduler = scheduler;
    }

    /** Connects (and subscribes, resuming when it knows an epoch); returns once the handshake is done or failed. */
    /** The connection state, for failure messages. */
    synchronized String state() {
        return name + "{" + (ws != null ? "open" : "not open") + (synced ? ", synced" : ", not synced") + ", epoch " + epoch
                + ", seq " + seq + ", connects " + connects.get() + ", closes " + closeCodes + ", full states "
                + fullStates.get() + ", errors " + errors.size() + "}";
    }

    void connect() {
        Listener l;
        synchronized (this) {
            if (closed) {
                return;
            }
            autoReconnect = true;
            l = new Listener();
            current = l;
            synced = false;
        }
        http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + token)
                .buildAsync(uri, l).orTimeout(10, TimeUnit.SECONDS)
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        log.debug("{}: connect failed: {}", name, error.toString());
                        l.ended(-1);
                    }
                });
    }

    /** Drops the connection on purpose (no close handshake) and stays away until {@link #connect()}. */
    void disconnect() {
        WebSocket s;
        synchronized (this) {
            autoReconnect = false;
            s = ws;
            ws = null;
            current = null;
            synced = false;
        }
        if (s != null) {
            s.abort();
        }
    }

    /** Stops requesting frames: the server's sends back up into TCP buffers (a client that stopped reading). */
    synchronized void stopReading() {
        if (current != null) {
            current.reading = false;
        }
    }

    /** Reads again. */
    void resumeReading() {
        WebSocket s;
        synchronized (this) {
            if (current == null) {
                return;
            }
            current.reading = true;
            s = ws;
        }
        if (s != null) {
            s.request(1);
        }
    }

    /** Sends a command; returns its id. */
    String command(String action, String sessionId) {
        return command(name + "-c" + commandIds.incrementAndGet(), action, sessionId);
    }

    String command(String id, String action, String sessionId) {
        ObjectNode m = JSON.createObjectNode().put("type", "command").put("id", id).put("action", action).put("sessionId", sessionId);
        send(m);
        return id;
    }

    private void send(ObjectNode message) {
        WebSocket s;
        synchronized (this) {
            s = ws;
        }
        if (s == null) {
            throw new IllegalStateException(name + " is not connected");
        }
        s.sendText(message.toString(), true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    synchronized boolean isSynced() {
        return synced && ws != null;
    }

    synchronized String epoch() {
        return epoch;
    }

    synchronized long seq() {
        return seq;
    }

    synchronized boolean isConnected() {
        return ws != null;
    }

    /** Differences between this client's state and the expected one; empty when equal. */
    synchronized List<String> differencesFrom(Map<String, JsonNode> expectedSessions, JsonNode expectedMetrics, List<String> ignoredMetrics) {
        List<String> diffs = new ArrayList<>();
        if (!synced || ws == null) {
            diffs.add(name + " not subscribed");
            return diffs;
        }
        for (Map.Entry<String, JsonNode> e : expectedSessions.entrySet()) {
            JsonNode mine = sessions.get(e.getKey());
            if (mine == null) {
                diffs.add(name + " lacks " + e.getKey());
            } else if (!mine.equals(e.getValue())) {
                diffs.add(name + " has another " + e.getKey() + ": v" + mine.path("attributes").path("version") + " vs v"
                        + e.getValue().path("attributes").path("version"));
            }
        }
        for (String id : sessions.keySet()) {
            if (!expectedSessions.containsKey(id)) {
                diffs.add(name + " still shows " + id);
            }
        }
        ObjectNode mine = metrics == null ? JSON.createObjectNode() : ((ObjectNode) metrics).deepCopy();
        ObjectNode theirs = ((ObjectNode) expectedMetrics).deepCopy();
        mine.remove(ignoredMetrics);
        theirs.remove(ignoredMetrics);
        if (!mine.equals(theirs)) {
            diffs.add(name + " metrics " + mine + " vs " + theirs);
        }
        return diffs;
    }

    synchronized int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        disconnect();
    }

    // ------------------------------------------------------------------------------------------ the protocol

    private void onMessage(Listener l, JsonNode m) {
        lastMessageNanos.set(System.nanoTime());
        String type = m.path("type").asText();
        synchronized (this) {
            if (l != current) {
                return;
            }
            switch (type) {
                case "hello" -> subscribeLocked(l);
                case "session_update" -> {
                    String e = m.path("epoch").asText();
                    sessions.clear();
                    for (JsonNode s : m.path("data").path("sessions")) {
                        sessions.put(s.path("id").asText(), s);
                        checkOrder(s);
                    }
                    epoch = e;
                    seq = m.path("seq").asLong();
                    fullStates.incrementAndGet();
                    resyncPending = false;
                    if (resuming) {
                        resuming = false;
                        fullResumes.incrementAndGet();
                    }
                    // The metrics_update of the same seq follows at once; until then the state is not whole.
                    synced = false;
                }
                case "metrics_update" -> {
                    metrics = m.path("data").path("metrics");
                    if (m.path("seq").asLong() == seq && m.path("epoch").asText().equals(epoch)) {
                        synced = true;
                    }
                }
                case "session_delta" -> {
                    long prev = m.path("prevSeq").asLong();
                    if (resyncPending) {
                        return;
                    }
                    if (!m.path("epoch").asText().equals(epoch) || prev != seq) {
                        gaps.incrementAndGet();
                        log.info("{}: gap (have {}:{}, delta {}:{}); asking for the full state", name, epoch, seq,
                                m.path("epoch").asText(), prev);
                        synced = false;
                        resyncPending = true;
                        sendAsync(l, JSON.createObjectNode().put("type", "resync"));
                        return;
                    }
                    if (resuming) {
                        resuming = false;
                        replayResumes.incrementAndGet();
                    }
                    JsonNode data = m.path("data");
                    for (JsonNode s : data.path("upserted")) {
                        sessions.put(s.path("id").asText(), s);
                        checkOrder(s);
                    }
                    for (JsonNode id : data.path("removed")) {
                        sessions.remove(id.asText());
                    }
                    if (data.hasNonNull("metrics")) {
                        metrics = data.path("metrics");
                    }
                    seq = m.path("seq").asLong();
                    synced = true;
                    deltasApplied.incrementAndGet();
                }
                case "status" -> {
                    statuses.add(m.path("source").asText());
                    if (awaitingSubscribe) {
                        // The answer to subscribe ends with a status: a resume with nothing missed is whole now.
                        awaitingSubscribe = false;
                        if (resuming) {
                            resuming = false;
                            replayResumes.incrementAndGet();
                        }
                        if (!resyncPending && metrics != null && epoch != null) {
                            synced = true;
                        }
                    }
                }
                case "ack" -> {
                    ((ObjectNode) m).put("_receivedNanos", System.nanoTime()); // for latency figures; not protocol
                    acks.computeIfAbsent(m.path("id").asText(), k -> new CopyOnWriteArrayList<>()).add(m);
                    // The ack's seq is "the first state seq that reflects the command": by the time the ack arrives the
                    // client should hold that state (else a UI would show "done" on a stale row).
                    if (m.path("epoch").asText().equals(epoch) && m.path("seq").asLong() > seq) {
                        acksAhead.add(name + ": ack " + m.path("id").asText() + " seq " + m.path("seq").asLong() + " arrived at state seq " + seq);
                    }
                }
                case "error" -> {
                    errors.add(m);
                    log.info("{}: error frame {}", name, m);
                }
                default -> {
                }
            }
        }
    }

    private void checkOrder(JsonNode s) {
        String id = s.path("id").asText();
        long v = s.path("attributes").path(Db.VERSION_COLUMN).asLong(-1);
        Long before = maxVersion.get(id);
        if (before != null && v < before) {
            orderViolations.add(name + ": " + id + " went from version " + before + " back to " + v);
        }
        if (before == null || v > before) {
            maxVersion.put(id, v);
        }
    }

    private void subscribeLocked(Listener l) {
        awaitingSubscribe = true;
        resyncPending = false;
        ObjectNode sub = JSON.createObjectNode().put("type", "subscribe").put("channel", "admin-chat-updates").put("deltas", deltas);
        if (epoch != null && seq >= 0) {
            sub.put("epoch", epoch).put("lastSeq", seq);
            resuming = true;
            // A resumed client keeps its state and applies the missed deltas (or takes the full state).
            synced = false;
        }
        sendAsync(l, sub);
    }

    private void sendAsync(Listener l, ObjectNode m) {
        WebSocket s = l.socket;
        if (s != null) {
            s.sendText(m.toString(), true).exceptionally(t -> {
                log.debug("{}: send failed: {}", name, t.toString());
                return null;
            });
        }
    }

    private void onEnded(Listener l, int code) {
        boolean again;
        long delay;
        synchronized (this) {
            if (l != current) {
                return;
            }
            closeCodes.add(code);
            ws = null;
            synced = false;
            again = autoReconnect && !closed;
            reconnectAttempt++;
            delay = Math.min(1000, 100L << Math.min(4, reconnectAttempt - 1));
        }
        if (again) {
            scheduler.schedule(() -> {
                synchronized (this) {
                    if (l != current || !autoReconnect || closed) {
                        return;
                    }
                }
                connect();
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        volatile boolean reading = true;
        volatile WebSocket socket;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            synchronized (AdminClient.this) {
                if (current != this) {
                    webSocket.abort();
                    return;
                }
                ws = webSocket;
                reconnectAttempt = 0;
            }
            connects.incrementAndGet();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    onMessage(this, JSON.readTree(text));
                } catch (Exception e) {
                    log.error("{}: cannot handle frame {}", name, text.length() > 200 ? text.substring(0, 200) : text, e);
                    errors.add(JSON.createObjectNode().put("type", "client-error").put("message", e.toString()));
                }
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            log.debug("{}: closed by the server {} {}", name, statusCode, reason);
            ended(statusCode);
            webSocket.abort();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.debug("{}: connection failed: {}", name, error.toString());
            ended(1006);
        }

        void ended(int code) {
            if (done.complete(null)) {
                onEnded(this, code);
            }
        }
    }
}
