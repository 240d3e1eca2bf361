package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgTriggerInstaller.InstallState;
import dev.sessionfeed.pg.PgTriggerInstaller.Mode;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class PgTriggerInstallerTest {

    private static final String OWN_TRIGGERS = "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'chat_sessions'::regclass AND tgname LIKE 'sessionfeed%'";
    private static final String OWN_FUNCTIONS = "SELECT count(*) FROM pg_proc WHERE proname LIKE 'sessionfeed%'";

    private final TestDatabase db;

    PgTriggerInstallerTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    @AfterEach
    void clean() {
        PgTriggerInstaller.defaults().uninstall(db.dataSource());
        db.execute("DELETE FROM chat_sessions");
    }

    @Test
    void installIsIdempotentAndCheckReportsCurrent() {
        PgTriggerInstaller installer = PgTriggerInstaller.defaults();
        assertThat(installer.check(db.dataSource())).isEqualTo(InstallState.ABSENT);
        installer.install(db.dataSource());
        installer.install(db.dataSource());
        assertThat(db.queryForLong(OWN_TRIGGERS)).isEqualTo(2);
        assertThat(db.queryForLong(OWN_FUNCTIONS)).isEqualTo(1);
        assertThat(installer.check(db.dataSource())).isEqualTo(InstallState.CURRENT);
    }

    @Test
    void checkReportsOutdatedForAnotherChannelOrMode() {
        PgTriggerInstaller.defaults().install(db.dataSource());
        assertThat(PgTriggerInstaller.builder().channel("other_channel").build().check(db.dataSource())).isEqualTo(InstallState.OUTDATED);
        assertThat(PgTriggerInstaller.builder().mode(Mode.STATEMENT).build().check(db.dataSource())).isEqualTo(InstallState.OUTDATED);
        assertThat(PgTriggerInstaller.builder().touchUpdatedAt(true).build().check(db.dataSource())).isEqualTo(InstallState.OUTDATED);
        db.execute("DROP TRIGGER sessionfeed_notify_truncate ON chat_sessions");
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.OUTDATED);
    }

    @Test
    void switchingModesReplacesTheTriggers() {
        PgTriggerInstaller.defaults().install(db.dataSource());
        PgTriggerInstaller statement = PgTriggerInstaller.builder().mode(Mode.STATEMENT).build();
        statement.install(db.dataSource());
        assertThat(db.queryForLong(OWN_TRIGGERS)).isEqualTo(4);
        assertThat(statement.check(db.dataSource())).isEqualTo(InstallState.CURRENT);
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.OUTDATED);
    }

    @Test
    void uninstallLeavesNothingBehind() {
        PgTriggerInstaller.builder().touchUpdatedAt(true).build().install(db.dataSource());
        assertThat(db.queryForLong(OWN_TRIGGERS)).isEqualTo(3);
        assertThat(db.queryForLong(OWN_FUNCTIONS)).isEqualTo(2);
        PgTriggerInstaller.defaults().uninstall(db.dataSource());
        PgTriggerInstaller.defaults().uninstall(db.dataSource());
        assertThat(db.queryForLong(OWN_TRIGGERS)).isZero();
        assertThat(db.queryForLong(OWN_FUNCTIONS)).isZero();
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.ABSENT);
    }

    @Test
    void rowTriggerSendsActionAndIdPerRow() throws Exception {
        PgTriggerInstaller.defaults().install(db.dataSource());
        try (RawListener l = new RawListener(db.connect(), "chat_session_change")) {
            db.execute("INSERT INTO chat_sessions (session_id, status) VALUES ('r-1', 'waiting')");
            db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'r-1'");
            db.execute("UPDATE chat_sessions SET session_id = 'r-2' WHERE session_id = 'r-1'");
            db.execute("DELETE FROM chat_sessions WHERE session_id = 'r-2'");
            db.execute("TRUNCATE chat_sessions");
            await().atMost(Duration.ofSeconds(10)).until(() -> l.payloads().size() >= 6);
            assertThat(l.payloads()).containsExactly(
                    "{\"action\" : \"INSERT\", \"session_id\" : \"r-1\"}",
                    "{\"action\" : \"UPDATE\", \"session_id\" : \"r-1\"}",
                    "{\"action\" : \"DELETE\", \"session_id\" : \"r-1\"}",
                    "{\"action\" : \"UPDATE\", \"session_id\" : \"r-2\"}",
                    "{\"action\" : \"DELETE\", \"session_id\" : \"r-2\"}",
                    "{\"action\":\"TRUNCATE\"}");
        }
    }

    @Test
    void statementTriggerListsIdsAndFallsBackToResyncWhenTheyDoNotFit() throws Exception {
        PgTriggerInstaller.builder().mode(Mode.STATEMENT).build().install(db.dataSource());
        try (RawListener l = new RawListener(db.connect(), "chat_session_change")) {
            db.execute("INSERT INTO chat_sessions (session_id) VALUES ('s-1'), ('s-2')");
            db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 'nobody'");
            db.execute("DELETE FROM chat_sessions WHERE session_id = 's-2'");
            await().atMost(Duration.ofSeconds(10)).until(() -> l.payloads().size() >= 2);
            assertThat(l.payloads()).containsExactly(
                    "{\"action\" : \"INSERT\", \"ids\" : [\"s-1\", \"s-2\"]}",
                    "{\"action\" : \"DELETE\", \"ids\" : [\"s-2\"]}");
            l.clear();
            // 400 ids of 40 characters do not fit in 7900 bytes.
            db.execute("INSERT INTO chat_sessions (session_id) SELECT 'bulk-' || lpad(g::text, 35, '0') FROM generate_series(1, 400) g");
            db.execute("UPDATE chat_sessions SET status = 'active'");
            await().atMost(Duration.ofSeconds(10)).until(() -> l.payloads().size() >= 2);
            assertThat(l.payloads()).containsExactly("{\"action\":\"RESYNC\"}", "{\"action\":\"RESYNC\"}");
            assertThat(l.payloads()).allSatisfy(p -> assertThat(p.getBytes(StandardCharsets.UTF_8).length).isLessThan(8000));
        }
    }

    @Test
    void touchTriggerKeepsUpdatedAtCurrent() {
        PgTriggerInstaller.builder().touchUpdatedAt(true).build().install(db.dataSource());
        db.execute("INSERT INTO chat_sessions (session_id, updated_at) VALUES ('t-1', ?)", Timestamp.valueOf("2000-01-01 00:00:00"));
        db.execute("UPDATE chat_sessions SET status = 'active' WHERE session_id = 't-1'");
        assertThat(db.queryForLong("SELECT extract(year FROM updated_at)::bigint FROM chat_sessions WHERE session_id = 't-1'"))
                .isGreaterThan(2000);
    }

    @Test
    void quotesMixedCaseAndDollarIdentifiers() throws Exception {
        db.executeScript("CREATE SCHEMA \"Tenant$1\"; CREATE TABLE \"Tenant$1\".\"Chat$Sessions\" (\"Id\" text PRIMARY KEY, \"State\" text NOT NULL)");
        SessionTable table = SessionTable.builder().schema("Tenant$1").table("Chat$Sessions")
                .column(SessionTable.Column.ID, "Id").column(SessionTable.Column.STATUS, "State").build();
        PgTriggerInstaller installer = PgTriggerInstaller.builder().table(table).channel("Tenant$Changes").mode(Mode.ROW).build();
        installer.install(db.dataSource());
        assertThat(installer.check(db.dataSource())).isEqualTo(InstallState.CURRENT);
        try (RawListener l = new RawListener(db.connect(), "Tenant$Changes")) {
            db.execute("INSERT INTO \"Tenant$1\".\"Chat$Sessions\" VALUES ('q-1', 'waiting')");
            await().atMost(Duration.ofSeconds(10)).until(() -> !l.payloads().isEmpty());
            assertThat(l.payloads()).containsExactly("{\"action\" : \"INSERT\", \"session_id\" : \"q-1\"}");
        }
        installer.uninstall(db.dataSource());
        assertThat(installer.check(db.dataSource())).isEqualTo(InstallState.ABSENT);
        assertThat(db.queryForLong("SELECT count(*) FROM pg_proc WHERE proname LIKE 'sessionfeed%'")).isZero();
    }

    @Test
    void rejectsHostileChannelAndFunctionNamesNamingPropertyAndValue() {
        assertThatThrownBy(() -> PgTriggerInstaller.builder().channel("x'); DROP TABLE chat_sessions; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel").hasMessageContaining("DROP TABLE chat_sessions");
        assertThatThrownBy(() -> SessionTable.builder().table("chat_sessions; DROP TABLE chat_sessions"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table").hasMessageContaining("DROP TABLE");
        assertThatThrownBy(() -> PgTriggerInstaller.builder().functionName("f\"(); --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("functionName");
        assertThatThrownBy(() -> PgTriggerInstaller.builder().table(SessionTable.builder().table("a".repeat(60)).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("functionName");
    }

    @Test
    void failedInstallChangesNothing() {
        SessionTable missing = SessionTable.builder().table("no_such_table").build();
        assertThatThrownBy(() -> PgTriggerInstaller.builder().table(missing).build().install(db.dataSource()))
                .hasMessageContaining("\"no_such_table\"");
        assertThat(db.queryForLong("SELECT count(*) FROM pg_proc WHERE proname = 'sessionfeed_notify_no_such_table'")).isZero();
    }

    @Test
    void shippedScriptsEqualTheGeneratedSql() throws IOException {
        java.util.Map<String, String> expected = java.util.Map.of(
                PgTriggerInstaller.RESOURCE_ROW, PgTriggerInstaller.defaults().installScript(),
                PgTriggerInstaller.MIGRATION_TRIGGER, PgTriggerInstaller.defaults().installScript(),
                PgTriggerInstaller.RESOURCE_STATEMENT, PgTriggerInstaller.builder().mode(Mode.STATEMENT).build().installScript(),
                PgTriggerInstaller.RESOURCE_TOUCH, PgTriggerInstaller.defaults().touchScript(),
                PgTriggerInstaller.RESOURCE_UNINSTALL, PgTriggerInstaller.defaults().uninstallScript());
        for (java.util.Map.Entry<String, String> e : expected.entrySet()) {
            writeIfDifferent(e.getKey(), e.getValue());
        }
        for (java.util.Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(read(e.getKey())).as(e.getKey() + " (regenerated copy in target/generated-sql)").isEqualTo(e.getValue());
        }
    }

    @Test
    void shippedScriptsInstallAndUninstallLikeTheInstaller() throws Exception {
        for (String resource : new String[] {PgTriggerInstaller.RESOURCE_STATEMENT, PgTriggerInstaller.RESOURCE_ROW}) {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute(read(resource));
            }
        }
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.CURRENT);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(read(PgTriggerInstaller.RESOURCE_TOUCH));
            st.execute(read(PgTriggerInstaller.RESOURCE_UNINSTALL));
        }
        assertThat(db.queryForLong(OWN_TRIGGERS)).isZero();
        assertThat(db.queryForLong(OWN_FUNCTIONS)).isZero();
    }

    private static void writeIfDifferent(String path, String generated) throws IOException {
        if (!generated.equals(read(path))) {
            // Makes regenerating easy: copy target/generated-sql/... over src/main/resources/...
            Path out = Path.of("target/generated-sql", path);
            Files.createDirectories(out.getParent());
            Files.writeString(out, generated);
        }
    }

    private static String read(String path) throws IOException {
        try (InputStream in = PgTriggerInstallerTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                return "<missing>";
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
