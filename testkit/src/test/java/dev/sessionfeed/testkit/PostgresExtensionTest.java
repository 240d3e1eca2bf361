package dev.sessionfeed.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.SessionFeedException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class PostgresExtensionTest {

    private static TestDatabase fromBeforeAll;

    @BeforeAll
    static void capture(TestDatabase db) {
        fromBeforeAll = db;
    }

    @Test
    void givesEveryTestOfAClassTheSameFreshDatabaseWithTheSchema(TestDatabase db) {
        assertThat(db.databaseName()).isEqualTo(fromBeforeAll.databaseName()).startsWith("sf_postgresextensiontest_");
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions")).isZero();
        assertThat(db.queryForLong("SELECT current_setting('server_version_num')::int / 10000")).isGreaterThanOrEqualTo(15);
    }

    @Test
    void executesStatementsWithBoundParameters(TestDatabase db) {
        int n = db.execute("INSERT INTO chat_sessions (session_id, status) VALUES (?, ?)", "p-1", "waiting");
        assertThat(n).isEqualTo(1);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions WHERE session_id = ?", "p-1")).isEqualTo(1);
    }

    @Test
    void reportsAFailingStatementWithTheSql(TestDatabase db) {
        assertThatThrownBy(() -> db.execute("SELECT * FROM no_such_table"))
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("no_such_table");
    }

    @Test
    void restartsAnEmbeddedServerOnTheSamePortWithItsData() {
        try (PostgresServer server = PostgresServer.embedded(Map.of())) {
            TestDatabase db = server.createDatabase("restart");
            db.executeScript("CREATE TABLE t (x int); INSERT INTO t VALUES (42)");
            int port = server.port();
            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThatThrownBy(db::connect).isInstanceOf(SessionFeedException.class);
            server.start();
            assertThat(server.port()).isEqualTo(port);
            assertThat(db.queryForLong("SELECT x FROM t")).isEqualTo(42);
        }
    }

    @Test
    void rejectsAnUnknownServerKind() {
        String old = System.getProperty("sessionfeed.test.postgres");
        System.setProperty("sessionfeed.test.postgres", "oracle");
        try {
            assertThatThrownBy(PostgresServer::fromEnvironment)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sessionfeed.test.postgres").hasMessageContaining("oracle");
        } finally {
            if (old == null) {
                System.clearProperty("sessionfeed.test.postgres");
            } else {
                System.setProperty("sessionfeed.test.postgres", old);
            }
        }
    }
}
