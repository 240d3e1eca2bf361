package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The one place that reassembles fragmented text frames, driven with a stand-in for the JDK's socket. */
class ClientConnectionTest {

    private final List<String> events = new ArrayList<>();
    private final ClientConnection.Events sink = new ClientConnection.Events() {
        @Override
        public boolean opened(ClientConnection c) {
            events.add("open");
            return true;
        }

        @Override
        public void received(ClientConnection c, String text) {
            events.add("text:" + text);
        }

        @Override
        public void pinged(ClientConnection c) {
            events.add("ping");
        }

        @Override
        public void ended(ClientConnection c, int code, String reason) {
            events.add("end:" + code);
        }
    };
    private final Socket socket = new Socket();
    private final ClientConnection connection = new ClientConnection(sink);

    @Test
    void reassemblesFragmentsIntoOneFrameAndAsksForOneFrameAtATime() {
        connection.onOpen(socket);
        connection.onText(socket, "{\"type\":", false);
        connection.onText(socket, "\"pong\"", false);
        connection.onText(socket, "}", true);
        connection.onText(socket, "{}", true);
        connection.onPing(socket, ByteBuffer.allocate(0));

        assertThat(events).containsExactly("open", "text:{\"type\":\"pong\"}", "text:{}", "ping");
        assertThat(socket.requested).isEqualTo(1 + 3 + 1 + 1);
    }

    @Test
    void stopsAskingWhileNotReadingAndReportsTheEndOnce() {
        connection.onOpen(socket);
        connection.reading = false;
        connection.onText(socket, "{}", true);
        assertThat(socket.requested).isEqualTo(1);
        connection.reading = true;
        connection.resume();
        assertThat(socket.requested).isEqualTo(2);

        connection.onClose(socket, 1008, "slow");
        connection.onError(socket, new IllegalStateException("late"));

        assertThat(events).containsExactly("open", "text:{}", "end:1008");
        assertThat(connection.closeCode).isCompletedWithValue(1008);
        assertThat(connection.isEnded()).isTrue();
    }

    /** Counts demand; sends nothing. */
    private static final class Socket implements WebSocket {
        long requested;

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            return CompletableFuture.completedFuture(this);
        }

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return false;
        }

        @Override
        public boolean isInputClosed() {
            return false;
        }

        @Override
        public void abort() {
        }
    }
}
