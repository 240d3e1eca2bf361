package dev.sessionfeed.spring;

import dev.sessionfeed.FeedStats;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** What the health indicator and the info contributor show of a feed and its endpoint: no I/O, no lock. */
final class FeedFacts {

    private FeedFacts() {
    }

    static Map<String, Object> of(SessionFeed feed, Supplier<SessionFeedEndpoint> endpoint) {
        FeedStats stats = feed.stats();
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("status", stats.status().wireName());
        facts.put("reason", feed.statusReason());
        facts.put("epoch", feed.epoch());
        facts.put("seq", stats.seq());
        facts.put("sessions", stats.sessions());
        SessionFeedEndpoint e = endpoint.get();
        if (e != null) {
            facts.put("connections", e.connectionCount());
        }
        return facts;
    }
}
