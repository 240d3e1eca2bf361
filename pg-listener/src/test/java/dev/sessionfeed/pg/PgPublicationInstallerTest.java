package dev.sessionfeed.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgPublicationInstaller.State;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publication installer against a real server: states, refusals, shipped SQL. */
@SessionFeedPostgres
class PgPublicationInstallerTest {

    private final TestDatabase db;

    PgPublicationInstallerTest(TestDatabase db) {
        this.db = db;
    }

    @AfterEach
    void dropPublications() {
        db.execute("DROP PUBLICATION IF EXISTS sessionfeed_sessions");
        db.execute("DROP PUBLICATION IF EXISTS other_pub");
        db.execute("DROP TABLE IF EXISTS no_key_sessions");
    }

    private State check(PgPublicationInstaller installer) throws Exception {
        try (Connection c = db.connect()) {
            return installer.check(c);
        }
    }

    @Test
    void installCreatesAPublicationOfTheTableAndIsIdempotent() throws Exception {
        PgPublicationInstaller installer = PgPublicationInstaller.defaults();
        assertThat(check(installer)).isEqualTo(State.PUBLICATION_MISSING);
        installer.install(db.dataSource());
        installer.install(db.dataSource());
        assertThat(check(installer)).isEqualTo(State.CURRENT);
        assertThat(db.queryForLong("SELECT count(*) FROM pg_publication_tables WHERE pubname = 'sessionfeed_sessions'"
                + " AND tablename = 'chat_sessions'")).isEqualTo(1);
        installer.uninstall(db.dataSource());
        assertThat(check(installer)).isEqualTo(State.PUBLICATION_MISSING);
    }

    @Test
    void reportsATableMissingFromThePublicationAndMissingOperationsAndAddsTheTable() throws Exception {
        db.execute("CREATE TABLE IF NOT EXISTS no_key_sessions (session_id text)");
        PgPublicationInstaller other = PgPublicationInstaller.builder().publication("other_pub").build();
        db.execute("CREATE PUBLICATION other_pub FOR TABLE no_key_sessions");
        assertThat(check(other)).isEqualTo(State.TABLE_NOT_PUBLISHED);
        assertThat(other.describe(State.TABLE_NOT_PUBLISHED)).contains("ALTER PUBLICATION \"other_pub\" ADD TABLE \"chat_sessions\"");
        db.execute("ALTER PUBLICATION other_pub DROP TABLE no_key_sessions");
        other.install(db.dataSource());
        assertThat(check(other)).isEqualTo(State.CURRENT);
        db.execute("ALTER PUBLICATION other_pub SET (publish = 'insert, update')");
        assertThat(check(other)).isEqualTo(State.OPERATIONS_MISSING);
    }

    @Test
    void refusesATableWithoutAReplicaIdentityBecausePublishingItWouldBreakTheHostsWrites() throws Exception {
        db.execute("CREATE TABLE IF NOT EXISTS no_key_sessions (session_id text, status text)");
        PgPublicationInstaller installer = PgPublicationInstaller.builder()
                .table(SessionTable.builder().table("no_key_sessions").build()).build();
        assertThat(check(installer)).isEqualTo(State.REPLICA_IDENTITY_UNUSABLE);
        assertThatThrownBy(() -> installer.install(db.dataSource())).isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("REPLICA IDENTITY FULL").hasMessageContaining("primary key");
        assertThat(db.queryForLong("SELECT count(*) FROM pg_publication WHERE pubname = 'sessionfeed_sessions'")).isZero();
        db.execute("ALTER TABLE no_key_sessions REPLICA IDENTITY FULL");
        assertThat(check(installer)).isEqualTo(State.PUBLICATION_MISSING);
    }

    @Test
    void shippedScriptsEqualTheGeneratedSqlAndInstallLikeTheInstaller() throws Exception {
        PgPublicationInstaller installer = PgPublicationInstaller.defaults();
        assertThat(read(PgPublicationInstaller.RESOURCE_INSTALL)).isEqualTo(installer.installScript());
        assertThat(read(PgPublicationInstaller.RESOURCE_UNINSTALL)).isEqualTo(installer.uninstallScript());
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(read(PgPublicationInstaller.RESOURCE_INSTALL));
            st.execute(read(PgPublicationInstaller.RESOURCE_INSTALL));
        }
        assertThat(check(installer)).isEqualTo(State.CURRENT);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute(read(PgPublicationInstaller.RESOURCE_UNINSTALL));
        }
        assertThat(check(installer)).isEqualTo(State.PUBLICATION_MISSING);
    }

    @Test
    void rejectsAnInvalidPublicationNameNamingTheProperty() {
        assertThatThrownBy(() -> PgPublicationInstaller.builder().publication("x; DROP TABLE y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publication");
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = PgPublicationInstaller.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
