package dev.sessionfeed.websocket;

import java.io.IOException;
import java.util.function.Consumer;

/** The sending side of one WebSocket connection, as {@link Connection} needs it (a seam for unit tests). */
interface Transport {

    /**
     * Starts sending a text frame; never called again before {@code done} ran.
     *
     * @param text the frame
     * @param done called once with null on success or the failure; may run on any thread, even inline
     */
    void sendText(String text, Consumer<Throwable> done);

    /**
     * Starts sending a binary frame (the UTF-8 JSON of a full state, to a client that asked for it); never called
     * while another send is in flight. Default: sends it as a text frame.
     *
     * @param data the frame's bytes (a duplicate of a shared buffer: read it, never change its content)
     * @param done called once with null on success or the failure; may run on any thread, even inline
     */
    default void sendBinary(java.nio.ByteBuffer data, Consumer<Throwable> done) {
        sendText(java.nio.charset.StandardCharsets.UTF_8.decode(data).toString(), done);
    }

    /**
     * Sends a WebSocket ping; only called while no text send is in flight.
     *
     * @throws IOException if the ping cannot be written
     */
    void sendPing() throws IOException;

    /**
     * Closes the connection; may block while the close frame is written.
     *
     * @param code   the close code
     * @param reason the close reason (short, client-visible)
     */
    void close(int code, String reason);

    /**
     * Closes a connection whose client stopped reading, so that it is gone within seconds: its close frame would
     * wait behind the unread frame until the container's own idle timeout (a minute or more), keeping the socket
     * and the frame's bytes. Default: {@link #close}.
     *
     * @param code   the close code
     * @param reason the close reason
     */
    default void abort(int code, String reason) {
        close(code, reason);
    }

    /**
     * Shrinks the container's timeouts for this connection so that it ends within seconds if the peer stops
     * answering, without sending anything. Default: nothing.
     */
    default void shortenTimeouts() {
    }

    /**
     * An id for logs.
     *
     * @return the container's session id
     */
    String id();
}
