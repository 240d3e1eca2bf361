package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.testkit.RecordingChangeListener;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.slf4j.LoggerFactory;

/**
 * What a transaction-mode pooler does to LISTEN: statements run on whichever server connection is free, so LISTEN
 * and the probe's NOTIFY land on one server session while the client reads notifications from another. Modelled
 * with two real pgjdbc connections: statements go to one, notifications are read from the other.
 */
@SessionFeedPostgres
class ListenUnavailableTest {

    @Test
    void saysClearlyThatListenCannotWorkAndStaysOnPolling(TestDatabase db) {
        AtomicInteger connects = new AtomicInteger();
        DataSource pooler = new TransactionPoolerLike(db.dataSource(), connects);
        Logger log = (Logger) LoggerFactory.getLogger("dev.sessionfeed.pg.PgNotifyChangeSource");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        RecordingChangeListener listener = new RecordingChangeListener();
        try (PgNotifyChangeSource source = PgNotifyChangeSource.builder(pooler)
                .probeDeadline(Duration.ofMillis(500))
                .unavailableRetryInterval(Duration.ofMillis(300))
                .build()) {
            source.start(listener);
            await().atMost(Duration.ofSeconds(20)).until(() -> connects.get() >= 3 && source.status() == FeedStatus.DEGRADED);
            assertThat(source.statusReason()).contains("probe notification").contains("pooler").contains("polling fallback active");
            assertThat(listener.statuses()).doesNotContain(FeedStatus.LIVE);
            assertThat(listener.resyncs()).doesNotContain("listener connected");
            assertThat(source.stats().reconnects()).isZero();
            // One clear ERROR, not one per attempt.
            assertThat(appender.list.stream().filter(e -> e.getLevel() == Level.ERROR)).hasSize(1)
                    .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains("LISTEN/NOTIFY cannot work").contains("Staying on the polling fallback"));
            // The fallback keeps the state right meanwhile.
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('seen-by-polling')");
            await().atMost(Duration.ofSeconds(20)).until(() -> listener.resyncs().contains("polling detected a change"));
        } finally {
            log.detachAppender(appender);
        }
    }

    /** Hands out connections whose statements run on one server session and whose notifications come from another. */
    private static final class TransactionPoolerLike implements DataSource {
        private final DataSource real;
        private final AtomicInteger connects;

        TransactionPoolerLike(DataSource real, AtomicInteger connects) {
            this.real = real;
            this.connects = connects;
        }

        @Override
        public Connection getConnection() throws SQLException {
            Connection reader = real.getConnection();
            Connection statements = real.getConnection();
            InvocationHandler h = (proxy, method, args) -> {
                try {
                    switch (method.getName()) {
                        case "unwrap":
                            if (args[0] == PGConnection.class) {
                                connects.incrementAndGet();
                            }
                            return args[0] == PGConnection.class ? reader.unwrap(PGConnection.class) : method.invoke(statements, args);
                        case "close":
                        case "abort":
                            method.invoke(reader, args);
                            return method.invoke(statements, args);
                        default:
                            return method.invoke(statements, args);
                    }
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class}, h);
        }

        @Override
        public Connection getConnection(String user, String password) {
            throw new UnsupportedOperationException();
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
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
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
