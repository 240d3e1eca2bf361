package dev.sessionfeed;

import dev.sessionfeed.source.RowChange;
import java.time.Instant;
import java.util.Optional;

import java.util.Set;

/**
 * Reads sessions and metrics from the database. The feed engine calls it from its rebuild thread only (and
 * from the thread calling {@link SessionFeed#start()} for the initial read; see the threading model on
 * {@link SessionFeed}); an implementation need not be thread-safe unless it is shared between feeds.
 *
 * <p>Each call must read sessions and metrics from one consistent snapshot of the database (the JDBC
 * implementation reads both with one SQL statement), so the metrics always describe the sessions they are
 * published with.
 *
 * @see dev.sessionfeed.jdbc.JdbcSnapshotBuilder
 */
public interface SnapshotBuilder {

    /**
     * Reads every session in scope, and the metrics.
     *
     * @return the sessions in display order and the metrics
     * @throws SessionFeedException when the database cannot be read
     */
    SnapshotRead buildFull();

    /**
     * Re-reads the given sessions, and the metrics. A requested id missing from the result is not in scope any
     * more (deleted, archived, aged out).
     *
     * @param ids the session ids to re-read; never null, may be empty (then only metrics are read)
     * @return the requested sessions that exist and are in scope, and the metrics
     * @throws SessionFeedException when the database cannot be read
     */
    SnapshotRead refresh(Set<String> ids);

    /**
     * The most sessions the feed shows: the same cap {@link #buildFull()} applies. When a {@linkplain #refresh
     * by-id refresh} would grow the list beyond it (new sessions are put first), the feed drops the sessions at
     * the end of the display order and publishes them as removed — with a newest-first order, the ones a full
     * read would leave out — so refreshes never show more than a full read would. And when a refresh removes a
     * session from a list that was at the cap (deleted, archived, out of scope), the feed reads everything once
     * more ({@link #buildFull()}), so the next session in display order fills the gap: refreshes never show fewer
     * than a full read would either.
     *
     * <p>An implementation that caps {@code buildFull()} should return that cap here; one that wraps another
     * builder should delegate. Must return the same value on every call.
     *
     * @return the cap, at least 1; the default, {@link Integer#MAX_VALUE}, means no cap
     */
    default int maxSessions() {
        return Integer.MAX_VALUE;
    }

    /**
     * Tells whether {@link #decodeRow} works, so that the feed can apply the changes of a row-carrying source
     * ({@link dev.sessionfeed.source.ChangeListener#onRowChange}) without re-reading them. Must return the same value
     * on every call.
     *
     * @return false by default: every change is re-read by id
     */
    default boolean decodesRows() {
        return false;
    }

    /**
     * Turns the row a change carries into the session the feed shows, applying the same scope and bounds as
     * {@link #refresh} would (hidden statuses, retention, text and size caps). Called on the rebuild thread only;
     * must not do I/O.
     *
     * @param change an {@link dev.sessionfeed.source.ChangeAction#INSERT INSERT} or
     *               {@link dev.sessionfeed.source.ChangeAction#UPDATE UPDATE} with the new row
     * @param now    the feed clock's time, for time-based scope
     * @return the session, or empty when the row is not in scope (a removal for the feed)
     * @throws IllegalArgumentException when the row cannot be decoded (a column missing, for example an unchanged
     *                                  out-of-line value, or a value that does not parse): the feed re-reads it
     * @throws UnsupportedOperationException by default (see {@link #decodesRows()})
     */
    default Optional<ChatSession> decodeRow(RowChange change, Instant now) {
        throw new UnsupportedOperationException(getClass().getName() + " does not decode rows");
    }
}
