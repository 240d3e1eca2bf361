package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import java.util.function.Supplier;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code /actuator/info}: {@code sessionfeed: {status, reason, epoch, seq, sessions, connections}}. Thread-safe. */
final class SessionFeedInfoContributor implements InfoContributor {

    private final SessionFeed feed;
    private final Supplier<SessionFeedEndpoint> endpoint;

    SessionFeedInfoContributor(SessionFeed feed, Supplier<SessionFeedEndpoint> endpoint) {
        this.feed = feed;
        this.endpoint = endpoint;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("sessionfeed", FeedFacts.of(feed, endpoint));
    }
}
