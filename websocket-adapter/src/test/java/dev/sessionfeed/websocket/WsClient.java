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
import org.awaitility.core.ConditionTimeoutException;

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
    private volatile String closeReason;
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

    /**
     * Sends a WebSocket handshake over a plain socket and returns the HTTP status of the answer (101 when the
     * server upgraded). Reads only the status line: some containers answer a refusal without a length and keep
     * the connection open.
     */
    static int handshakeStatus(int port, String path, Map<String, String> headers) {
        String status = handshakeResponse(port, path, headers).get(0);
        return Integer.parseInt(status.substring(9, 12));
    }

    /** The status line and header lines of the answer to a raw handshake. */
    static List<String> handshakeResponse(int port, String path, Map<String, String> headers) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            socket.getOutputStream().write(req.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            String status = in.readLine();
            if (status == null || !status.startsWith("HTTP/1.1 ")) {
                throw new AssertionError("not an HTTP response: " + status);
            }
            List<String> lines = new java.util.ArrayList<>(List.of(status));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            return lines;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
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
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeReason = String.valueOf(error);
        closeCode.complete(1006);
    }

    void send(String text) {
        try {
            ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        } catch (CompletionException e) {
            throw new AssertionError("send failed; " + describe(), e);
        }
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
        try {
            Awaitility.await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(5)).until(() -> {
                for (int i = from; i < messages.size(); i++) {
                    if (p.test(messages.get(i))) {
                        found[0] = messages.get(i);
                        return true;
                    }
                }
                return false;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + what + " within 15 s; " + describe(), e);
        }
        return found[0];
    }

    /** The connection's state and what it received, for failure messages. */
    String describe() {
        Integer code = closeCode.getNow(null);
        StringBuilder sb = new StringBuilder(code == null ? "connection open" : "connection closed with " + code
                + " (" + closeReason + ")");
        sb.append(", received ").append(messages.size()).append(" messages:");
        List<JsonNode> all = List.copyOf(messages);
        for (JsonNode m : all.subList(Math.max(0, all.size() - 12), all.size())) {
            sb.append(' ').append(m.path("type").asText());
            if (m.has("seq")) {
                sb.append('@').append(m.path("seq").asLong());
            }
        }
        return sb.toString();
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
