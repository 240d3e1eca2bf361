package dev.sessionfeed.examples;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A deadline for reading request headers (Jetty has a per-read idle timeout, which a client that sends one byte now
 * and then never trips: a slowloris). Added to a connector as a bean, it checks every HTTP connection each
 * {@code timeout}: when in that time no request's headers were completed ({@link Connection#getMessagesIn()} did not
 * move), no request is waiting for its response, and nothing was written, the connection is closed. So a request's
 * headers must arrive within one to two timeouts of the connection opening or of the previous request, and an idle
 * keep-alive connection is closed after as long (browsers open a new one). A connection that was upgraded (the
 * WebSocket) is left to the WebSocket's own timeouts; a response still being written is left alone.
 *
 * <p>Thread-safe: the checks run on Jetty's scheduler and read only the connection's own counters.
 */
final class HeaderDeadline implements Connection.Listener {

    private final Scheduler scheduler;
    private final long timeoutNanos;
    private final LongAdder closed = new LongAdder();

    HeaderDeadline(Scheduler scheduler, Duration timeout) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void onOpened(Connection connection) {
        schedule(connection, connection.getMessagesIn(), connection.getBytesOut());
    }

    /** @return how many connections were closed for sending their headers too slowly (or idling) */
    long closedConnections() {
        return closed.sum();
    }

    private void schedule(Connection connection, long requests, long bytesOut) {
        scheduler.schedule(() -> check(connection, requests, bytesOut), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void check(Connection connection, long requests, long bytesOut) {
        EndPoint endPoint = connection.getEndPoint();
        if (!endPoint.isOpen() || endPoint.getConnection() != connection) {
            return; // closed, or upgraded to another protocol (the WebSocket)
        }
        long nowRequests = connection.getMessagesIn();
        long nowBytesOut = connection.getBytesOut();
        boolean waitingForResponse = connection.getMessagesOut() < nowRequests;
        if (nowRequests == requests && nowBytesOut == bytesOut && !waitingForResponse) {
            closed.increment();
            endPoint.close();
            return;
        }
        schedule(connection, nowRequests, nowBytesOut);
    }
}
