package dev.sessionfeed.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container-facing {@link Endpoint} of a {@link SessionFeedEndpoint}: one instance per connection, made by the
 * endpoint's configurator. Closes unauthenticated connections with 1008 before sending anything; otherwise hands
 * the session to the endpoint.
 *
 * <p>Not an API to call: it is public only because some containers (Jetty 12) refuse an endpoint class that is not
 * public. It cannot be constructed outside this package; its methods are called by the container only.
 */
public final class FeedEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(FeedEndpoint.class);

    /** The binary message buffer each session is given: binary frames are refused at their first fragment. */
    private static final int MAX_BINARY_BUFFER = 1024;

    private final Hub hub;
    private volatile Connection connection;

    FeedEndpoint(Hub hub) {
        this.hub = hub;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        Object auth = session.getUserProperties().get(FeedConfigurator.IDENTITY);
        if (auth == null) {
            auth = config.getUserProperties().get(FeedConfigurator.IDENTITY);
        }
        if (!(auth instanceof AdminIdentity)) {
            Audit.rejectedUnauthenticated(session.getId());
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "unauthorized"));
            } catch (IOException e) {
                log.debug("closing unauthenticated websocket session {} failed: {}", session.getId(), e.toString());
            }
            return;
        }
        session.setMaxTextMessageBufferSize(hub.options().maxFrameBytes());
        raiseContainerIdleTimeout(session, hub.options().idleTimeout().plus(hub.options().heartbeatInterval()).toMillis());
        Connection c = hub.open(new JakartaTransport(session), (AdminIdentity) auth);
        if (c == null) {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many connections"));
            } catch (IOException e) {
                log.debug("closing websocket session {} over the connection limit failed: {}", session.getId(), e.toString());
            }
            return;
        }
        connection = c;
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) c::onText);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong -> c.onPong());
        // The protocol has no binary client frames. A partial handler sees the first fragment without the container
        // buffering the message (a whole-message handler, or none, let containers accept and drop 64 MiB).
        session.setMaxBinaryMessageBufferSize(MAX_BINARY_BUFFER);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) -> c.onBinary());
        c.start();
    }

    /**
     * Makes sure the container's own idle timer cannot close a connection before the adapter's idle check would:
     * raises a container timeout shorter than {@code wantedMillis}, and leaves a longer one or none (0) alone —
     * the adapter closes idle connections itself, so no container timer is needed.
     *
     * <p>Never turn "none" into a timeout: Tyrus 2 re-arms its idle check on every send and receive with the
     * current timeout, so while that is 0 the check is scheduled to run at once. One that has started but not yet
     * read the timeout when this method sets it then sees a positive timeout and closes the brand-new session
     * "because of the idle timeout" (sent as 1000): an intermittent close of a just-opened connection.
     *
     * @param session      the new session
     * @param wantedMillis the shortest acceptable container idle timeout, in milliseconds
     */
    static void raiseContainerIdleTimeout(Session session, long wantedMillis) {
        long current = session.getMaxIdleTimeout();
        if (current > 0 && current < wantedMillis) {
            session.setMaxIdleTimeout(wantedMillis);
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        log.debug("websocket session {} closed: {}", session.getId(), closeReason);
        Connection c = connection;
        if (c != null) {
            c.onClosed();
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("websocket session {} error: {}", session.getId(), error.toString());
        Connection c = connection;
        if (c != null) {
            c.onTransportError();
        }
    }
}
