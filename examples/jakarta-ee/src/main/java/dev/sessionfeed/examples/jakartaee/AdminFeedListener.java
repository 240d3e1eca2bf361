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
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
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
    private volatile PollingChangeSource fallback;

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
            if (fallback != null) {
                fallback.close();
            }
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
        // While LISTEN is down, poll through the server's pool rather than opening connections of our own. A fallback
        // we pass in is ours to close (the listener closes only the default one it builds itself): forgetting that
        // left one sessionfeed-poller thread, and with it this WAR's class loader, behind per redeploy.
        PollingChangeSource polling = PollingChangeSource.builder(dataSource).build();
        fallback = polling;
        return PgNotifyChangeSource.builder(settings.listenUrl().get(), settings.listenUser(), settings.listenPassword())
                .fallback(polling)
                .build();
    }

    /**
     * pgjdbc registers itself with the JVM-wide {@link DriverManager} when its class is first loaded; from
     * {@code WEB-INF/lib} that would keep the undeployed WAR's class loader (every class and static of it) for as
     * long as the server runs. Tomcat deregisters such drivers for its applications; WildFly and Payara do not.
     * Only drivers this WAR's class loader defined are touched, never the server's.
     */
    private static void deregisterBundledDrivers() {
        ClassLoader own = AdminFeedListener.class.getClassLoader();
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getClassLoader() == own) {
                try {
                    DriverManager.deregisterDriver(d);
                } catch (SQLException | SecurityException e) {
                    log.warn("cannot deregister the JDBC driver {} of this application: {}", d.getClass().getName(), e.toString());
                }
            }
        }
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
            PollingChangeSource p = fallback;
            fallback = null;
            if (p != null) {
                p.close();
            }
            deregisterBundledDrivers();
            log.info("SessionFeed stopped in {}", event.getServletContext().getContextPath());
        }
    }
}
