package dev.sessionfeed.source;

/**
 * Counters of a {@link SessionChangeSource} since it started. A snapshot; immutable.
 *
 * @param received   notifications or polls that produced a signal
 * @param resyncs    resync requests the source raised
 * @param reconnects successful reconnects after a failure (the first connect is not counted)
 * @param rejected   payloads rejected as malformed, oversize or unknown (each also caused a resync)
 */
public record SourceStats(long received, long resyncs, long reconnects, long rejected) {

    /** All zero. */
    public static final SourceStats ZERO = new SourceStats(0, 0, 0, 0);
}
