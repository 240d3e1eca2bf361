package dev.sessionfeed.source;

import dev.sessionfeed.FeedStatus;

/**
 * Where a {@link SessionChangeSource} reports. The feed engine implements it; every method is thread-safe,
 * non-blocking and never throws, so a source may call it from any thread.
 */
public interface ChangeListener {

    /**
     * One session (or, for TRUNCATE, the whole table) changed.
     *
     * @param signal the hint
     */
    void onChange(ChangeSignal signal);

    /**
     * Changes may have been missed (reconnect, unparseable payload, queue overflow): rebuild everything.
     *
     * @param reason why, for logs and observers
     */
    void onResync(String reason);

    /**
     * The source's own status changed, in the meanings defined on {@link FeedStatus}: {@code LIVE} while it
     * delivers in real time, {@code DEGRADED} while a fallback keeps the state correct, {@code RECOVERING} while
     * it cannot read the database at all.
     *
     * @param status the new status
     * @param reason why: a short, fixed sentence for people. It reaches every dashboard, so it must never carry
     *               driver text, host names or ports (log those instead); the feed keeps at most 200 characters of
     *               it, control characters replaced
     */
    default void onStatus(FeedStatus status, String reason) {
    }
}
