package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Issue 13: a snapshot builder whose connections take long to acquire (an unpooled DataSource: every change opens a
 * new PostgreSQL connection) logs exactly one warning that says so and advises a pool; a pooled one logs nothing.
 */
@SessionFeedPostgres
class SlowAcquireWarningTest {

    private final TestDatabase db;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(JdbcSnapshotBuilder.class);

    SlowAcquireWarningTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeAll
    static void schema(TestDatabase db) {
        db.installSchema();
    }

    @BeforeEach
    void capture() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    private List<String> warnings() {
        return List.copyOf(logs.list).stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
    }

    @Test
    void aDataSourceThatIsSlowToHandOutConnectionsGetsExactlyOneWarningWithAdvice() throws Exception {
        DataSource slow = new DelayedDataSource(db.dataSource(), Duration.ofMillis(20));
        try (SessionFeed feed = SessionFeed.builder(JdbcSnapshotBuilder.builder(slow).build(), new ManualChangeSource())
                .reconcileInterval(Duration.ZERO).build()) {
            feed.start();
            for (int i = 0; i < 8; i++) {
                feed.refresh(Set.of("s-" + i)).get(10, TimeUnit.SECONDS);
            }
        }

        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0))
                .contains("JdbcSnapshotBuilder of")
                .contains(DelayedDataSource.class.getName())
                .contains("unpooled")
                .contains("connection pool")
                .contains("logged once");
    }

    @Test
    void aPooledDataSourceGetsNoWarning() throws Exception {
        try (Connection shared = db.connect()) {
            JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(new OneConnectionPool(shared)).build();
            for (int i = 0; i < 10; i++) {
                builder.refresh(Set.of("s-" + i));
            }
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aSingleSlowAcquireIsNotEnough() throws Exception {
        try (Connection shared = db.connect()) {
            // A pool (fast) that pauses now and then (slow): never three slow acquires in a row.
            DelayedDataSource sometimes = new DelayedDataSource(new OneConnectionPool(shared), Duration.ofMillis(20));
            JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(sometimes).build();
            for (int i = 0; i < 6; i++) {
                sometimes.slow = i % 3 != 2; // slow, slow, fast, slow, slow, fast
                builder.refresh(Set.of());
            }
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aZeroThresholdTurnsTheCheckOff() throws Exception {
        try (Connection shared = db.connect()) {
            JdbcSnapshotBuilder builder = JdbcSnapshotBuilder.builder(
                    new DelayedDataSource(new OneConnectionPool(shared), Duration.ofMillis(20)))
                    .slowAcquireThreshold(Duration.ZERO).build();
            for (int i = 0; i < 5; i++) {
                builder.refresh(Set.of());
            }
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theThresholdIsValidated() {
        assertThatThrownBy(() -> JdbcSnapshotBuilder.builder(db.dataSource()).slowAcquireThreshold(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowAcquireThreshold")
                .hasMessageContaining("was");
        assertThatThrownBy(() -> JdbcSnapshotBuilder.builder(db.dataSource()).slowAcquireThreshold(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowAcquireThreshold");
        assertThatThrownBy(() -> JdbcSnapshotBuilder.builder(db.dataSource()).slowAcquireThreshold(null))
                .isInstanceOf(NullPointerException.class).hasMessage("slowAcquireThreshold");
    }

    /** Hands out the delegate's connections after a delay, as a DataSource that connects for every call does. */
    static final class DelayedDataSource extends ForwardingDataSource {
        private final Duration delay;
        volatile boolean slow = true;

        DelayedDataSource(DataSource delegate, Duration delay) {
            super(delegate);
            this.delay = delay;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (slow) {
                try {
                    // The fake's own cost of "connecting", not a wait of the test.
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted", e);
                }
            }
            return super.getConnection();
        }
    }

    /** A pool of one: hands out the same connection at once; closing a handed-out connection keeps it open. */
    static final class OneConnectionPool extends ForwardingDataSource {
        private final Connection shared;

        OneConnectionPool(Connection shared) {
            super(null);
            this.shared = shared;
        }

        @Override
        public Connection getConnection() {
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("close")) {
                            return null;
                        }
                        try {
                            return method.invoke(shared, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    /** A DataSource that forwards everything to a delegate. */
    abstract static class ForwardingDataSource implements DataSource {
        private final DataSource delegate;

        ForwardingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public java.util.logging.Logger getParentLogger() {
            return java.util.logging.Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
