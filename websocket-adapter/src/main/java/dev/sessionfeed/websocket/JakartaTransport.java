package dev.sessionfeed.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** {@link Transport} over a Jakarta WebSocket {@link Session}: async text sends, pings, close. */
final class JakartaTransport implements Transport {

    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'s', 'f'}).asReadOnlyBuffer();

    private final Session session;

    JakartaTransport(Session session) {
        this.session = session;
    }

    @Override
    public void sendText(String text, Consumer<Throwable> done) {
        try {
            session.getAsyncRemote().sendText(text, result -> done.accept(result.isOK() ? null : result.getException()));
        } catch (RuntimeException e) {
            // Some containers throw instead of reporting through the handler (for example on a closed session).
            done.accept(e);
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

    @Override
    public String id() {
        return session.getId();
    }
}
