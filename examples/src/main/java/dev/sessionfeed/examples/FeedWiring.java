package dev.sessionfeed.examples;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.jdbc.JdbcCommandHandler;
import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.pg.PgLogicalChangeSource;
import dev.sessionfeed.pg.PgNotifyChangeSource;
import dev.sessionfeed.pg.PgPublicationInstaller;
import dev.sessionfeed.pg.PgTriggerInstaller;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a host application puts SessionFeed together: snapshot builder + change source → feed → endpoint.
 * This is the part of the demo to copy. Thread-safe; {@link #close()} is idempotent.
 */
final class FeedWiring implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FeedWiring.class);

    private final SessionFeed feed;
    private final SessionFeedEndpoint endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FeedWiring(SessionFeed feed, SessionFeedEndpoint endpoint) {
        this.feed = feed;
        this.endpoint = endpoint;
    }

    static FeedWiring start(DemoOptions options, DemoDatabase db, DemoAuth auth, List<String> allowedOrigins) {
        // 1. Where state comes from: one consistent read of the sessions in scope plus the metrics.
        //    verify() checks the table against the catalog now (any key type: text, uuid, bigint, integer), so a table
        //    that does not fit fails the start with its name, the column and the type, instead of every read.
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(db.dataSource()).build().verify();

        // 2. What tells the feed that something changed.
        SessionChangeSource source;
        if (options.source().equals("notify")) {
            PgTriggerInstaller.defaults().install(db.dataSource()); // idempotent
            // LISTEN on a dedicated connection; while it is down, a polling fallback keeps the feed right (degraded).
            source = PgNotifyChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                    .fallbackInterval(options.pollInterval())
                    .build();
        } else if (options.source().equals("logical")) {
            PgPublicationInstaller.defaults().install(db.dataSource()); // idempotent; no trigger
            // Rows straight from the WAL (a temporary slot per connection); polling fallback while the stream is down.
            source = PgLogicalChangeSource.builder(db.jdbcUrl(), db.user(), db.password())
                    .fallbackInterval(options.pollInterval())
                    .build();
        } else {
            source = PollingChangeSource.builder(db.dataSource()).interval(options.pollInterval()).build();
        }

        // 3. The feed engine.
        SessionFeed feed = SessionFeed.builder(snapshots, source).build();

        // 4. Who may connect and what they may do: the demo's tokens (header or query parameter) or a browser login
        //    (its cookie). A login's connections are named name#tag, so that its logout revokes exactly them.
        AdminAuthenticator authenticator = handshake -> auth.identify(
                        handshake.header("Authorization").orElse(null),
                        handshake.queryParameter("access_token").orElse(null),
                        handshake.cookies())
                .map(caller -> new AdminIdentity(caller.connectionName(), caller.identity().permissions()));
        // 5. What admins may do: end_session / archive_session as idempotent status updates (per command id).
        WebSocketOptions wsOptions = WebSocketOptions.builder(authenticator)
                .allowedOrigins(allowedOrigins)
                .commandHandler(JdbcCommandHandler.builder(db.dataSource()).build().verify())   // fails fast without its table
                .build();
        SessionFeedEndpoint endpoint = SessionFeedEndpoint.create(feed, wsOptions);
        feed.start();
        log.info("Feed started: source {}, {} sessions, epoch {}", options.source(), feed.current().sessions().size(), feed.epoch());
        return new FeedWiring(feed, endpoint);
    }

    SessionFeed feed() {
        return feed;
    }

    SessionFeedEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        endpoint.close();
        feed.close();
    }
}
