package dev.sessionfeed.testkit;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One connection of a {@link FeedWebSocketClient}: the JDK {@link WebSocket.Listener} that reassembles fragmented
 * text frames (the one place in the testkit that does), keeps demand at one frame while reading, and reports whole
 * frames, pings and the end of the connection (once) to its client.
 *
 * <p>Threading: the JDK calls a listener's methods one at a time for a connection, so {@link #partial} needs no
 * lock; {@link #reading} and {@link #socket} are read by the client's threads too and are volatile.
 */
final class ClientConnection implements WebSocket.Listener {

    /** What a connection reports to its client; called on the JDK's WebSocket thread, one call at a time. */
    interface Events {
        /** The handshake is done; false tells the connection to go away (it was replaced meanwhile). */
        boolean opened(ClientConnection c);

        /** One whole text frame. */
        void received(ClientConnection c, String text);

        /** A WebSocket ping arrived (the JDK answers it). */
        void pinged(ClientConnection c);

        /** The connection ended; reported once. */
        void ended(ClientConnection c, int code, String reason);
    }

    private final Events client;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Completes with the close code when the connection ends (1006 for a failure, -1 when it never opened). */
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    volatile boolean reading = true;
    volatile WebSocket socket;

    ClientConnection(Events client) {
        this.client = client;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        if (client.opened(this)) {
            webSocket.request(1);
        } else {
            webSocket.abort();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            client.received(this, text);
        }
        demand(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        // The protocol has no binary frames; keep reading so a stray one cannot stall the connection.
        demand(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        client.pinged(this);
        demand(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        demand(webSocket);
        return null;
    }

    /** Records the code; returning null lets the JDK answer the close handshake with the same code. */
    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(1006, String.valueOf(error));
    }

    /** Reports the end to the client once, whatever ended it first. */
    void end(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            client.ended(this, code, reason);
            closeCode.complete(code);
        }
    }

    boolean isEnded() {
        return ended.get();
    }

    /** Asks for one more frame, unless the test stopped reading. */
    void resume() {
        WebSocket s = socket;
        if (s != null) {
            s.request(1);
        }
    }

    private void demand(WebSocket webSocket) {
        if (reading) {
            webSocket.request(1);
        }
    }
}
