package dev.sessionfeed;

import java.util.Locale;

/**
 * Is the dashboard real-time right now? Published to clients as the {@code status} message's {@code source}
 * field, in lower case ({@link #wireName()}). Each constant below carries the one definition of its meaning; the
 * feed's status is the change source's, except that it is {@link #RECOVERING} while the feed's own reads fail.
 */
public enum FeedStatus {
    /** Changes arrive as they commit: the change source delivers in real time and the database can be read. */
    LIVE,
    /**
     * Correct but slower: the primary source is down and a fallback (for example polling while LISTEN is down)
     * keeps the state correct, so changes arrive late but are not lost.
     */
    DEGRADED,
    /**
     * The database cannot be read right now (by the feed, or by the change source and its fallback): the state
     * shown may be stale until the status is {@link #LIVE} or {@link #DEGRADED} again.
     */
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
