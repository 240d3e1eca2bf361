package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.SessionKey;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.pg.PgTriggerInstaller.InstallState;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import liquibase.command.CommandScope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

/**
 * The shipped migrations ({@code classpath:sessionfeed/migration/postgresql}, and the Liquibase changelog over the
 * same files) create what the feed needs: the sessions table, the commands table and the current NOTIFY trigger;
 * running them again changes nothing, and the idempotent installers agree with them.
 */
class MigrationsTest {

    private static void assertTheFeedFindsItsSchema(TestDatabase db) {
        assertThat(PgTriggerInstaller.defaults().check(db.dataSource())).isEqualTo(InstallState.CURRENT);
        assertThat(JdbcSnapshotBuilder.builder(db.dataSource()).build().verify().keyType()).contains(SessionKey.text());
        JdbcCommandHandler.builder(db.dataSource()).build().verify();
    }

    @Test
    void flywayRunsTheShippedMigrationsInItsOwnHistoryTable() {
        TestDatabase db = PostgresServer.shared().createDatabase("flyway");
        Flyway flyway = Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:sessionfeed/migration/postgresql").table("sessionfeed_schema_history").load();

        MigrateResult first = flyway.migrate();
        assertThat(first.migrationsExecuted).isEqualTo(3);
        assertThat(first.targetSchemaVersion).isEqualTo("3");
        assertTheFeedFindsItsSchema(db);

        assertThat(flyway.migrate().migrationsExecuted).isZero();
        // The installers for apps without a migration tool are idempotent over a migrated database too.
        PgTriggerInstaller.defaults().install(db.dataSource());
        JdbcCommandHandler.builder(db.dataSource()).build().installTable();
        assertTheFeedFindsItsSchema(db);
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
    }

    @Test
    void theFirstTwoMigrationsAreTheShippedSchemaSql() throws Exception {
        // The versioned files are frozen copies; schema.sql (for tests and the demo) must say the same.
        assertThat(statements("sessionfeed/migration/postgresql/V1__sessionfeed_chat_sessions.sql")
                + statements("sessionfeed/migration/postgresql/V2__sessionfeed_commands.sql"))
                .isEqualTo(statements("sessionfeed/schema.sql"));
    }

    private static String statements(String resource) throws java.io.IOException {
        try (java.io.InputStream in = MigrationsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("--")).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        }
    }

    @Test
    void liquibaseRunsTheShippedChangelog() throws Exception {
        TestDatabase db = PostgresServer.shared().createDatabase("liquibase");
        for (int run = 0; run < 2; run++) {
            try (Connection c = db.connect()) {
                Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
                new CommandScope("update")
                        .addArgumentValue("changelogFile", "sessionfeed/migration/liquibase/sessionfeed-changelog.xml")
                        .addArgumentValue("database", database)
                        .execute();
            }
        }
        assertThat(db.queryForLong("SELECT count(*) FROM databasechangelog WHERE author = 'sessionfeed'")).isEqualTo(3);
        assertTheFeedFindsItsSchema(db);
    }
}
