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

    /**
     * One session changed, and the change carries the new row (a row-carrying source, such as logical
     * replication). The feed applies it without re-reading the row when its snapshot builder {@linkplain
     * dev.sessionfeed.SnapshotBuilder#decodesRows() decodes rows}, and re-reads the row otherwise, or when the row
     * cannot be decoded. A source reports changes in commit order; after every (re)connect it still calls
     * {@link #onResync(String)} first.
     *
     * <p>The default reports {@link RowChange#asSignal()} to {@link #onChange(ChangeSignal)}, so a listener written
     * before row-carrying sources existed treats the change as a hint.
     *
     * @param change the change
     */
    default void onRowChange(RowChange change) {
        onChange(change.asSignal());
    }
}
