package dev.sessionfeed.websocket;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The endpoint's connections (open, and closed until the container reports them gone), the connection limits,
 * revocation, and whether the endpoint is closing. Thread-safe: a concurrent set (iteration is weakly consistent:
 * a connection opened during a broadcast may or may not get it, and then catches up through the gap check); the
 * limit counts are guarded by {@code this}, held only to count.
 */
final class ConnectionRegistry {

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int maxTotal;
    private final int maxPerAdmin;
    // Guarded by this.
    private final Map<String, Integer> perAdmin = new HashMap<>();
    private int total;

    ConnectionRegistry(int maxTotal, int maxPerAdmin) {
        this.maxTotal = maxTotal;
        this.maxPerAdmin = maxPerAdmin;
    }

    /**
     * Adds a connection within the limits; closes it with 1001 at once if the endpoint is closing.
     *
     * @return null if added, else the limit that refused it ({@code maxConnections}, {@code maxConnectionsPerAdmin})
     */
    String add(Connection c) {
        String name = c.identity().name();
        synchronized (this) {
            if (total >= maxTotal) {
                return "maxConnections";
            }
            int mine = perAdmin.getOrDefault(name, 0);
            if (mine >= maxPerAdmin) {
                return "maxConnectionsPerAdmin";
            }
            total++;
            perAdmin.put(name, mine + 1);
        }
        connections.add(c);
        if (closed.get()) {
            c.close(1001, "endpoint closed");
        }
        return null;
    }

    void remove(Connection c) {
        if (connections.remove(c)) {
            String name = c.identity().name();
            synchronized (this) {
                total--;
                perAdmin.computeIfPresent(name, (k, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    void forEach(Consumer<Connection> action) {
        connections.forEach(action);
    }

    /** @return the number of connections held, those being closed (until the container reports them closed) included */
    int size() {
        return connections.size();
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
