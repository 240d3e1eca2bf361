package dev.sessionfeed.websocket;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The endpoint's open connections, revocation, and whether the endpoint is closing. Thread-safe (a concurrent
 * set; iteration is weakly consistent: a connection opened during a broadcast may or may not get it, and then
 * catches up through the gap check).
 */
final class ConnectionRegistry {

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Adds a connection; closes it with 1001 at once if the endpoint is closing. */
    void add(Connection c) {
        connections.add(c);
        if (closed.get()) {
            c.close(1001, "endpoint closed");
        }
    }

    void remove(Connection c) {
        connections.remove(c);
    }

    void forEach(Consumer<Connection> action) {
        connections.forEach(action);
    }

    /** @return the number of open connections, not counting those being closed */
    int openCount() {
        int n = 0;
        for (Connection c : connections) {
            if (!c.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Closes the connections of every identity the predicate matches with 1008.
     *
     * @return how many connections were closed
     */
    int revoke(Predicate<AdminIdentity> which) {
        int n = 0;
        for (Connection c : List.copyOf(connections)) {
            if (which.test(c.identity())) {
                Audit.revoked(c.identity().name(), c.id());
                c.close(1008, "revoked");
                n++;
            }
        }
        return n;
    }

    /** @return whether {@link #markClosed} ran: the endpoint is closing */
    boolean isClosed() {
        return closed.get();
    }

    /**
     * Marks the endpoint closing: connections added from now on are closed at once.
     *
     * @return false if it was already closing
     */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    /** Closes every connection. */
    void closeAll(int code, String reason) {
        for (Connection c : List.copyOf(connections)) {
            c.close(code, reason);
        }
    }
}
