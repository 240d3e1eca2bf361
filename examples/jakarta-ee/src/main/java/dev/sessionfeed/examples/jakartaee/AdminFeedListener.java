package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.SessionFeedServletListener;
import dev.sessionfeed.websocket.WebSocketOptions;
import jakarta.annotation.Resource;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.annotation.WebListener;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts SessionFeed when the WAR is deployed and stops all of it when the WAR is undeployed.
 *
 * <p>The server finds this listener by its annotation, injects its pooled {@code DataSource} (the resource
 * reference {@value #DATA_SOURCE}: WildFly maps it in {@code WEB-INF/jboss-web.xml}, Payara finds a JDBC resource
 * of that name), and {@link SessionFeedServletListener} registers the endpoint at {@value #PATH} with the
 * container's {@code ServerContainer} and maps the handshake filter to it. Admins come from the server's security
 * ({@link RealmAuthenticator}); reads and commands go through the server's pool; changes arrive by LISTEN on one
 * dedicated, unpooled connection when {@code sessionfeed.listen.jdbcUrl} is set ({@link FeedSettings}), otherwise
 * by polling the pool.
 *
 * <p>On undeploy it closes the endpoint (every dashboard gets 1001), then the feed and its change source, which
 * join their threads and close the LISTEN connection, and deregisters the PostgreSQL driver this WAR brought, so
 * that nothing of the old deployment stays reachable from the server's {@code DriverManager}.
 */
@WebListener
public class AdminFeedListener extends SessionFeedServletListener {

    /** The resource reference of the server's pool ({@code java:comp/env/jdbc/sessionfeed}). */
    static final String DATA_SOURCE = "jdbc/sessionfeed";
    /** Where the endpoint is registered, relative to the WAR's context path. */
    static final String PATH = "/ws/admin/chat";

    private static final Logger log = LoggerFactory.getLogger(AdminFeedListener.class);

    @Resource(name = DATA_SOURCE)
    private DataSource dataSource;

    private volatile SessionFeed feed;

    /** For the server. */
    public AdminFeedListener() {
    }

    @Override
    protected SessionFeedEndpoint createEndpoint(ServletContext context) {
        if (dataSource == null) {
            throw new IllegalStateException("no DataSource was injected for the resource reference " + DATA_SOURCE
                    + " (see docs/jakarta-ee.md for the server's datasource)");
        }
        FeedSettings settings = FeedSettings.fromSystem();
        SessionFeed f = SessionFeed.builder(JdbcSnapshotBuilder.builder(dataSource).build(), changeSource(settings)).build();
        SessionFeedEndpoint endpoint;
        try {
            endpoint = SessionFeedEndpoint.create(f, WebSocketOptions.builder(new RealmAuthenticator())
                    .allowedOrigins(settings.allowedOrigins())
                    .commandHandler(JdbcCommandHandler.builder(dataSource).build())
                    .build());
            f.start();
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        feed = f;
        log.info("SessionFeed started in {}: change source {}, {} allowed origin(s), epoch {}",
                context.getContextPath().isEmpty() ? "/" : context.getContextPath(),
                settings.listenUrl().isPresent() ? "LISTEN" : "polling", settings.allowedOrigins().size(), f.epoch());
        return endpoint;
    }

    private SessionChangeSource changeSource(FeedSettings settings) {
        if (settings.listenUrl().isEmpty()) {
            return PollingChangeSource.builder(dataSource).build();
        }
        PgTriggerInstaller.defaults().install(dataSource); // idempotent
        return PgNotifyChangeSource.builder(settings.listenUrl().get(), settings.listenUser(), settings.listenPassword())
                // While LISTEN is down, poll through the server's pool rather than opening connections of our own.
                .fallback(PollingChangeSource.builder(dataSource).build())
                .build();
    }

    @Override
    protected String path() {
        return PATH;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        try {
            super.contextDestroyed(event);
        } finally {
            SessionFeed f = feed;
            feed = null;
            if (f != null) {
                f.close();
            }
            BundledDrivers.deregister(AdminFeedListener.class.getClassLoader());
            log.info("SessionFeed stopped in {}", event.getServletContext().getContextPath());
        }
    }
}
