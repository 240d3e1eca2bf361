package dev.sessionfeed.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real WebSocket client of SessionFeed's protocol (JDK {@link java.net.http.WebSocket}), running in the benchmark's
 * JVM so that writers and readers share one {@link System#nanoTime()} clock.
 *
 * <p>It keeps what a dashboard keeps: the sessions by id (here only {@code messageCount}, which the writers use as
 * the write number), the last seq, and the feed status; it counts frames and bytes, and reports every session whose
 * {@code messageCount} changed to an {@link Events} callback with the arrival time.
 *
 * <p>Thread-safety: the JDK delivers one message at a time per socket; the state map is guarded by this object's
 * monitor so the harness may compare it with the database from another thread.
 */
public final class FeedClient implements WebSocket.Listener {

    /** Callbacks on arrival (called on the client's executor; keep them short). */
    public interface Events {
        /**
         * A session's messageCount changed (or appeared) in a frame that arrived at {@code nanos}.
         *
         * @param client       the client
         * @param sessionId    the session
         * @param messageCount its new messageCount
         * @param nanos        arrival time ({@link System#nanoTime()})
         */
        void onSession(FeedClient client, String sessionId, long messageCount, long nanos);

        /** No-op events. */
        Events NONE = (c, id, n, t) -> { };
    }

    private final int index;
    private final boolean deltas;
    private final Events events;
    private final StringBuilder partial = new StringBuilder();
    private final ClientState state = new ClientState();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lastFrameBytes = new AtomicLong();
    private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private volatile boolean stalled;
    private volatile WebSocket socket;

    private FeedClient(int index, boolean deltas, Events events) {
        this.index = index;
        this.deltas = deltas;
        this.events = Objects.requireNonNull(events, "events");
    }

    /**
     * Connects, and subscribes once the server said hello.
     *
     * @param http    the HTTP client (shared by many feed clients)
     * @param uri     the endpoint, {@code ws://127.0.0.1:port/path}
     * @param headers handshake headers (e.g. Authorization, Origin)
     * @param index   a number for this client
     * @param deltas  ask for {@code session_delta} (true) or full {@code session_update}s (false)
     * @param events  arrival callbacks
     * @return the client once the WebSocket is open (subscription may still be in progress: see {@link #subscribed()})
     */
    public static CompletableFuture<FeedClient> connect(HttpClient http, URI uri, Map<String, String> headers, int index,
                                                        boolean deltas, Events events) {
        FeedClient c = new FeedClient(index, deltas, events);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        return b.buildAsync(uri, c).thenApply(ws -> c);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            long now = System.nanoTime();
            String frame = partial.toString();
            partial.setLength(0);
            frames.incrementAndGet();
            long n = utf8Length(frame);
            bytes.addAndGet(n);
            lastFrameBytes.set(n);
            try {
                handle(webSocket, frame, now);
            } catch (IOException | RuntimeException e) {
                closed.completeExceptionally(new IllegalStateException("client " + index + " cannot parse: " + frame, e));
            }
        }
        if (!stalled) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        // A connection the endpoint refuses (a limit, the memory budget) must fail the harness, not hang it.
        subscribed.completeExceptionally(new IllegalStateException(
                "client " + index + " closed " + statusCode + " (" + reason + ") before its first full state"));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
        subscribed.completeExceptionally(error);
    }

    private void handle(WebSocket ws, String frame, long now) throws IOException {
        String type = state.apply(frame, now, (id, count, t) -> events.onSession(this, id, count, t));
        if ("hello".equals(type)) {
            ws.sendText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":" + deltas + "}", true);
        } else if ("session_update".equals(type)) {
            subscribed.complete(null);
        }
    }

    /**
     * Stops reading: no more frames are requested, so the server's sends back up (a stalled dashboard).
     */
    public void stall() {
        stalled = true;
    }

    /**
     * One session's messageCount as this client holds it.
     *
     * @param sessionId the session
     * @return the count, or null when the client does not hold the session
     */
    public Long messageCount(String sessionId) {
        return state.get(sessionId);
    }

    /**
     * A copy of the client's state: messageCount by session id.
     *
     * @return the copy
     */
    public Map<String, Long> state() {
        return state.snapshot();
    }

    /**
     * Whether the client's state equals the given one.
     *
     * @param expected messageCount by session id
     * @return true when equal
     */
    public boolean stateEquals(Map<String, Long> expected) {
        return state.stateEquals(expected);
    }

    /** @return completes when the first full state arrived */
    public CompletableFuture<Void> subscribed() { return subscribed; }

    /** @return completes with the close code when the server closed the socket */
    public CompletableFuture<Integer> closedFuture() { return closed; }

    /** @return frames received */
    public long frames() { return frames.get(); }

    /** @return bytes received (UTF-8 payload of text frames) */
    public long bytes() { return bytes.get(); }

    /** @return payload size of the last frame, bytes */
    public long lastFrameBytes() { return lastFrameBytes.get(); }

    /** @return full session_update frames received */
    public long fullUpdates() { return state.fullUpdates(); }

    /** @return session_delta frames received */
    public long deltaUpdates() { return state.deltaUpdates(); }

    /** @return deltas whose prevSeq did not match the last seq */
    public long gaps() { return state.gaps(); }

    /** @return the last status source (live, degraded, recovering) or "unknown" */
    public String status() { return state.status(); }

    /** @return the last seq seen */
    public long lastSeq() { return state.lastSeq(); }

    /** @return this client's number */
    public int index() { return index; }

    /**
     * Closes the socket (normal closure) without waiting.
     */
    public void close() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        if (ws.isOutputClosed()) {
            ws.abort();
            return;
        }
        // A stalled client's close frame may never get out; abort after a short wait either way.
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
                .whenComplete((r, e) -> ws.abort());
    }

    private static long utf8Length(String s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return n;
    }
}
