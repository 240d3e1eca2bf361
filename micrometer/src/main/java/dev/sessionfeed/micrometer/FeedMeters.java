package dev.sessionfeed.micrometer;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import io.micrometer.core.instrument.Tags;

/**
 * The meters of a {@link SessionFeed}, read from {@link SessionFeed#stats()} (names and meanings in the table of
 * {@code docs/micrometer.md}). Stateless.
 */
final class FeedMeters {

    private FeedMeters() {
    }

    static void bind(MeterSet m, SessionFeed feed) {
        m.counter("feed.signals", "Change signals the change source reported, before coalescing", "signals",
                feed, f -> f.stats().signalsReceived());
        m.counter("feed.resyncs", "Resyncs requested (each (re)connect of the source, requestResync)", "resyncs",
                feed, f -> f.stats().resyncsRequested());
        m.counter("feed.refreshes", "Calls of refresh(ids)", "refreshes", feed, f -> f.stats().refreshesRequested());
        m.counter("feed.rebuilds", "Completed rebuilds, by kind (full: all sessions read; by_id: changed sessions re-read)",
                "rebuilds", feed, f -> f.stats().rebuildsFull(), Tags.of("kind", "full"));
        m.counter("feed.rebuilds", "Completed rebuilds, by kind (full: all sessions read; by_id: changed sessions re-read)",
                "rebuilds", feed, f -> f.stats().rebuildsById(), Tags.of("kind", "by_id"));
        m.timer("feed.rebuild", "Time spent in completed rebuilds (database read, diff, publishing), by kind",
                feed, f -> f.stats().rebuildsFull(), f -> f.stats().rebuildFullNanos(), Tags.of("kind", "full"));
        m.timer("feed.rebuild", "Time spent in completed rebuilds (database read, diff, publishing), by kind",
                feed, f -> f.stats().rebuildsById(), f -> f.stats().rebuildByIdNanos(), Tags.of("kind", "by_id"));
        m.timer("feed.lag", "Change lag from a change signal's arrival (signal) or its transaction's commit (commit, "
                + "for sources that know it) until its delta was handed to every broadcaster",
                feed, f -> f.stats().signalsPublished(), f -> f.stats().signalLagNanos(), Tags.of("from", "signal"));
        m.timer("feed.lag", "Change lag from a change signal's arrival (signal) or its transaction's commit (commit, "
                + "for sources that know it) until its delta was handed to every broadcaster",
                feed, f -> f.stats().signalsWithCommitTime(), f -> f.stats().commitLagNanos(), Tags.of("from", "commit"));
        m.counter("feed.rebuild.failures", "Rebuilds whose database read failed (retried with backoff)", "failures",
                feed, f -> f.stats().rebuildFailures());
        m.counter("feed.deltas", "Deltas published, one per seq", "deltas", feed, f -> f.stats().deltasPublished());
        m.counter("feed.upserts", "Sessions in the published deltas' upserted lists", "sessions",
                feed, f -> f.stats().sessionsUpserted());
        m.counter("feed.removals", "Session ids in the published deltas' removed lists", "sessions",
                feed, f -> f.stats().sessionsRemoved());
        m.gauge("feed.seq", "The seq of the current state", null, feed, f -> f.stats().seq());
        m.gauge("feed.sessions", "Sessions in the current state", "sessions", feed, f -> f.stats().sessions());
        for (FeedStatus s : FeedStatus.values()) {
            m.gauge("feed.status", "1 for the feed's current status (live, degraded, recovering), 0 for the others", null,
                    feed, f -> f.status() == s ? 1 : 0, Tags.of("status", s.wireName()));
        }
    }
}
