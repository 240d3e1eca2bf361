package dev.sessionfeed;

import java.util.Locale;

/**
 * Is the dashboard real-time right now? Published to clients as the {@code status} message's
 * {@code source} field, in lower case.
 *
 * <ul>
 *   <li>{@link #LIVE}: the change source delivers changes as they commit.</li>
 *   <li>{@link #DEGRADED}: the primary source is down; state is kept correct by a fallback (polling), so
 *       changes arrive late but are not lost.</li>
 *   <li>{@link #RECOVERING}: the feed cannot currently read the database, or is rebuilding after a resync;
 *       the state shown may be stale until the next {@code LIVE}/{@code DEGRADED}.</li>
 * </ul>
 */
public enum FeedStatus {
    /** Changes arrive as they commit. */
    LIVE,
    /** A fallback keeps the state correct, with more delay. */
    DEGRADED,
    /** The database cannot be read right now; the state may be stale. */
    RECOVERING;

    /**
     * Returns the protocol name.
     *
     * @return the lower-case name used on the wire, for example {@code "live"}
     */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a protocol name.
     *
     * @param wireName {@code live}, {@code degraded} or {@code recovering}
     * @return the status
     * @throws IllegalArgumentException naming the value when it is not one of the three
     */
    public static FeedStatus fromWireName(String wireName) {
        for (FeedStatus s : values()) {
            if (s.wireName().equals(wireName)) {
                return s;
            }
        }
        throw new IllegalArgumentException("status must be one of live, degraded, recovering, was: " + wireName);
    }
}
