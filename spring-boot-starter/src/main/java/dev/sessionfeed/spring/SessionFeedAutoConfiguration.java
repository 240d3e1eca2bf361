package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.SnapshotBuilder;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Auto-configures SessionFeed from the application's single {@link DataSource} and the {@code sessionfeed.*}
 * properties ({@link SessionFeedProperties}): a {@link SessionTable}, a {@link JdbcSnapshotBuilder}, the change
 * source ({@code sessionfeed.source}: a {@link PgNotifyChangeSource} on a dedicated connection built from the
 * DataSource's URL and credentials, or a {@link PollingChangeSource}), a {@link JdbcCommandHandler}, the
 * {@link SessionFeed}, and in a servlet web application the WebSocket endpoint at {@code sessionfeed.path}, its
 * handshake filter, and with Actuator a health indicator and an info contributor named {@code sessionfeed}.
 *
 * <p>Every bean backs off when the application declares its own of the same type
 * ({@code @ConditionalOnMissingBean}). The feed is started (and the trigger installed) by a
 * {@link org.springframework.context.SmartLifecycle} after every singleton exists, so after database initialization
 * ({@code spring.sql.init}, Flyway, Liquibase), and before the web server accepts connections; on shutdown clients
 * are closed with 1001 before the web server's graceful shutdown, and the feed is closed last. Exclude this class
 * ({@code @SpringBootApplication(exclude = SessionFeedAutoConfiguration.class)}) or set
 * {@code sessionfeed.enabled=false} to configure everything yourself.
 */
@AutoConfiguration(afterName = {
        // Boot 3.5 and Boot 4 names: only the one on the class path counts.
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
        "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
        "org.springframework.boot.autoconfigure.liquibase.LiquibaseAutoConfiguration",
        "org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration"})
@ConditionalOnClass({SessionFeed.class, PgNotifyChangeSource.class})
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(prefix = "sessionfeed", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SessionFeedProperties.class)
@Import(SecurityAuthenticatorConfiguration.class)
public class SessionFeedAutoConfiguration {

    /** Called by Spring. */
    public SessionFeedAutoConfiguration() {
    }

    /**
     * The sessions table from {@code sessionfeed.table.*}.
     *
     * @param properties the properties
     * @return the table
     */
    @Bean
    @ConditionalOnMissingBean
    public SessionTable sessionFeedTable(SessionFeedProperties properties) {
        SessionTable.Builder table = SessionTable.builder();
        PropertyChecks.apply("sessionfeed.table.name", properties.getTable().getName(), table::table);
        String schema = properties.getTable().getSchema();
        if (schema != null && !schema.isBlank()) {
            PropertyChecks.apply("sessionfeed.table.schema", schema, table::schema);
        }
        return table.build();
    }

    /**
     * Reads sessions and metrics through the application's DataSource.
     *
     * @param dataSource the application's DataSource
     * @param table      the table
     * @return the snapshot builder
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    public SnapshotBuilder sessionFeedSnapshotBuilder(DataSource dataSource, SessionTable table) {
        return JdbcSnapshotBuilder.builder(dataSource).table(table).build();
    }

    /**
     * The change source of {@code sessionfeed.source}.
     *
     * @param properties  the properties
     * @param environment for {@code spring.datasource.*}
     * @param dataSource  the application's DataSource (polling)
     * @param table       the table
     * @return the source; the feed closes it
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    public SessionChangeSource sessionFeedChangeSource(SessionFeedProperties properties, Environment environment,
                                                       DataSource dataSource, SessionTable table) {
        if (properties.getSource() == SessionFeedProperties.Source.POLLING) {
            PollingChangeSource.Builder polling = PollingChangeSource.builder(dataSource).table(table);
            PropertyChecks.apply("sessionfeed.polling.interval", properties.getPolling().getInterval(), polling::interval);
            if (properties.getPolling().getDetection() != null) {
                polling.detection(properties.getPolling().getDetection());
            }
            return polling.build();
        }
        ListenerConnection connection = ListenerConnection.resolve(properties.getListener(), environment);
        return PropertyChecks.build(connection.urlProperty(), connection.url(),
                url -> PgNotifyChangeSource.builder(url, connection.username(), connection.password()))
                .table(table)
                .build();
    }

    /**
     * Carries out {@code end_session} and {@code archive_session} (unless {@code sessionfeed.commands.enabled=false}).
     *
     * @param dataSource the application's DataSource
     * @param table      the table
     * @return the handler
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(DataSource.class)
    @ConditionalOnProperty(prefix = "sessionfeed.commands", name = "enabled", havingValue = "true", matchIfMissing = true)
    public CommandHandler sessionFeedCommandHandler(DataSource dataSource, SessionTable table) {
        return JdbcCommandHandler.builder(dataSource).table(table).build();
    }

    /**
     * The feed. Not started here: a lifecycle bean of the starter starts it with the context.
     *
     * @param snapshots  the snapshot builder
     * @param source     the change source
     * @param properties the properties
     * @return the feed, closed with the context
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean({SnapshotBuilder.class, SessionChangeSource.class})
    public SessionFeed sessionFeed(SnapshotBuilder snapshots, SessionChangeSource source, SessionFeedProperties properties) {
        SessionFeed.Builder feed = SessionFeed.builder(snapshots, source);
        PropertyChecks.apply("sessionfeed.reconcile-interval", properties.getReconcileInterval(), feed::reconcileInterval);
        return feed.build();
    }

    /**
     * Installs the trigger (source notify, unless {@code sessionfeed.install-trigger=false}) and starts the feed
     * when the context starts; closes it when the context stops.
     *
     * @param feed       the feed (yours or the starter's: the starter starts it either way)
     * @param properties the properties
     * @param dataSource the application's DataSource
     * @param table      the table
     * @return the lifecycle
     */
    @Bean
    @ConditionalOnBean(SessionFeed.class)
    @ConditionalOnSingleCandidate(DataSource.class)
    FeedLifecycle sessionFeedLifecycle(SessionFeed feed, SessionFeedProperties properties, DataSource dataSource,
                                       SessionTable table) {
        boolean install = properties.isInstallTrigger() && properties.getSource() == SessionFeedProperties.Source.NOTIFY;
        return new FeedLifecycle(feed, install ? () -> installTrigger(dataSource, table) : null);
    }

    private static void installTrigger(DataSource dataSource, SessionTable table) {
        try {
            PgTriggerInstaller.builder().table(table).build().install(dataSource);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot install SessionFeed's change trigger on " + table.qualifiedTable()
                    + " (create the table first, for example in a Flyway migration, or set sessionfeed.install-trigger=false "
                    + "and ship sessionfeed/pg/trigger-row.sql in your migrations): " + e.getMessage(), e);
        }
    }
}
