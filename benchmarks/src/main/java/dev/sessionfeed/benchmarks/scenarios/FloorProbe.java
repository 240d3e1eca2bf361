package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor under SessionFeed's latency, measured with nothing but PostgreSQL and pgjdbc:
 * <ul>
 *   <li>{@code commit}: a bare single-row UPDATE committed in auto-commit mode on a table without trigger;</li>
 *   <li>{@code notify}: the same UPDATE on a table whose row trigger calls {@code pg_notify}, and the time until
 *       a bare pgjdbc listener (a dedicated connection blocked in {@code getNotifications(timeout)}) has the
 *       notification.</li>
 * </ul>
 * Both are timed from the write's intended start (open loop).
 *
 * <p>Not thread-safe: one writer thread drives it; the listener runs on its own thread.
 */
final class FloorProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FloorProbe.class);
    private static final String CHANNEL = "bench_floor";
    private static final int ROWS = 100;
    private static final int MAX_WRITES = 2_000_000;

    private final TestDatabase db;
    private final Connection writer;
    private final Connection listenerConn;
    private final PreparedStatement plainUpdate;
    private final PreparedStatement notifyUpdate;
    private final AtomicLongArray intended = new AtomicLongArray(MAX_WRITES);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread listener;
    private volatile Latencies delivery = new Latencies();
    private int next;

    FloorProbe(TestDatabase db) throws SQLException {
        this.db = db;
        db.executeScript("""
                CREATE TABLE IF NOT EXISTS floor_plain (LIKE chat_sessions INCLUDING ALL);
                CREATE TABLE IF NOT EXISTS floor_notify (LIKE chat_sessions INCLUDING ALL);
                CREATE OR REPLACE FUNCTION bench_floor_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM pg_notify('bench_floor', NEW.message_count::text);
                  RETURN NULL;
                END $$;
                DROP TRIGGER IF EXISTS bench_floor_notify ON floor_notify;
                CREATE TRIGGER bench_floor_notify AFTER UPDATE ON floor_notify
                  FOR EACH ROW EXECUTE FUNCTION bench_floor_notify();
                TRUNCATE floor_plain, floor_notify;
                INSERT INTO floor_plain (session_id, status) SELECT 'f' || g, 'active' FROM generate_series(0, 99) g;
                INSERT INTO floor_notify (session_id, status) SELECT 'f' || g, 'active' FROM generate_series(0, 99) g;
                """);
        writer = db.connect();
        plainUpdate = writer.prepareStatement("UPDATE floor_plain SET message_count = ?, updated_at = now() WHERE session_id = ?");
        notifyUpdate = writer.prepareStatement("UPDATE floor_notify SET message_count = ?, updated_at = now() WHERE session_id = ?");
        listenerConn = db.connect();
        try (Statement st = listenerConn.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        }
        listener = new Thread(this::listen, "bench-floor-listener");
        listener.setDaemon(true);
        listener.start();
    }

    private void listen() {
        PGConnection pg;
        try {
            pg = listenerConn.unwrap(PGConnection.class);
        } catch (SQLException e) {
            LOG.error("floor listener cannot unwrap pgjdbc connection", e);
            return;
        }
        while (!closed.get()) {
            try {
                PGNotification[] ns = pg.getNotifications(250);
                if (ns == null) {
                    continue;
                }
                long now = System.nanoTime();
                for (PGNotification n : ns) {
                    int i = Integer.parseInt(n.getParameter());
                    long t = intended.get(i);
                    if (t != 0) {
                        delivery.record(now - t);
                    }
                }
            } catch (SQLException e) {
                if (!closed.get()) {
                    LOG.error("floor listener failed", e);
                }
                return;
            }
        }
    }

    /**
     * Runs one block of writes.
     *
     * @param notifyTable false: bare UPDATE without trigger; true: UPDATE with NOTIFY trigger (delivery measured)
     * @param rate        writes per second
     * @param count       number of writes
     * @param record      false for warm-up
     * @return {@code commit} and, for the notify table, {@code delivery} histograms
     * @throws Exception on failure
     */
    Map<String, Latencies> block(boolean notifyTable, double rate, int count, boolean record) throws Exception {
        Latencies commit = new Latencies();
        Latencies del = new Latencies();
        delivery = record ? del : new Latencies();
        PreparedStatement ps = notifyTable ? notifyUpdate : plainUpdate;
        OpenLoop.run(rate, count, (i, start) -> {
            int id = next++;
            intended.set(id % MAX_WRITES, start);
            ps.setInt(1, id % MAX_WRITES);
            ps.setString(2, "f" + (id % ROWS));
            ps.executeUpdate();
            if (record) {
                commit.recordSince(start);
            }
        });
        if (notifyTable) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (del.count() < (record ? count : 0) && System.nanoTime() < deadline) {
                OpenLoop.parkUntil(System.nanoTime() + 1_000_000);
            }
        }
        Map<String, Latencies> m = new LinkedHashMap<>();
        m.put("commit", commit);
        if (notifyTable) {
            m.put("delivery", del);
        }
        return m;
    }

    TestDatabase database() {
        return db;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            listener.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(writer);
        closeQuietly(listenerConn);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("closing a floor connection failed", e);
        }
    }
}
