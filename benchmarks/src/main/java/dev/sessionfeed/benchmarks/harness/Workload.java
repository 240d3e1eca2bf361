package dev.sessionfeed.benchmarks.harness;

import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The data and the writes the scenarios share.
 *
 * <p>Sessions are seeded as {@code s000001 ...}, all in the default scope. A write sets one session's
 * {@code message_count} to a new, globally increasing write number and touches {@code updated_at}; the clients see
 * the write number in {@code messageCount} and look up when that write was meant to start. Writes go round-robin
 * over the sessions so that one session is not written twice within a block (no write hides another).
 *
 * <p>Thread-safe.
 */
public final class Workload {

    /** Most writes one run can make. */
    public static final int MAX_WRITES = 4_000_000;

    private static final String UPDATE = StatementStats.WRITER
            + " UPDATE chat_sessions SET message_count = ?, updated_at = clock_timestamp() WHERE session_id = ?";

    private final AtomicLongArray intended = new AtomicLongArray(MAX_WRITES);
    private final AtomicInteger nextWrite = new AtomicInteger(1);
    private final AtomicReference<Latencies> sink = new AtomicReference<>(new Latencies());
    private final AtomicLong delivered = new AtomicLong();
    private final int sessions;

    /**
     * Creates a workload over {@code sessions} seeded sessions.
     *
     * @param sessions how many sessions writes rotate over
     */
    public Workload(int sessions) {
        this.sessions = sessions;
    }

    /**
     * Seeds {@code n} sessions (deleting what was there), with realistic field sizes.
     *
     * @param db the database
     * @param n  the number of sessions
     * @param subjectBytes length of each session's subject (pads a session to the wanted size)
     */
    public static void seed(TestDatabase db, int n, int subjectBytes) {
        db.executeScript(StatementStats.HARNESS + " DELETE FROM chat_sessions");
        db.execute(StatementStats.HARNESS + """
                 INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name, agent_id, agent_name,
                     subject, created_at, updated_at, first_response_at, message_count, last_message_at)
                 SELECT 's' || lpad(g::text, 6, '0'),
                        CASE WHEN g % 3 = 0 THEN 'waiting' ELSE 'active' END,
                        'visitor-' || g, 'Visitor ' || g,
                        CASE WHEN g % 3 = 0 THEN NULL ELSE 'agent-' || (g % 17) END,
                        CASE WHEN g % 3 = 0 THEN NULL ELSE 'Agent ' || (g % 17) END,
                        rpad('Question about order ' || g || ' ', ?, 'x'),
                        now() - make_interval(secs => g), now() - make_interval(secs => g),
                        CASE WHEN g % 3 = 0 THEN NULL ELSE now() - make_interval(secs => g) + interval '20 seconds' END,
                        0, now() - make_interval(secs => g)
                   FROM generate_series(1, ?) g
                """, subjectBytes, n);
        db.executeScript(StatementStats.HARNESS + " ANALYZE chat_sessions");
    }

    /**
     * The id of seeded session {@code i} (1-based).
     *
     * @param i the number
     * @return the id
     */
    public static String sessionId(int i) {
        return String.format("s%06d", i);
    }

    /** A writer: one connection in auto-commit mode. Not thread-safe; one per writer thread. */
    public final class Writer implements AutoCloseable {
        private final Connection connection;
        private final PreparedStatement update;

        Writer(TestDatabase db) throws SQLException {
            connection = db.connect();
            update = connection.prepareStatement(UPDATE);
        }

        /**
         * Makes the next write, intended to start at {@code intendedNanos}.
         *
         * @param intendedNanos when the write was meant to start
         * @return the write number
         * @throws SQLException when the update fails
         */
        public int write(long intendedNanos) throws SQLException {
            int w = nextWrite.getAndIncrement();
            return write(w, sessionId(1 + (w % sessions)), intendedNanos);
        }

        /**
         * Writes a given session.
         *
         * @param sessionId     the session
         * @param intendedNanos when the write was meant to start
         * @return the write number
         * @throws SQLException when the update fails
         */
        public int write(String sessionId, long intendedNanos) throws SQLException {
            return write(nextWrite.getAndIncrement(), sessionId, intendedNanos);
        }

        private int write(int w, String sessionId, long intendedNanos) throws SQLException {
            intended.set(w % MAX_WRITES, intendedNanos);
            update.setInt(1, w);
            update.setString(2, sessionId);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("session " + sessionId + " not found");
            }
            return w;
        }

        /** @return the JDBC connection (for custom statements) */
        public Connection connection() {
            return connection;
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * Opens a writer.
     *
     * @param db the database
     * @return the writer
     * @throws SQLException when connecting fails
     */
    public Writer writer(TestDatabase db) throws SQLException {
        return new Writer(db);
    }

    /**
     * Client callbacks that record delivery latency (arrival − intended start of the write whose number the
     * client sees) into the current sink.
     *
     * @return the events
     */
    public FeedClient.Events events() {
        return (client, id, count, nanos) -> {
            if (count <= 0 || count >= MAX_WRITES) {
                return;
            }
            long t = intended.get((int) count);
            if (t != 0) {
                sink.get().record(nanos - t);
                delivered.incrementAndGet();
            }
        };
    }

    /**
     * Starts recording into a fresh histogram.
     *
     * @return the new histogram
     */
    public Latencies newSink() {
        Latencies l = new Latencies();
        sink.set(l);
        return l;
    }

    /** @return deliveries recorded so far */
    public long delivered() {
        return delivered.get();
    }

    /**
     * The database's state as a client would hold it: messageCount by id for the sessions in scope.
     *
     * @param db the database
     * @return the state
     */
    public static Map<String, Long> dbState(TestDatabase db) {
        Map<String, Long> m = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(StatementStats.HARNESS
                + " SELECT session_id, message_count FROM chat_sessions WHERE status <> 'archived' "
                + "AND (ended_at IS NULL OR ended_at > now() - interval '24 hours')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                m.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the table: " + e.getMessage(), e);
        }
        return m;
    }
}
