package dev.sessionfeed;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The full state of a feed at one sequence number: every session in scope and the metrics, read in one
 * consistent database transaction.
 *
 * <p>{@code epoch} identifies one run of one feed (it changes when the feed restarts, so a client's
 * {@code lastSeq} from another run is never mistaken for this one's). {@code seq} increases by one with
 * every published change within an epoch.
 *
 * <p>Immutable and thread-safe.
 *
 * @param epoch    the feed run's identifier; never null
 * @param seq      the sequence number of this state, {@code >= 0}
 * @param builtAt  when the data was read
 * @param sessions the sessions in display order (newest first by default); unmodifiable
 * @param metrics  the metrics read from the same database snapshot as the sessions
 */
public record Snapshot(String epoch, long seq, Instant builtAt, List<ChatSession> sessions, ChatMetrics metrics) {

    /**
     * Validates the components and copies {@code sessions} into an unmodifiable list (a list built by the feed
     * engine is unmodifiable already and kept as is, so publishing a change does not copy the whole snapshot).
     *
     * @throws NullPointerException     if any component is null
     * @throws IllegalArgumentException if {@code seq} is negative
     */
    public Snapshot {
        Objects.requireNonNull(epoch, "epoch");
        Objects.requireNonNull(builtAt, "builtAt");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(metrics, "metrics");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0, was " + seq);
        }
        // The engine's lists are immutable already: keeping them avoids copying the whole snapshot per change.
        sessions = sessions instanceof SessionList ? sessions : List.copyOf(sessions);
    }

    /**
     * Returns the sessions keyed by id, in display order.
     *
     * @return a new unmodifiable map
     */
    public Map<String, ChatSession> sessionsById() {
        Map<String, ChatSession> m = new LinkedHashMap<>(sessions.size() * 2);
        for (ChatSession s : sessions) {
            m.put(s.id(), s);
        }
        return Collections.unmodifiableMap(m);
    }
}
