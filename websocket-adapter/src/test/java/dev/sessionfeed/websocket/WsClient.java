package dev.sessionfeed.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * A test client on the JDK's {@link WebSocket}: collects every message, records pings and the close, and can
 * stop reading (no demand) to play a stalled client.
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    final AtomicInteger pings = new AtomicInteger();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean reading = true;
    private volatile WebSocket ws;

    static WsClient connect(URI uri, Map<String, String> headers) {
        WsClient c = new WsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        c.ws = b.buildAsync(uri, c).orTimeout(15, TimeUnit.SECONDS).join();
        return c;
    }

    /** Connects and expects the handshake to fail; returns the HTTP status, or -1 if none. */
    static int handshakeStatus(URI uri, Map<String, String> headers) {
        try {
            WsClient c = connect(uri, headers);
            c.abort();
            return 101;
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.WebSocketHandshakeException) {
                return ((java.net.http.WebSocketHandshakeException) cause).getResponse().statusCode();
            }
            throw e;
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                messages.add(JSON.readTree(text));
            } catch (Exception e) {
                throw new AssertionError("server sent invalid JSON: " + text, e);
            }
        }
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.incrementAndGet();
        if (reading) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.complete(1006);
    }

    void send(String text) {
        ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    void send(Map<String, ?> message) {
        try {
            send(JSON.writeValueAsString(message));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void subscribe(boolean deltas) {
        send(Map.of("type", "subscribe", "channel", "admin-chat-updates", "deltas", deltas));
    }

    void stopReading() {
        reading = false;
    }

    void resumeReading() {
        reading = true;
        ws.request(Long.MAX_VALUE);
    }

    boolean isOpen() {
        return !closeCode.isDone() && !ws.isInputClosed();
    }

    /** Waits for the first message (after {@code from}) matching, and returns it. */
    JsonNode await(Predicate<JsonNode> p, String what) {
        return await(0, p, what);
    }

    JsonNode await(int from, Predicate<JsonNode> p, String what) {
        JsonNode[] found = new JsonNode[1];
        Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(5)).until(() -> {
            for (int i = from; i < messages.size(); i++) {
                if (p.test(messages.get(i))) {
                    found[0] = messages.get(i);
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    JsonNode awaitType(String type) {
        return await(m -> type.equals(m.path("type").asText()), "a '" + type + "' message");
    }

    JsonNode awaitType(int from, String type) {
        return await(from, m -> type.equals(m.path("type").asText()), "a '" + type + "' message after #" + from);
    }

    int awaitClose() {
        return closeCode.orTimeout(15, TimeUnit.SECONDS).join();
    }

    void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.abort();
        }
    }
}
