package dev.sessionfeed.micrometer;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.source.SourceStats;
import io.micrometer.core.instrument.Tags;

/**
 * The meters of a {@link SessionChangeSource}, read from {@link SessionChangeSource#stats()} (names and meanings
 * in the table of {@code docs/micrometer.md}). Stateless.
 */
final class SourceMeters {

    private SourceMeters() {
    }

    static void bind(MeterSet m, SessionChangeSource source) {
        m.counter("source.signals", "Change signals the source delivered (or polls that detected a change)", "signals",
                source, s -> s.stats().received());
        m.counter("source.resyncs", "Resyncs the source raised (each (re)connect, each rejected payload)", "resyncs",
                source, s -> s.stats().resyncs());
        m.counter("source.reconnects", "Successful reconnects after a failure (the first connect is not counted)",
                "reconnects", source, s -> s.stats().reconnects());
        m.counter("source.rejected", "Payloads rejected as malformed, oversize or unknown (each caused a resync)",
                "payloads", source, s -> s.stats().rejected());
        m.timer("source.probe", "Liveness probes that came back, and their round trips", source,
                s -> s.stats().probes(), s -> s.stats().probeRoundTripNanos());
        m.timeGauge("source.probe.last", "The round trip of the last probe that came back (NaN before the first)",
                source, s -> s.stats().lastProbeRoundTrip().map(d -> (double) d.toNanos()).orElse(Double.NaN));
        m.gauge("source.notification.queue.usage",
                "PostgreSQL's pg_notification_queue_usage() at the last check, 0 to 1 (NaN before the first)", null,
                source, s -> usage(s.stats()));
        for (FeedStatus st : FeedStatus.values()) {
            m.gauge("source.status", "1 for the change source's own status (live, degraded, recovering), 0 for the others",
                    null, source, s -> s.status() == st ? 1 : 0, Tags.of("status", st.wireName()));
        }
    }

    private static double usage(SourceStats s) {
        return s.notificationQueueUsage().isPresent() ? s.notificationQueueUsage().getAsDouble() : Double.NaN;
    }
}
