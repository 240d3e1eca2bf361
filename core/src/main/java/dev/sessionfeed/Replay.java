package dev.sessionfeed;

import java.util.List;
import java.util.Objects;

/**
 * The answer to a client that resumes with {@code (epoch, lastSeq)}: either the deltas it missed, in order,
 * or the full state because the feed can no longer replay (other epoch, seq outside the window).
 *
 * <p>Exactly one of {@code snapshot} and {@code deltas} is meaningful: when {@link #full()} the client must
 * replace its state with {@code snapshot}; otherwise it applies {@code deltas} (possibly empty: it is up to
 * date) and {@code snapshot} is the current state they lead to.
 *
 * @param full     whether the client must take the full state
 * @param snapshot the current state
 * @param deltas   the missed deltas in seq order when not full; empty when full
 */
public record Replay(boolean full, Snapshot snapshot, List<SessionDelta> deltas) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if {@code snapshot} or {@code deltas} is null
     */
    public Replay {
        Objects.requireNonNull(snapshot, "snapshot");
        deltas = List.copyOf(Objects.requireNonNull(deltas, "deltas"));
    }
}
