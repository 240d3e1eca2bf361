package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.Replay;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.testkit.FakeSessionFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The hub and connections without a container: encode-once, one send in flight, conflation, dispatcher safety. */
class HubTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A transport that records frames and completes sends only when told to (or at once). */
    static final class FakeTransport implements Transport {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();
        volatile boolean autoComplete = true;
        volatile int inFlight;
        volatile int maxInFlight;
        volatile Integer closedWith;

        @Override
        public void sendText(String text, Consumer<Throwable> done) {
            synchronized (this) {
                inFlight++;
                maxInFlight = Math.max(maxInFlight, inFlight);
                sent.add(text);
                if (!autoComplete) {
                    pending.add(done);
                    return;
                }
                inFlight--;
            }
            done.accept(null);
        }

        void completeAll() {
            while (true) {
                Consumer<Throwable> d;
                synchronized (this) {
                    if (pending.isEmpty()) {
                        return;
                    }
                    d = pending.remove(0);
                    inFlight--;
                }
                d.accept(null);
            }
        }

        @Override
        public void sendPing() {
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        @Override
        public String id() {
            return "fake";
        }
    }

    /** Session {@code s<i>}, status waiting, with message count {@code i}. */
    private static ChatSession session(int i, Map<String, Object> attributes) {
        return new ChatSession("s" + i, "waiting", null, null, null, null, "x", null, null, null, null, i, null, attributes);
    }

    /** Publishes session {@code s<i>} as one delta of {@code feed} whose metrics are {@code {"n": i}}. */
    private static SessionDelta publishWithMetric(FakeSessionFeed feed, int i) {
        return feed.publish(List.of(session(i, Map.of())), List.of(), new ChatMetrics(Map.of("n", i)));
    }

    /** Publishes session {@code s<i>} (message count {@code i}) as one delta of {@code feed}. */
    static SessionDelta publish(FakeSessionFeed feed, int i) {
        return publish(feed, i, Map.of());
    }

    static SessionDelta publish(FakeSessionFeed feed, int i, Map<String, Object> attributes) {
        return feed.upsert(session(i, attributes));
    }

    private static WebSocketOptions options() {
        // A long grace: tests that stall a send on purpose must not see it closed as slow on a loaded machine.
        return WebSocketOptions.builder(h -> Optional.empty()).maxQueuedFrames(8)
                .slowClientGrace(java.time.Duration.ofMinutes(10)).build();
    }

    private final FakeSessionFeed feed = new FakeSessionFeed("e", 1024);
    private final Hub hub = new Hub(feed, options());

    @AfterEach
    void close() {
        hub.close();
    }

    @net.jqwik.api.lifecycle.AfterProperty
    void closeAfterProperty() {
        hub.close();
    }

    private Connection open(FakeTransport t, boolean deltas) {
        return open(hub, t, deltas);
    }

    private static Connection open(Hub hub, FakeTransport t, boolean deltas) {
        Connection c = hub.open(t, AdminIdentity.readOnly("a"));
        c.start();
        c.onText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":" + deltas + "}");
        return c;
    }

    /** A delta client whose sends complete only when the test says so, with hello, full state and status sent. */
    private FakeTransport idleDeltaClient() {
        return idleDeltaClient(hub);
    }

    private static FakeTransport idleDeltaClient(Hub hub) {
        FakeTransport t = new FakeTransport();
        t.autoComplete = false;
        open(hub, t, true);
        t.completeAll();
        return t;
    }

    /** Publishes a change and waits until each client's send of it is started (and left in flight). */
    private SessionDelta publishInFlight(List<FakeTransport> clients) {
        return publishInFlight(() -> publish(feed, 1), clients);
    }

    private static SessionDelta publishInFlight(Supplier<SessionDelta> publish, List<FakeTransport> clients) {
        SessionDelta d = publish.get();
        for (FakeTransport t : clients) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> t.sent.get(t.sent.size() - 1).contains("\"seq\":" + d.seq()));
        }
        return d;
    }

    private static List<JsonNode> frames(FakeTransport t) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (String s : t.sent) {
            l.add(JSON.readTree(s));
        }
        return l;
    }

    @Test
    void encodesEachBroadcastOnceForAllConnections() {
        List<FakeTransport> ts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            FakeTransport t = new FakeTransport();
            ts.add(t);
            open(t, i % 2 == 0);
        }
        long before = hub.sharedEncodes();
        SessionDelta d = publish(feed, 1);
        // one session_delta, one session_update, one metrics_update — not one per connection
        assertThat(hub.sharedEncodes() - before).isEqualTo(3);
        // The sends happen on the sender threads: wait until every connection got its frame(s).
        for (int i = 0; i < 50; i++) {
            FakeTransport t = ts.get(i);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> t.sent.get(t.sent.size() - 1).contains("\"seq\":" + d.seq()));
        }
        String deltaFrame = ts.get(0).sent.get(ts.get(0).sent.size() - 1);
        for (int i = 0; i < 50; i += 2) {
            assertThat(ts.get(i).sent.get(ts.get(i).sent.size() - 1)).isSameAs(deltaFrame);
        }
        assertThat(deltaFrame).contains("\"seq\":" + d.seq());
    }

    @Test
    void keepsOneSendInFlightAndConflatesAStalledClientToTheLatestState() throws Exception {
        FakeTransport stalled = new FakeTransport();
        stalled.autoComplete = false;
        open(stalled, true);
        FakeTransport healthy = new FakeTransport();
        open(healthy, true);
        for (int i = 0; i < 1000; i++) {
            publish(feed, i);
        }
        // The healthy client gets up to the latest seq (as deltas, or conflated to the latest full state when the
        // broadcasts outran its sender), whatever the stalled one does.
        long last = feed.current().seq();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> frames(healthy).stream()
                .anyMatch(m -> m.path("seq").asLong() == last && m.path("type").asText().startsWith("session_")));
        assertThat(stalled.sent).hasSize(1); // only hello went out; everything else waits behind it
        assertThat(stalled.maxInFlight).isEqualTo(1);

        stalled.completeAll();
        List<JsonNode> got = frames(stalled);
        assertThat(stalled.maxInFlight).isEqualTo(1);
        // hello, then (queue overflowed) the latest full state, then the status — not 1000 deltas
        assertThat(got).hasSizeLessThan(12);
        JsonNode full = got.stream().filter(m -> m.path("type").asText().equals("session_update")).reduce((a, b) -> b).orElseThrow();
        assertThat(full.path("seq").asLong()).isEqualTo(feed.current().seq());
        assertThat(full.path("data").path("sessions")).hasSize(1000);
        assertThat(hub.stats().fullStateConflations()).isPositive();
    }

    @Test
    void aClientBehindGetsOneMergedDeltaEncodedOnceForEveryClientAtTheSamePoint() throws Exception {
        FakeSessionFeed feed = new FakeSessionFeed();
        Hub hub = new Hub(feed, options());
        try {
            aClientBehindGetsOneMergedDeltaEncodedOnceForEveryClientAtTheSamePoint(feed, hub);
        } finally {
            hub.close();
        }
    }

    private static void aClientBehindGetsOneMergedDeltaEncodedOnceForEveryClientAtTheSamePoint(FakeSessionFeed feed, Hub hub)
            throws Exception {
        FakeTransport a = idleDeltaClient(hub);
        FakeTransport b = idleDeltaClient(hub);
        SessionDelta first = publishInFlight(() -> publishWithMetric(feed, 1), List.of(a, b));
        long encodesBefore = hub.sharedEncodes();
        long mergedBefore = hub.stats().mergedChanges();
        for (int i = 2; i <= 6; i++) {
            publishWithMetric(feed, i); // both clients still have the first delta in flight
        }
        a.completeAll();
        b.completeAll();

        JsonNode merged = frames(a).get(frames(a).size() - 1);
        assertThat(merged.path("type").asText()).isEqualTo("session_delta");
        assertThat(merged.path("prevSeq").asLong()).isEqualTo(first.seq());
        assertThat(merged.path("seq").asLong()).isEqualTo(feed.current().seq());
        assertThat(merged.path("data").path("upserted").findValuesAsText("id")).containsExactly("s2", "s3", "s4", "s5", "s6");
        assertThat(merged.path("data").path("metrics").path("n").asInt()).isEqualTo(6);
        assertThat(b.sent.get(b.sent.size() - 1)).isSameAs(a.sent.get(a.sent.size() - 1));
        // The second change's own frame (queued before the others folded into it) and one merged frame for both.
        assertThat(hub.sharedEncodes() - encodesBefore).isEqualTo(2);
        assertThat(hub.stats().mergedChanges() - mergedBefore).isEqualTo(2 * 4);
        assertThat(hub.stats().fullStateConflations()).isZero();
    }

    @Test
    void aMergedDeltaThatCannotBePreparedInACompletionCallbackClosesTheConnectionInsteadOfLeavingAGap() throws Exception {
        FakeTransport t = idleDeltaClient();
        publishInFlight(List.of(t));
        for (int i = 2; i <= 4; i++) {
            // Folded into one waiting delta behind the first; the third change cannot be encoded, so neither can the
            // merged delta (the adapter builds it from the deltas it was handed, without the feed).
            publish(feed, i, i == 3 ? Map.of("poison", new Unencodable()) : Map.of());
        }
        int sentBefore = t.sent.size();

        t.completeAll(); // the completion starts the next send, which cannot be prepared

        // Closed (the client reconnects and resumes), not left open and silently behind with the frame lost.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> t.closedWith != null);
        assertThat(t.closedWith).isEqualTo(1011);
        assertThat(t.sent).hasSize(sentBefore);
    }

    /** A value whose encoding fails (its getter throws). */
    public static final class Unencodable {
        public String getValue() {
            throw new IllegalStateException("cannot encode this");
        }
    }

    @Test
    void aClientBehindByChangesTheReplayWindowNoLongerHoldsGetsTheFullState() throws Exception {
        // The adapter keeps the last 2 deltas it was handed (instead of reading the feed's replay window).
        Hub hub = new Hub(feed, options(),
                new Hub.Tuning(null, SendScheduler.DEFAULT_FAN_OUT_WAIT, 2));
        try {
            aClientBehindByChangesTheWindowNoLongerHoldsGetsTheFullState(hub);
        } finally {
            hub.close();
        }
    }

    private void aClientBehindByChangesTheWindowNoLongerHoldsGetsTheFullState(Hub hub) throws Exception {
        FakeTransport t = idleDeltaClient(hub);
        publishInFlight(List.of(t));
        for (int i = 2; i <= 6; i++) {
            publish(feed, i);
        }
        t.completeAll();

        List<JsonNode> got = frames(t);
        JsonNode update = got.get(got.size() - 2);
        assertThat(update.path("type").asText()).isEqualTo("session_update");
        assertThat(update.path("seq").asLong()).isEqualTo(feed.current().seq());
        assertThat(update.path("data").path("sessions")).hasSize(6);
        assertThat(got.get(got.size() - 1).path("type").asText()).isEqualTo("metrics_update");
        assertThat(hub.stats().fullStateConflations()).isEqualTo(1);
    }

    @Test
    void aResumingClientGetsWhatItMissedAsOneMergedDelta() throws Exception {
        for (int i = 1; i <= 5; i++) {
            publish(feed, i);
        }
        FakeTransport t = new FakeTransport();
        Connection c = hub.open(t, AdminIdentity.readOnly("a"));
        c.start();
        c.onText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":true,\"epoch\":\"e\",\"lastSeq\":2}");

        List<JsonNode> got = frames(t);
        assertThat(got).extracting(m -> m.path("type").asText()).containsExactly("hello", "session_delta", "status");
        JsonNode missed = got.get(1);
        assertThat(missed.path("prevSeq").asLong()).isEqualTo(2);
        assertThat(missed.path("seq").asLong()).isEqualTo(5);
        assertThat(missed.path("data").path("upserted").findValuesAsText("id")).containsExactly("s3", "s4", "s5");
    }

    @Test
    void closesClientWhoseSendStaysUnfinishedPastTheGracePeriod() {
        Hub quick = new Hub(feed, WebSocketOptions.builder(h -> Optional.empty())
                .slowClientGrace(java.time.Duration.ofMillis(100)).build());
        try {
            FakeTransport stalled = new FakeTransport();
            stalled.autoComplete = false;
            Connection c = quick.open(stalled, AdminIdentity.readOnly("a"));
            c.start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> stalled.closedWith != null);
            assertThat(stalled.closedWith).isEqualTo(1013);
            assertThat(quick.connectionCount()).isZero();
            assertThat(quick.stats().slowClientsClosed()).isEqualTo(1);
        } finally {
            quick.close();
        }
    }

    @Property(tries = 300)
    void dispatcherAnswersAnyFrameWithoutThrowing(@ForAll("frames") String frame) throws Exception {
        FakeTransport t = new FakeTransport();
        Connection c = hub.open(t, AdminIdentity.readOnly("a"));
        c.onText(frame);
        for (JsonNode m : frames(t)) {
            String type = m.path("type").asText();
            assertThat(type).isIn("pong", "error", "session_update", "metrics_update", "status", "session_delta");
            if (type.equals("error")) {
                assertThat(m.path("code").asText()).isIn("bad_request", "forbidden", "rate_limited");
            }
        }
        c.onClosed();
    }

    @Provide
    Arbitrary<String> frames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.of("{\"type\":\"ping\"}", "{\"type\":\"resync\"}",
                        "{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\"}",
                        "{\"type\":\"command\",\"id\":\"c\",\"action\":\"end_session\",\"sessionId\":\"s\"}",
                        "{\"type\":\"command\",\"id\":\"c\",\"action\":\"end_session\",\"sessionId\":[]}",
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"),
                Arbitraries.strings().withChars("{}[]\":,typeingsubcr 0123").ofMaxLength(80));
    }
}
