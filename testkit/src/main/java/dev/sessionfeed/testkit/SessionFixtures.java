package dev.sessionfeed.testkit;

import dev.sessionfeed.SessionFeedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Sample chat sessions for tests, written to the default schema ({@code chat_sessions}, see
 * {@code sessionfeed/schema.sql}) with realistic values: statuses, visitors, agents, subjects, message counts and
 * timestamps consistent with the status (an ended session has an {@code ended_at}, an active one a first
 * response, and so on).
 *
 * <p>Every write sets {@code updated_at = now()}, as an application (and polling's change detection) expects.
 * Timestamps are relative to the database's {@code now()}, so they are consistent with the scope and metrics
 * queries. Stateless and thread-safe; every method opens its own connection through {@link TestDatabase}.
 */
public final class SessionFixtures {

    /** The statuses of the default schema. */
    public static final List<String> STATUSES = List.of("waiting", "active", "ended", "archived");

    private static final String[] VISITORS = {"Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Dennis", "Frances"};
    private static final String[] AGENTS = {"Alice", "Bob", "Carol", "Dave", "Erin"};
    private static final String[] SUBJECTS = {
        "Cannot log in", "Invoice question", "Shipping delay", "Refund request", "Password reset",
        "Upgrade my plan", "Bug in the mobile app", "Café crème ☕ — ünïcödé subject",
    };

    private SessionFixtures() {
    }

    /**
     * Inserts a session created {@code age} ago with plausible values for its status: {@code waiting} has no
     * agent; {@code active} has an agent and a first response; {@code ended}/{@code archived} also an
     * {@code ended_at} (half of the age after creation). The visitor, agent and subject derive from the id, so
     * a test can predict them.
     *
     * @param db     the database
     * @param id     the session id
     * @param status the status (any text; the four default ones get matching timestamps)
     * @param age    how long ago the session was created
     */
    public static void insertSession(TestDatabase db, String id, String status, Duration age) {
        db.execute(INSERT_SQL, insertParameters(id, status, age));
    }

    private static final String INSERT_SQL = "INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name,"
            + " agent_id, agent_name, subject, created_at, updated_at, ended_at, first_response_at, message_count,"
            + " last_message_at, archived_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?,"
            + " now() - (? * INTERVAL '1 microsecond'), now(),"
            + " CASE WHEN ? THEN now() - (? * INTERVAL '1 microsecond') / 2 END,"
            + " CASE WHEN ? THEN now() - (? * INTERVAL '1 microsecond') * 3 / 4 END,"
            + " ?, CASE WHEN ? > 0 THEN now() - (? * INTERVAL '1 microsecond') / 2 END,"
            + " CASE WHEN ? = 'archived' THEN now() END)";

    private static Object[] insertParameters(String id, String status, Duration age) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(age, "age");
        int h = Math.floorMod(id.hashCode(), 1 << 30);
        boolean hasAgent = !status.equals("waiting");
        boolean ended = status.equals("ended") || status.equals("archived");
        long ageMicros = age.toNanos() / 1000;
        return new Object[] {
            id, status, "visitor-" + (h % 1000), VISITORS[h % VISITORS.length],
            hasAgent ? "agent-" + (h % AGENTS.length) : null, hasAgent ? AGENTS[h % AGENTS.length] : null,
            SUBJECTS[h % SUBJECTS.length],
            ageMicros, ended, ageMicros, hasAgent, ageMicros,
            hasAgent ? 1 + h % 40 : 0, hasAgent ? 1 : 0, ageMicros, status,
        };
    }

    /**
     * Inserts a session created five minutes ago; see {@link #insertSession(TestDatabase, String, String, Duration)}.
     *
     * @param db     the database
     * @param id     the session id
     * @param status the status
     */
    public static void insertSession(TestDatabase db, String id, String status) {
        insertSession(db, id, status, Duration.ofMinutes(5));
    }

    /**
     * Inserts {@code n} sessions with ids {@code prefix-0 .. prefix-(n-1)}, random statuses (mostly waiting and
     * active, some ended, a few archived) and ages between a minute and two days.
     *
     * @param db     the database
     * @param prefix the id prefix
     * @param n      how many
     * @param random the source of randomness (seed it for reproducible tests)
     * @return the ids inserted
     */
    public static List<String> seed(TestDatabase db, String prefix, int n, Random random) {
        List<String> ids = new ArrayList<>(n);
        // One transaction and one batch: seeding hundreds of rows must not cost hundreds of connections.
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(INSERT_SQL)) {
            c.setAutoCommit(false);
            for (int i = 0; i < n; i++) {
                String id = prefix + "-" + i;
                Object[] params = insertParameters(id, randomStatus(random), Duration.ofSeconds(60 + random.nextInt(48 * 3600)));
                for (int p = 0; p < params.length; p++) {
                    ps.setObject(p + 1, params[p]);
                }
                ps.addBatch();
                ids.add(id);
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            throw new SessionFeedException("seeding " + n + " sessions into " + db.databaseName() + " failed: " + e.getMessage(), e);
        }
        return ids;
    }

    /**
     * Inserts {@code n} sessions with ids {@code s-0 ..}; see {@link #seed(TestDatabase, String, int, Random)}.
     *
     * @param db     the database
     * @param n      how many
     * @param random the source of randomness
     * @return the ids inserted
     */
    public static List<String> seed(TestDatabase db, int n, Random random) {
        return seed(db, "s", n, random);
    }

    /**
     * A random status: 40 % waiting, 35 % active, 20 % ended, 5 % archived.
     *
     * @param random the source of randomness
     * @return the status
     */
    public static String randomStatus(Random random) {
        int r = random.nextInt(100);
        return r < 40 ? "waiting" : r < 75 ? "active" : r < 95 ? "ended" : "archived";
    }

    /**
     * Changes a session's status the way an application would: {@code active} assigns an agent and a first
     * response if missing, {@code ended} sets {@code ended_at}, {@code archived} sets {@code archived_at}; back to {@code waiting}
     * or {@code active} clears both (a reopened session).
     *
     * @param db     the database
     * @param id     the session id
     * @param status the new status
     * @return the number of rows changed (0 when the session does not exist)
     */
    public static int updateStatus(TestDatabase db, String id, String status) {
        return db.execute("UPDATE chat_sessions SET status = ?, updated_at = now(),"
                        + " agent_id = CASE WHEN ? <> 'waiting' THEN coalesce(agent_id, 'agent-0') ELSE agent_id END,"
                        + " agent_name = CASE WHEN ? <> 'waiting' THEN coalesce(agent_name, 'Alice') ELSE agent_name END,"
                        + " first_response_at = CASE WHEN ? <> 'waiting' THEN coalesce(first_response_at, now()) ELSE first_response_at END,"
                        + " ended_at = CASE WHEN ? IN ('ended', 'archived') THEN coalesce(ended_at, now()) END,"
                        + " archived_at = CASE WHEN ? = 'archived' THEN coalesce(archived_at, now()) END"
                        + " WHERE session_id = ?",
                status, status, status, status, status, status, id);
    }

    /**
     * Records a new message in a session: {@code message_count + 1}, {@code last_message_at = now()}.
     *
     * @param db the database
     * @param id the session id
     * @return the number of rows changed
     */
    public static int addMessage(TestDatabase db, String id) {
        return db.execute("UPDATE chat_sessions SET message_count = message_count + 1, last_message_at = now(),"
                + " updated_at = now() WHERE session_id = ?", id);
    }

    /**
     * Deletes a session.
     *
     * @param db the database
     * @param id the session id
     * @return the number of rows deleted
     */
    public static int deleteSession(TestDatabase db, String id) {
        return db.execute("DELETE FROM chat_sessions WHERE session_id = ?", id);
    }

    /**
     * Deletes every session.
     *
     * @param db the database
     */
    public static void deleteAll(TestDatabase db) {
        db.execute("DELETE FROM chat_sessions");
    }

    /**
     * Makes one random change, as a busy chat would: a new session, a message, a status change or a delete.
     * {@code ids} is updated with inserted and deleted ids.
     *
     * @param db     the database
     * @param ids    the ids that exist (read and updated)
     * @param random the source of randomness
     * @param prefix the prefix for new ids
     * @return a short description of the change, for test output
     */
    public static String randomChange(TestDatabase db, List<String> ids, Random random, String prefix) {
        int r = random.nextInt(100);
        if (ids.isEmpty() || r < 25) {
            String id = prefix + "-" + random.nextInt(Integer.MAX_VALUE);
            String status = randomStatus(random);
            insertSession(db, id, status, Duration.ofSeconds(1 + random.nextInt(7200)));
            ids.add(id);
            return "insert " + id + " " + status;
        }
        String id = ids.get(random.nextInt(ids.size()));
        if (r < 55) {
            addMessage(db, id);
            return "message " + id;
        }
        if (r < 90) {
            String status = randomStatus(random);
            updateStatus(db, id, status);
            return "status " + id + " " + status;
        }
        deleteSession(db, id);
        ids.remove(id);
        return "delete " + id;
    }
}
