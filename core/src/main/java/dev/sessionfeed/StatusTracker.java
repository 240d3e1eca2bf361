package dev.sessionfeed;

import java.util.Objects;

/**
 * Combines the change source's status with the outcome of the last database read into the feed's status:
 * while reads fail the feed is {@link FeedStatus#RECOVERING}; otherwise it has the source's status.
 *
 * <p>Thread-safe: the source reports from its threads, the rebuild thread reports reads, anyone reads.
 */
final class StatusTracker {

    /** The reason given to clients while reads fail; details stay in the server log. */
    static final String READ_FAILING = "database read failed, retrying";
    /** The longest source reason passed on to clients. */
    static final int MAX_REASON_LENGTH = 200;

    /**
     * One status with its reason.
     *
     * @param status the status
     * @param reason why, never null
     */
    record View(FeedStatus status, String reason) {
    }

    private FeedStatus sourceStatus = FeedStatus.LIVE;
    private String sourceReason = "started";
    private boolean sourceReported;
    private boolean readFailing;

    /**
     * The source reported a status.
     *
     * @param status the source's status
     * @param reason why
     */
    synchronized void source(FeedStatus status, String reason) {
        sourceStatus = Objects.requireNonNull(status, "status");
        sourceReason = reason == null ? status.wireName() : bounded(reason);
        sourceReported = true;
    }

    /**
     * A source's reason as clients get it: at most {@value #MAX_REASON_LENGTH} characters, control characters
     * replaced. Defence in depth for a host's source; SessionFeed's own sources send fixed sentences.
     */
    static String bounded(String reason) {
        String r = reason.length() > MAX_REASON_LENGTH ? reason.substring(0, MAX_REASON_LENGTH - 1) + "\u2026" : reason;
        return r.codePoints().anyMatch(Character::isISOControl)
                ? r.codePoints().map(c -> Character.isISOControl(c) ? ' ' : c)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
                : r;
    }

    /**
     * Starts from the source's own status, read before the source starts: a source that is not yet listening
     * (LISTEN/NOTIFY: RECOVERING until LISTEN works) makes the feed start with that status, so the first line the
     * feed logs is "starts recovering", not a transition from a LIVE it never had.
     *
     * @param status the source's {@code status()} before {@code start}, or null when it could not be read
     */
    synchronized void sourceBeforeStart(FeedStatus status) {
        if (!sourceReported && status != null) {
            sourceStatus = status;
            sourceReason = status == FeedStatus.LIVE ? "started" : "change source starting";
        }
    }

    /**
     * Takes the source's status as read after its start, unless it already reported one (which is newer) or it is
     * the status it had before its start (whose reason stays).
     *
     * @param status the source's {@code status()}
     */
    synchronized void sourceInitial(FeedStatus status) {
        if (!sourceReported && status != null && status != sourceStatus) {
            sourceStatus = status;
            sourceReason = "source " + status.wireName();
        }
    }

    /**
     * Records the outcome of a read.
     *
     * @param failing whether it failed
     */
    synchronized void read(boolean failing) {
        readFailing = failing;
    }

    /**
     * The combined status.
     *
     * @return the status and its reason
     */
    synchronized View view() {
        return readFailing ? new View(FeedStatus.RECOVERING, READ_FAILING) : new View(sourceStatus, sourceReason);
    }
}
