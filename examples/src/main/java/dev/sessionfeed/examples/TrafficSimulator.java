package dev.sessionfeed.examples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated chat traffic written straight to {@code chat_sessions}, the way the host application's own code
 * would: new visitors wait, agents pick them up, messages are exchanged, chats end, old ones get archived.
 * SessionFeed sees these writes only through the database (trigger or polling), like real traffic.
 *
 * <p>One named daemon thread; a failing write is logged (rate-limited) and the schedule goes on.
 * {@link #close()} is idempotent and joins the thread.
 */
final class TrafficSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrafficSimulator.class);

    private static final List<String> VISITORS = List.of("Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret",
            "Dennis", "Frances", "Alan", "Radia", "Guido", "Hedy", "Tim", "Katherine", "Edsger", "Sophie", "Bjarne",
            "Anita", "James", "Joan");
    private static final List<String> AGENTS = List.of("Maya", "Noah", "Priya", "Omar", "Lena", "Kenji");
    private static final List<String> SUBJECTS = List.of("Can't log in", "Refund for order", "Invoice address",
            "Shipping delay", "Upgrade my plan", "Password reset", "Bug in the app", "Cancel subscription",
            "Question about pricing", "Two-factor setup");

    private final DataSource dataSource;
    private final double ratePerSecond;
    private final int targetOpen;
    private final Random random;
    private final ScheduledExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong changes = new AtomicLong();
    private long lastWarnNanos;

    /**
     * @param dataSource    where to write
     * @param ratePerSecond changes per second (&gt; 0)
     * @param targetOpen    how many not-archived sessions to hover around
     * @param seed          random seed
     */
    TrafficSimulator(DataSource dataSource, double ratePerSecond, int targetOpen, long seed) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("ratePerSecond must be > 0, was " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
        this.targetOpen = Math.max(10, targetOpen);
        this.random = new Random(seed);
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sessionfeed-demo-simulator");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Inserts {@code n} sessions in mixed states (one transaction).
     *
     * @param dataSource where to write
     * @param n          how many
     * @param seed       random seed
     * @throws SQLException if the insert fails
     */
    static void seed(DataSource dataSource, int n, long seed) throws SQLException {
        Random r = new Random(seed);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name, agent_id, agent_name,
                        subject, created_at, updated_at, ended_at, first_response_at, message_count, last_message_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, now() - make_interval(secs => ?), now(),
                        CASE WHEN ? = 'ended' THEN now() - make_interval(secs => ?) END,
                        CASE WHEN ? <> 'waiting' THEN now() - make_interval(secs => ?) END,
                        ?, now() - make_interval(secs => ?))
                    ON CONFLICT (session_id) DO NOTHING""")) {
                for (int i = 0; i < n; i++) {
                    double p = r.nextDouble();
                    String status = p < 0.25 ? "waiting" : p < 0.75 ? "active" : "ended";
                    int age = 30 + r.nextInt(3 * 3600);
                    String visitor = pick(r, VISITORS);
                    String agent = status.equals("waiting") ? null : pick(r, AGENTS);
                    int idx = 1;
                    ps.setString(idx++, newId(r));
                    ps.setString(idx++, status);
                    ps.setString(idx++, "v-" + visitor.toLowerCase(java.util.Locale.ROOT) + "-" + r.nextInt(1000));
                    ps.setString(idx++, visitor);
                    ps.setString(idx++, agent == null ? null : "a-" + agent.toLowerCase(java.util.Locale.ROOT));
                    ps.setString(idx++, agent);
                    ps.setString(idx++, pick(r, SUBJECTS));
                    ps.setDouble(idx++, status.equals("waiting") ? r.nextInt(240) : age);
                    ps.setString(idx++, status);
                    ps.setDouble(idx++, r.nextInt(Math.max(1, age / 2)));
                    ps.setString(idx++, status);
                    ps.setDouble(idx++, Math.max(0, age - 15 - r.nextInt(120)));
                    ps.setInt(idx++, status.equals("waiting") ? 0 : 1 + r.nextInt(40));
                    ps.setDouble(idx, r.nextInt(Math.max(1, Math.min(age, 900))));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    /** Starts the schedule. */
    void start() {
        long periodMicros = Math.max(100, Math.round(1_000_000 / ratePerSecond));
        executor.scheduleAtFixedRate(this::tickSafely, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        log.info("Traffic simulator: {} changes/s", ratePerSecond);
    }

    /** @return how many changes were written */
    long changes() {
        return changes.get();
    }

    private void tickSafely() {
        try {
            tick();
            changes.incrementAndGet();
        } catch (Throwable t) {
            long now = System.nanoTime();
            if (now - lastWarnNanos > Duration.ofSeconds(10).toNanos()) {
                lastWarnNanos = now;
                log.warn("Simulated change failed (next warning in 10 s at the earliest): {}", t.toString());
            }
        }
    }

    private void tick() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            long waiting;
            long active;
            long ended;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FILTER (WHERE status = 'waiting'), "
                    + "count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'ended') FROM chat_sessions")) {
                rs.next();
                waiting = rs.getLong(1);
                active = rs.getLong(2);
                ended = rs.getLong(3);
            }
            // Hover around ~60 % running chats (waiting + active) and ~40 % recently ended ones.
            long running = waiting + active;
            long targetRunning = Math.max(6, targetOpen * 6L / 10);
            long targetEnded = Math.max(4, targetOpen - targetRunning);
            double p = random.nextDouble();
            if (p < 0.22 && running < targetRunning * 12 / 10) {
                insert(c);
            } else if (p < 0.38 && waiting > 1) {
                update(c, """
                        UPDATE chat_sessions SET status = 'active', agent_id = ?, agent_name = ?, first_response_at = now(),
                            message_count = message_count + 1, last_message_at = now(), updated_at = now()
                        WHERE session_id = (SELECT session_id FROM chat_sessions WHERE status = 'waiting'
                                            ORDER BY created_at LIMIT 1)""", true);
            } else if (p < 0.80 && active > 0) {
                update(c, """
                        UPDATE chat_sessions SET message_count = message_count + 1 + floor(random() * 3)::int,
                            last_message_at = now(), updated_at = now()
                        WHERE session_id = (SELECT session_id FROM chat_sessions WHERE status = 'active'
                                            ORDER BY random() LIMIT 1)""", false);
            } else if (p < 0.92 && active > 0 && running > targetRunning * 8 / 10) {
                update(c, """
                        UPDATE chat_sessions SET status = 'ended', ended_at = now(), updated_at = now()
                        WHERE session_id = (SELECT session_id FROM chat_sessions WHERE status = 'active'
                                            ORDER BY random() LIMIT 1)""", false);
            } else if (ended > targetEnded) {
                update(c, """
                        UPDATE chat_sessions SET status = 'archived', archived_at = now(), updated_at = now()
                        WHERE session_id = (SELECT session_id FROM chat_sessions WHERE status = 'ended'
                                            ORDER BY ended_at LIMIT 1)""", false);
            } else {
                insert(c);
            }
        }
    }

    private void insert(Connection c) throws SQLException {
        String visitor = pick(random, VISITORS);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name, subject)
                VALUES (?, 'waiting', ?, ?, ?)""")) {
            ps.setString(1, newId(random));
            ps.setString(2, "v-" + visitor.toLowerCase(java.util.Locale.ROOT) + "-" + random.nextInt(1000));
            ps.setString(3, visitor);
            ps.setString(4, pick(random, SUBJECTS));
            ps.executeUpdate();
        }
    }

    private void update(Connection c, String sql, boolean withAgent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (withAgent) {
                String agent = pick(random, AGENTS);
                ps.setString(1, "a-" + agent.toLowerCase(java.util.Locale.ROOT));
                ps.setString(2, agent);
            }
            ps.executeUpdate();
        }
    }

    private static String newId(Random r) {
        return "s-" + Long.toString(Math.abs(r.nextLong() % 2_176_782_336L), 36);
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    /** Stops the schedule and waits for a running change to finish. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Traffic simulator did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
