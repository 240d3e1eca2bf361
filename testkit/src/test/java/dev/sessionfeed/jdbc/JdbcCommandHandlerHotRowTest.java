package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 #6: a session row locked elsewhere ({@code SELECT ... FOR UPDATE} in another transaction) must not take
 * every command worker, and a command on it must not hang. The pool of 8 threads stands for the WebSocket adapter's
 * 8 command workers (its default {@code workerThreads}).
 */
@SessionFeedPostgres
class JdbcCommandHandlerHotRowTest {

    private static final int WORKERS = 8;

    private final TestDatabase db;
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    private Connection locker;

    JdbcCommandHandlerHotRowTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void rows() {
        SessionFixtures.deleteAll(db);
        db.execute("DELETE FROM sessionfeed_commands");
        SessionFixtures.insertSession(db, "hot", "active");
        SessionFixtures.insertSession(db, "other", "active");
    }

    @AfterEach
    void release() throws Exception {
        unlock();
        workers.shutdownNow();
        assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    private void lockRow(String id) throws SQLException {
        locker = db.connect();
        locker.setAutoCommit(false);
        try (PreparedStatement ps = locker.prepareStatement("SELECT * FROM chat_sessions WHERE session_id = ? FOR UPDATE")) {
            ps.setString(1, id);
            ps.executeQuery().close();
        }
    }

    private void unlock() throws SQLException {
        if (locker != null) {
            locker.rollback();
            locker.close();
            locker = null;
        }
    }

    /** Backends of this database waiting for a lock (the commands stuck behind the locker). */
    private long lockWaiters() {
        return db.queryForLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock'");
    }

    private static SessionCommand end(String id, String sessionId) {
        return new SessionCommand(id, "end_session", sessionId, Map.of());
    }

    @Test
    void tenCommandsOnALockedRowLeaveTheOtherSessionsCommandsAnsweredPromptly() throws Exception {
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource()).build();
        lockRow("hot");
        List<Future<CommandResult>> hot = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = "hot-" + i;
            hot.add(workers.submit(() -> handler.handle(end(id, "hot"), "admin")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> lockWaiters() >= 1);

        long start = System.nanoTime();
        Future<CommandResult> other = workers.submit(() -> handler.handle(end("other-1", "other"), "admin"));
        CommandResult answer = other.get(2, TimeUnit.SECONDS);
        long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(answer).isEqualTo(new CommandResult("ended", "other", false));
        assertThat(answeredMs).as("ms until the other session's command was answered").isLessThan(1_000);

        // None of the ten hangs: all are refused as BUSY while the row is still locked (one after the 2 s lock
        // timeout, the others at once by the per-session cap), nothing changed, nothing recorded.
        List<CommandFailure> failures = new ArrayList<>();
        for (Future<CommandResult> f : hot) {
            failures.add(failureOf(f, Duration.ofSeconds(5)));
        }
        assertThat(failures).containsOnly(CommandFailure.BUSY).hasSize(10);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = 'hot' AND status = 'active'")).isEqualTo(1);
        assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands WHERE session_id = 'hot'")).isZero();
        System.out.printf("hot row: other session's command answered in %d ms while 10 commands targeted the locked row%n",
                answeredMs);

        // Once the row is free, a retry with the same id is applied.
        unlock();
        assertThat(handler.handle(end("hot-3", "hot"), "admin")).isEqualTo(new CommandResult("ended", "hot", false));
    }

    @Test
    void aCommandWaitsForALockedRowAtMostTheLockTimeout() throws Exception {
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource()).lockTimeout(Duration.ofMillis(300)).build();
        lockRow("hot");

        long start = System.nanoTime();
        Future<CommandResult> f = workers.submit(() -> handler.handle(end("lt-1", "hot"), "admin"));
        assertThat(failureOf(f, Duration.ofSeconds(5))).isEqualTo(CommandFailure.BUSY);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(waitedMs).isBetween(250L, 2_000L);
        assertThat(messageOf(f)).contains("'hot'", "locked by another transaction", "300 ms", "retry later with the same id");
        assertThat(db.queryForLong("SELECT count(*) FROM sessionfeed_commands")).isZero();
        System.out.printf("hot row: lockTimeout 300 ms -> BUSY after %d ms%n", waitedMs);
    }

    @Test
    void aStatementPastTheStatementTimeoutIsBusyToo() throws Exception {
        JdbcCommandHandler handler = JdbcCommandHandler.builder(db.dataSource())
                .lockTimeout(Duration.ofSeconds(30)).statementTimeout(Duration.ofMillis(300)).build();
        lockRow("hot");

        long start = System.nanoTime();
        Future<CommandResult> f = workers.submit(() -> handler.handle(end("st-1", "hot"), "admin"));
        assertThat(failureOf(f, Duration.ofSeconds(5))).isEqualTo(CommandFailure.BUSY);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(waitedMs).isBetween(250L, 2_000L);
        assertThat(messageOf(f)).contains("did not answer within 300 ms").doesNotContain("canceling statement");
        unlock();
        assertThat(handler.handle(end("st-1", "hot"), "admin").outcome()).isEqualTo("ended");
    }

    @Test
    void theTimeoutsEndWithTheCommandsTransaction() throws Exception {
        // One connection handed out again and again, as a pool does: the handler's SET LOCAL must not stay on it.
        try (Connection shared = db.connect()) {
            javax.sql.DataSource one = (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getConnection")) {
                            return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                                    new Class<?>[] {Connection.class}, (p, m, a) -> m.getName().equals("close") ? null
                                            : m.invoke(shared, a));
                        }
                        throw new UnsupportedOperationException(method.getName());
                    });
            JdbcCommandHandler handler = JdbcCommandHandler.builder(one).lockTimeout(Duration.ofMillis(1234)).build();
            String before = show(shared, "lock_timeout");
            assertThat(handler.handle(end("tx-1", "other"), "admin").outcome()).isEqualTo("ended");
            assertThat(show(shared, "lock_timeout")).isEqualTo(before);
            assertThat(show(shared, "statement_timeout")).isEqualTo("0");
            assertThat(shared.getAutoCommit()).isTrue();
        }
    }

    @Test
    void validatesTheTimeoutsAndTheCap() {
        JdbcCommandHandler.Builder b = JdbcCommandHandler.builder(db.dataSource());
        assertThatThrownBy(() -> b.lockTimeout(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lockTimeout").hasMessageContaining("5ms");
        assertThatThrownBy(() -> b.statementTimeout(Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("statementTimeout");
        assertThatThrownBy(() -> b.lockTimeout(null)).isInstanceOf(NullPointerException.class).hasMessage("lockTimeout");
        assertThatThrownBy(() -> b.maxCommandsPerSession(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCommandsPerSession").hasMessageContaining("0");
        assertThat(JdbcCommandHandler.builder(db.dataSource()).build().toString())
                .contains("lockTimeout=2000ms", "statementTimeout=5000ms", "maxCommandsPerSession=1");
    }

    private static String show(Connection c, String setting) throws SQLException {
        try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String messageOf(Future<CommandResult> done) throws InterruptedException {
        try {
            done.get();
            throw new AssertionError("expected a refusal");
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    private static CommandFailure failureOf(Future<CommandResult> f, Duration within) throws Exception {
        try {
            CommandResult r = f.get(within.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a refusal, got " + r);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(CommandException.class);
            return ((CommandException) e.getCause()).failure();
        }
    }
}
