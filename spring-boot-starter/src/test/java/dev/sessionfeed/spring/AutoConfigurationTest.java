package dev.sessionfeed.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.testkit.ManualChangeSource;
import dev.sessionfeed.testkit.MapSnapshotBuilder;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/**
 * The auto-configuration's decisions, on a real database but without a web server: every bean of the
 * application wins, the endpoint is never open without an authenticator, and every property is checked with a
 * message that names it and its value.
 */
class AutoConfigurationTest {

    private static final TestDatabase db = PostgresServer.shared().createDatabase("autoconfig").installSchema();

    private static final AutoConfigurations STARTER = AutoConfigurations.of(
            SessionFeedAutoConfiguration.class, EndpointConfiguration.class, ActuatorConfiguration.class);

    private static String[] database() {
        return new String[] {"spring.datasource.url=" + db.jdbcUrl(), "spring.datasource.username=" + db.user(),
                "spring.datasource.password=" + db.password()};
    }

    private final ApplicationContextRunner plain = new ApplicationContextRunner()
            .withConfiguration(STARTER)
            .withBean(DataSource.class, db::dataSource)
            .withPropertyValues(database());

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(STARTER)
            .withBean(DataSource.class, db::dataSource)
            .withPropertyValues(database());

    @Test
    void buildsEverythingFromTheDataSource() {
        plain.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SnapshotBuilder.class)).isInstanceOf(JdbcSnapshotBuilder.class);
            assertThat(context.getBean(SessionChangeSource.class)).isInstanceOf(PgNotifyChangeSource.class);
            assertThat(context.getBean(CommandHandler.class)).isInstanceOf(JdbcCommandHandler.class);
            assertThat(context.getBean(SessionTable.class).table()).isEqualTo("chat_sessions");
            assertThat(context).hasSingleBean(SessionFeed.class).doesNotHaveBean(SessionFeedEndpoint.class);
        });
    }

    @Test
    void pollingSourceWhenAsked() {
        plain.withPropertyValues("sessionfeed.source=polling", "sessionfeed.polling.detection=updated-at").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SessionChangeSource.class)).isInstanceOf(PollingChangeSource.class);
        });
    }

    @Test
    void noCommandHandlerWhenCommandsAreDisabled() {
        plain.withPropertyValues("sessionfeed.commands.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(CommandHandler.class));
    }

    @Test
    void nothingWhenDisabled() {
        plain.withPropertyValues("sessionfeed.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(SessionFeed.class).doesNotHaveBean(SessionChangeSource.class));
    }

    @Test
    void theApplicationsPartsWin() {
        SessionTable table = SessionTable.builder().table("chat_sessions").build();
        MapSnapshotBuilder snapshots = new MapSnapshotBuilder();
        ManualChangeSource source = new ManualChangeSource();
        CommandHandler commands = new CommandHandler() {
            @Override
            public Set<String> actions() {
                return Set.of("end_session");
            }

            @Override
            public CommandResult handle(SessionCommand command, String actor) {
                return new CommandResult("mine", command.sessionId(), false);
            }
        };
        plain.withBean(SessionTable.class, () -> table)
                .withBean(SnapshotBuilder.class, () -> snapshots)
                .withBean(SessionChangeSource.class, () -> source)
                .withBean(CommandHandler.class, () -> commands)
                .run(context -> {
                    assertThat(context.getBean(SessionTable.class)).isSameAs(table);
                    assertThat(context.getBean(SnapshotBuilder.class)).isSameAs(snapshots);
                    assertThat(context.getBean(SessionChangeSource.class)).isSameAs(source);
                    assertThat(context.getBean(CommandHandler.class)).isSameAs(commands);
                    assertThat(snapshots.fullReads()).as("the feed read through the application's builder").isPositive();
                });
    }

    @Test
    void theApplicationsFeedWinsAndIsStartedWithTheContext() {
        MapSnapshotBuilder snapshots = new MapSnapshotBuilder();
        plain.withBean(SessionFeed.class, () -> SessionFeed.builder(snapshots, new ManualChangeSource()).build())
                .run(context -> {
                    assertThat(context).hasSingleBean(SessionFeed.class);
                    assertThat(snapshots.fullReads()).isPositive();
                });
    }

    @Test
    void theApplicationsAuthenticatorAndCustomizersWin() {
        AdminAuthenticator mine = handshake -> Optional.empty();
        AtomicInteger customized = new AtomicInteger();
        web.withBean(AdminAuthenticator.class, () -> mine)
                .withBean("first", WebSocketOptionsCustomizer.class, () -> options -> customized.incrementAndGet())
                .withBean("second", WebSocketOptionsCustomizer.class, () -> options -> options.commandRate(1, 1))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(AdminAuthenticator.class)).isSameAs(mine);
                    assertThat(context.getBean(SessionFeedEndpoint.class)).isNotNull();
                    assertThat(customized).hasValue(1);
                });
    }

    @Test
    void withSpringSecurityThePrincipalBecomesTheAdmin() {
        web.run(context -> assertThat(context.getBean(AdminAuthenticator.class)).isInstanceOf(SpringSecurityAuthenticator.class));
    }

    @Test
    void withoutSpringSecurityAndWithoutAnAuthenticatorTheApplicationDoesNotStart() {
        web.withClassLoader(new FilteredClassLoader("org.springframework.security")).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("never opens it to everyone")
                    .hasMessageContaining("spring-boot-starter-security")
                    .hasMessageContaining("dev.sessionfeed.websocket.AdminAuthenticator");
        });
    }

    @Test
    void withoutSpringSecurityTheApplicationsAuthenticatorOpensTheEndpoint() {
        web.withClassLoader(new FilteredClassLoader("org.springframework.security"))
                .withUserConfiguration(DocumentedBeans.class)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    AdminAuthenticator authenticator = context.getBean(AdminAuthenticator.class);
                    HandshakeInfo withCookie = new HandshakeInfo(null, Map.of("Cookie", List.of("ADMIN_SESSION=s3cr3t-session")), Map.of(), null);
                    assertThat(authenticator.authenticate(withCookie)).map(AdminIdentity::name).contains("ada");
                    assertThat(authenticator.authenticate(new HandshakeInfo(null, Map.of(), Map.of(), null))).isEmpty();
                    assertThat(context.getBean(SessionFeedEndpoint.class)).isNotNull();
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sessionfeed.websocket.max-connections=0                | sessionfeed.websocket.max-connections=0: ",
        "sessionfeed.websocket.heartbeat-interval=-5s           | sessionfeed.websocket.heartbeat-interval=PT-5S: ",
        "sessionfeed.websocket.max-connections-per-admin=-1     | sessionfeed.websocket.max-connections-per-admin=-1: ",
        "sessionfeed.path=ws/admin                              | sessionfeed.path=ws/admin: ",
        "sessionfeed.reconcile-interval=-1s                     | sessionfeed.reconcile-interval=PT-1S: ",
        "sessionfeed.table.name=chat sessions;drop              | sessionfeed.table.name=chat sessions;drop: ",
        "sessionfeed.listener.url=jdbc:h2:mem:x?password=secret | sessionfeed.listener.url=jdbc:h2:mem:x?...: ",
        "sessionfeed.allowed-origins=admin.example.com          | sessionfeed.allowed-origins=[admin.example.com]: ",
    })
    void aRefusedPropertyFailsTheStartNamingThePropertyAndTheValue(String property, String message) {
        web.withBean(AdminAuthenticator.class, () -> handshake -> Optional.empty())
                .withPropertyValues(property)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining(message.strip());
                    if (property.contains("secret")) {
                        java.io.StringWriter trace = new java.io.StringWriter();
                        context.getStartupFailure().printStackTrace(new java.io.PrintWriter(trace));
                        assertThat(trace.toString()).doesNotContain("secret");
                    }
                });
    }

    @Test
    void pollingIntervalIsChecked() {
        plain.withPropertyValues("sessionfeed.source=polling", "sessionfeed.polling.interval=1ms").run(context ->
                assertThat(context.getStartupFailure()).hasStackTraceContaining("sessionfeed.polling.interval=PT0.001S: "));
    }
}
