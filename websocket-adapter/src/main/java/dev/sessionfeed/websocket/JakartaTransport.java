package dev.sessionfeed.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@link Transport} over a Jakarta WebSocket {@link Session}: async text sends, pings, close, and an abort that
 * bounds how long a close may wait behind an unread frame. Thread-safe as far as the container's session is (the
 * {@link Connection} never sends concurrently).
 */
final class JakartaTransport implements Transport {

    /**
     * How long an aborted connection's close may wait behind an unread frame (container idle timeout, Tomcat's
     * blocking send timeout for the close frame).
     */
    static final long ABORT_MILLIS = 1_000;
    /** Tomcat's session property for the timeout of blocking sends, the close frame's included. */
    private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    private static final int IN_CALL = 0;
    private static final int RETURNED = 1;
    private static final int COMPLETED_IN_CALL = 2;

    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'s', 'f'}).asReadOnlyBuffer();

    private final Session session;

    JakartaTransport(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String text, Consumer<Throwable> done) {
        send(handler -> session.getAsyncRemote().sendText(text, handler), done);
    }

    /** Sends the shared buffer itself: Jetty, Tomcat and Undertow write it without a per-connection copy. */
    @Override
    public void sendBinary(ByteBuffer data, Consumer<Throwable> done) {
        send(handler -> session.getAsyncRemote().sendBinary(data, handler), done);
    }

    /**
     * Starts an asynchronous send and calls {@code done} once, never before the container's send method has
     * returned: Jetty 12 completes a send inside that method and only then resets its "message in progress" state,
     * so a next send started from the completion (the connection's pump does that) would be refused ("Cannot
     * start TEXT message when BINARY message is not complete yet"). A completion that comes while the call is still
     * running is therefore finished by the caller after it returns.
     */
    private static void send(Consumer<SendHandler> start, Consumer<Throwable> done) {
        AtomicInteger state = new AtomicInteger(IN_CALL);
        AtomicReference<Throwable> early = new AtomicReference<>();
        SendHandler handler = result -> {
            Throwable error = result.isOK() ? null : result.getException();
            if (state.get() == IN_CALL) {
                early.set(error);
                if (state.compareAndSet(IN_CALL, COMPLETED_IN_CALL)) {
                    return; // the caller calls done once the container's method has returned
                }
            }
            done.accept(error);
        };
        try {
            start.accept(handler);
        } catch (RuntimeException e) {
            // Some containers throw instead of reporting through the handler (for example on a closed session).
            if (state.compareAndSet(IN_CALL, RETURNED)) {
                done.accept(e);
            }
            return;
        }
        if (!state.compareAndSet(IN_CALL, RETURNED)) {
            done.accept(early.get());
        }
    }

    @Override
    public void sendPing() throws IOException {
        session.getAsyncRemote().sendPing(PING.duplicate());
    }

    @Override
    public void close(int code, String reason) {
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            }
        } catch (IOException | RuntimeException e) {
            // The peer may already be gone; the container cleans up either way.
            org.slf4j.LoggerFactory.getLogger(JakartaTransport.class)
                    .debug("close of websocket session {} failed: {}", session.getId(), e.toString());
        }
    }

    /**
     * Sets Tomcat's blocking send timeout (its close frame gives up and the socket is closed), closes, then shrinks
     * the session's idle timeout (Jetty, Undertow and Tyrus then end a connection whose writes make no progress), to
     * {@link #ABORT_MILLIS}.
     */
    @Override
    public void abort(int code, String reason) {
        // The close frame first, the idle timeout after: shrinking Jetty's idle timeout below the time a connection
        // has already been idle expires it at once, and Jetty then closes with 1001 (idle timeout) instead of the
        // code asked for (a revoked or expired admin's idle dashboard saw 1001 and reconnected). Tomcat's blocking
        // send timeout is a property read when its close frame is written, so it is set before.
        try {
            session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, ABORT_MILLIS);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JakartaTransport.class)
                    .debug("setting the send timeout of websocket session {} failed: {}", session.getId(), e.toString());
        }
        close(code, reason);
        shortenTimeouts();
    }

    @Override
    public void shortenTimeouts() {
        try {
            session.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, ABORT_MILLIS);
            session.setMaxIdleTimeout(ABORT_MILLIS);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(JakartaTransport.class)
                    .debug("shrinking the timeouts of websocket session {} failed: {}", session.getId(), e.toString());
        }
    }

    @Override
    public String id() {
        return session.getId();
    }
}
