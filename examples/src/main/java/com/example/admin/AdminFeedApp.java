package com.example.admin;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.SessionFeedServlets;
import dev.sessionfeed.websocket.WebSocketOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.resource.ResourceFactory;

/** SessionFeed in an app with embedded Jetty 12: the README's quickstart, as a whole file. */
public final class AdminFeedApp {

    public static void main(String[] args) throws Exception {
        String jdbcUrl = env("JDBC_URL", "jdbc:postgresql://localhost:5432/postgres");
        String user = env("DB_USER", "postgres");
        String password = env("DB_PASSWORD", null);
        int port = Integer.parseInt(env("PORT", "8080"));
        String adminToken = env("ADMIN_TOKEN", "change-me");

        // Your pool (HikariCP here): the feed's reads and the commands use it.
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(user);
        pool.setPassword(password);

        // 1. Schema, idempotent: chat_sessions and sessionfeed_commands (skip what your migrations already create),
        //    then the trigger that notifies the feed. Migration tools: ship both scripts (README, "Schema").
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             InputStream schema = SessionFeed.class.getResourceAsStream("/sessionfeed/schema.sql")) {
            st.execute(new String(schema.readAllBytes(), StandardCharsets.UTF_8));
        }
        PgTriggerInstaller.defaults().install(pool);

        // 2. The feed: one consistent read of sessions + metrics, re-run when LISTEN/NOTIFY says something changed.
        SessionFeed feed = SessionFeed.builder(
                JdbcSnapshotBuilder.builder(pool).build(),
                PgNotifyChangeSource.builder(jdbcUrl, user, password).build()) // its own connection, outside the pool
            .build();

        // 3. Who is an admin. A browser cannot set headers on a WebSocket: accept what it can send, the client's
        //    token option (the access_token query parameter) or your login's cookie (here: the same token).
        AdminAuthenticator authenticator = handshake -> handshake.queryParameter("access_token")
                .or(() -> handshake.cookie("admin_token"))
                .filter(token -> MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                        adminToken.getBytes(StandardCharsets.UTF_8)))
                .map(token -> new AdminIdentity("admin", Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS)));
        SessionFeedEndpoint endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(authenticator)
                .allowedOrigins(env("ALLOWED_ORIGIN", "http://localhost:" + port))
                .commandHandler(JdbcCommandHandler.builder(pool).build()) // end_session, archive_session
                .build());
        feed.start();

        // 4. The container: your pages from src/main/resources/public/, the endpoint, and /sessionfeed/client.js.
        Server server = new Server(port);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResource(ResourceFactory.of(context).newClassLoaderResource("public/"));
        context.addServlet(DefaultServlet.class, "/");
        JakartaWebSocketServletContainerInitializer.configure(context,
                (servletContext, container) -> SessionFeedServlets.register(servletContext, endpoint, "/ws/admin/chat"));
        server.setHandler(context);
        server.start();
        System.out.println("Admin dashboard on http://localhost:" + port + "/?access_token=<ADMIN_TOKEN>");

        // 5. Shutdown (Ctrl-C): dashboards get 1001 and reconnect elsewhere, then the server, the feed, the pool.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            try {
                server.stop();
            } catch (Exception e) {
                System.err.println("Stopping Jetty failed: " + e);
            }
            feed.close();
            pool.close();
        }));
        server.join();
    }

    private static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }
}
