package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.testkit.TestDatabase;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The floor under the logical source: a single-row UPDATE on a published table without trigger, and the time until
 * a bare pgjdbc replication stream ({@code pgoutput}, temporary slot, a thread looping {@code readPending()}) has the
 * Update message. Nothing of SessionFeed is involved. The k-th Update message received belongs to the k-th write
 * (one writer, one row per transaction, and only this probe writes the table), so no decoding is needed.
 *
 * <p>Not thread-safe: one writer thread drives it; the stream runs on its own thread.
 */
final class ReplicationFloorProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationFloorProbe.class);
    private static final int ROWS = 100;
    private static final int MAX_WRITES = 2_000_000;

    private final Connection writer;
    private final Connection replication;
    private final PreparedStatement update;
    private final PGReplicationStream stream;
    private final AtomicLongArray intended = new AtomicLongArray(MAX_WRITES);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;
    private volatile Latencies delivery = new Latencies();
    private volatile int received;
    private int next;

    ReplicationFloorProbe(TestDatabase db) throws SQLException {
        db.executeScript("""
                CREATE TABLE IF NOT EXISTS floor_logical (LIKE chat_sessions INCLUDING ALL);
                TRUNCATE floor_logical;
                INSERT INTO floor_logical (session_id, status) SELECT 'f' || g, 'active' FROM generate_series(0, 99) g;
                DROP PUBLICATION IF EXISTS bench_floor_logical;
                CREATE PUBLICATION bench_floor_logical FOR TABLE floor_logical;
                """);
        writer = db.connect();
        try (Statement st = writer.createStatement()) {
            st.execute("SET synchronous_commit = on");
        }
        update = writer.prepareStatement("UPDATE floor_logical SET message_count = ?, updated_at = now() WHERE session_id = ?");
        Properties p = new Properties();
        PGProperty.USER.set(p, db.user());
        PGProperty.PASSWORD.set(p, db.password());
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        replication = DriverManager.getConnection(db.jdbcUrl(), p);
        PGConnection pg = replication.unwrap(PGConnection.class);
        String slot = "bench_floor_" + Long.toHexString(System.nanoTime());
        pg.getReplicationAPI().createReplicationSlot().logical().withSlotName(slot).withOutputPlugin("pgoutput")
                .withTemporaryOption().make();
        stream = pg.getReplicationAPI().replicationStream().logical().withSlotName(slot)
                .withSlotOption("proto_version", 1).withSlotOption("publication_names", "bench_floor_logical")
                .withStatusInterval(10, TimeUnit.SECONDS).start();
        reader = new Thread(this::read, "bench-floor-replication");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        while (!closed.get()) {
            try {
                ByteBuffer b = stream.readPending();
                if (b == null) {
                    continue;
                }
                long now = System.nanoTime();
                if (b.get(b.position()) == 'U') {
                    int i = received++;
                    long t = intended.get(i % MAX_WRITES);
                    if (t != 0) {
                        delivery.record(now - t);
                    }
                }
                stream.setFlushedLSN(stream.getLastReceiveLSN());
                stream.setAppliedLSN(stream.getLastReceiveLSN());
            } catch (SQLException e) {
                if (!closed.get()) {
                    LOG.error("floor replication stream failed", e);
                }
                return;
            }
        }
    }

    /**
     * Runs one block of writes and waits for their Update messages.
     *
     * @return {@code commit} and {@code delivery}
     */
    java.util.Map<String, Latencies> block(double rate, int count, boolean record) throws Exception {
        Latencies commit = new Latencies();
        Latencies del = new Latencies();
        delivery = record ? del : new Latencies();
        int target = next + count;
        OpenLoop.run(rate, count, (i, start) -> {
            int id = next++;
            intended.set(id % MAX_WRITES, start);
            update.setInt(1, id % MAX_WRITES);
            update.setString(2, "f" + (id % ROWS));
            update.executeUpdate();
            if (record) {
                commit.recordSince(start);
            }
        });
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (received < target && System.nanoTime() < deadline) {
            OpenLoop.parkUntil(System.nanoTime() + 1_000_000);
        }
        return java.util.Map.of("commit", commit, "delivery", del);
    }

    @Override
    public void close() {
        closed.set(true);
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable c : new AutoCloseable[] {stream::close, replication, writer}) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing the floor probe", e);
            }
        }
    }
}
