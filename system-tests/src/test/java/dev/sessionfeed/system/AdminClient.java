package dev.sessionfeed.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A real admin client for the system tests: testkit's {@link FeedWebSocketClient} (full state plus deltas,
 * resume with {@code (epoch, lastSeq)} after every reconnect, reconnect with 100 ms to 1 s backoff, commands),
 * plus the one check of this suite's model: every session's {@code version} attribute only ever goes up (commit
 * order), recorded in {@link #orderViolations}.
 *
 * <p>Thread-safe: the protocol client is; the version check runs on its WebSocket callbacks, which it serializes.
 */
final class AdminClient implements AutoCloseable {

    /** For the suite's JSON records (Reliability). */
    static final ObjectMapper JSON = new ObjectMapper();

    final String name;
    private final FeedWebSocketClient client;
    private final Map<String, Long> maxVersion = new ConcurrentHashMap<>();
    final List<String> orderViolations = new CopyOnWriteArrayList<>();

    AdminClient(String name, URI uri, String token, boolean deltas, HttpClient http, ScheduledExecutorService scheduler) {
        this.name = name;
        this.client = FeedWebSocketClient.builder(uri)
                .name(name)
                .bearerToken(token)
                .deltas(deltas)
                .autoSubscribe(true)
                .reconnect(Duration.ofMillis(100), Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(5))
                .httpClient(http)
                .scheduler(scheduler)
                .recordFrames(false) // compared with the database only; the soak test runs for hours
                .onApplied(this::checkOrder)
                .build();
    }

    /** The connection state, for failure messages. */
    String state() {
        return client.describe();
    }

    /** Connects (and subscribes, resuming when it knows an epoch); returns at once, a failed attempt retries. */
    void connect() {
        client.connect();
    }

    /** Drops the connection on purpose (no close handshake) and stays away until {@link #connect()}. */
    void disconnect() {
        client.disconnect();
    }

    /** Stops requesting frames: the server's sends back up into TCP buffers (a client that stopped reading). */
    void stopReading() {
        client.stopReading();
    }

    /** Reads again. */
    void resumeReading() {
        client.resumeReading();
    }

    /** Sends a command; returns its id. */
    String command(String action, String sessionId) {
        return client.command(action, sessionId);
    }

    String command(String id, String action, String sessionId) {
        return client.command(id, action, sessionId);
    }

    boolean isSynced() {
        return client.isSynced();
    }

    String epoch() {
        return client.epoch();
    }

    long seq() {
        return client.seq();
    }

    boolean isConnected() {
        return client.isOpen();
    }

    /** Differences between this client's state and the expected one (as received), each naming this client. */
    List<String> differencesFrom(Snapshot expected, Set<String> ignoredMetrics) {
        return client.differencesFrom(expected, ignoredMetrics).stream().map(d -> name + " " + d).toList();
    }

    int sessionCount() {
        return client.state().sessions().size();
    }

    List<String> statuses() {
        return client.statuses();
    }

    Map<String, List<JsonNode>> acks() {
        return client.acks();
    }

    /** Acks that arrived before the state they name (ack.seq above the client's seq). */
    List<String> acksAhead() {
        return client.acksAhead();
    }

    List<JsonNode> errors() {
        return client.errors();
    }

    List<Integer> closeCodes() {
        return client.closeCodes();
    }

    int connects() {
        return client.connects();
    }

    int fullStates() {
        return client.fullStates();
    }

    /** Resumes answered with the missed deltas only (within the replay window). */
    int replayResumes() {
        return client.replayResumes();
    }

    /** Resumes answered with the full state. */
    int fullResumes() {
        return client.fullResumes();
    }

    @Override
    public void close() {
        client.close();
    }

    private void checkOrder(ChatSession s) {
        Object version = s.attributes().get(Db.VERSION_COLUMN);
        long v = version instanceof Number n ? n.longValue() : -1;
        Long before = maxVersion.get(s.id());
        if (before != null && v < before) {
            orderViolations.add(name + ": " + s.id() + " went from version " + before + " back to " + v);
        }
        if (before == null || v > before) {
            maxVersion.put(s.id(), v);
        }
    }
}
