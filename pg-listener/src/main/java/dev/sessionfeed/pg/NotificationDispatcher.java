package dev.sessionfeed.pg;

import static dev.sessionfeed.pg.ListenerLog.LOG;

import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGNotification;

/**
 * Turns batches of notifications into listener calls: change signals for valid payloads on the channel, one resync
 * per batch with a RESYNC notice or a rejected payload (with a rate-limited warning), and recognition of the
 * outstanding probe on the private probe channel. Counts into {@link ListenerMetrics}.
 *
 * <p>Threading: called on the listener thread only. A listener that throws is logged and does not stop dispatch.
 */
final class NotificationDispatcher {

    private static final long REJECT_WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String channel;
    private final String probeChannel;
    private final PayloadParser parser;
    private final ListenerMetrics metrics;
    private final ChangeListener listener;
    private final RateLimitedWarning rejectWarning = new RateLimitedWarning(LOG, REJECT_WARN_INTERVAL_NANOS);

    NotificationDispatcher(ListenerConfig config, String probeChannel, ListenerMetrics metrics, ChangeListener listener) {
        this.channel = config.channel();
        this.probeChannel = probeChannel;
        this.parser = new PayloadParser(config.maxPayloadLength());
        this.metrics = metrics;
        this.listener = listener;
    }

    /**
     * Handles one batch.
     *
     * @param ns         the batch, possibly null or empty
     * @param now        {@link System#nanoTime()} when it was read
     * @param probeToken the outstanding probe's token, or null
     * @param probeSent  when that probe was sent
     * @return true when the outstanding probe came back in this batch
     */
    boolean dispatch(PGNotification[] ns, long now, String probeToken, long probeSent) {
        if (ns == null || ns.length == 0) {
            return false;
        }
        boolean probeBack = false;
        boolean needResync = false;
        String rejectReason = null;
        int rejectedHere = 0;
        for (PGNotification n : ns) {
            if (probeChannel.equals(n.getName())) {
                if (probeToken != null && probeToken.equals(n.getParameter())) {
                    probeBack = true;
                    metrics.probe(now - probeSent);
                }
                continue;
            }
            if (!channel.equals(n.getName())) {
                continue;
            }
            PayloadParser.Result r = parser.parse(n.getParameter(), now);
            if (r instanceof PayloadParser.Signals) {
                for (ChangeSignal s : ((PayloadParser.Signals) r).signals()) {
                    metrics.received();
                    try {
                        listener.onChange(s);
                    } catch (RuntimeException e) {
                        LOG.error("change listener failed on {}", s, e);
                    }
                }
            } else if (r instanceof PayloadParser.Resync) {
                needResync = true;
            } else {
                metrics.rejected();
                rejectedHere++;
                needResync = true;
                rejectReason = ((PayloadParser.Rejected) r).why() + " (from backend pid " + n.getPID() + ")";
            }
        }
        if (rejectReason != null) {
            rejectWarning.warn(now, "rejected {} notification payload(s) on channel '{}', last: {}; resyncing instead. Anyone who can "
                    + "connect to the database can NOTIFY: payloads are only hints", rejectedHere, channel, rejectReason);
        }
        if (needResync) {
            resync(rejectReason != null ? "rejected notification payload" : "a statement changed too many rows to list");
        }
        return probeBack;
    }

    /** Reports a resync (after a (re)connect or a batch that needs one). */
    void resync(String reason) {
        metrics.resync();
        try {
            listener.onResync(reason);
        } catch (RuntimeException e) {
            LOG.error("change listener failed on resync '{}'", reason, e);
        }
    }
}
