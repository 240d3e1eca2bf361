package dev.sessionfeed.websocket;

import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The frames shared by all connections, each encoded once: the full state of the latest snapshot, each broadcast
 * change's delta, and merged deltas (built from the {@link DeltaWindow}, never from the feed) keyed by the step
 * {@code (fromSeq, toSeq)} so that every connection behind by the same changes gets the same frame. Counts every
 * encode in {@link Metrics#sharedEncodes}. Thread-safe (lock-free caches; per-frame locks while encoding).
 */
final class FrameCache {

    /** Merged deltas that lead to one seq, by the seq they apply to. */
    private record MergedFrames(long toSeq, ConcurrentHashMap<Long, String> byFromSeq) {
    }

    private final ProtocolCodec codec;
    private final DeltaWindow window;
    private final Metrics metrics;
    private final AtomicReference<FullFrames> latestFull = new AtomicReference<>();
    private final AtomicReference<MergedFrames> latestMerged = new AtomicReference<>();

    FrameCache(ProtocolCodec codec, DeltaWindow window, Metrics metrics) {
        this.codec = codec;
        this.window = window;
        this.metrics = metrics;
    }

    /** Encodes a frame shared by all connections. */
    String encodeShared(ServerMessage message) {
        metrics.sharedEncodes.increment();
        return codec.encode(message);
    }

    /**
     * The full-state frames of a snapshot: the cached ones when it is the latest, else new ones (cached unless
     * older than the cached snapshot).
     */
    FullFrames full(Snapshot snapshot) {
        while (true) {
            FullFrames f = latestFull.get();
            if (f != null && f.snapshot.seq() == snapshot.seq() && f.snapshot.epoch().equals(snapshot.epoch())) {
                return f;
            }
            FullFrames next = new FullFrames(this, snapshot);
            if (f != null && f.snapshot.epoch().equals(snapshot.epoch()) && f.snapshot.seq() > snapshot.seq()) {
                return next; // an older snapshot than the cached one: don't replace the cache
            }
            if (latestFull.compareAndSet(f, next)) {
                return next;
            }
        }
    }

    /**
     * The shared UTF-8 bytes of {@code text} when it is the latest snapshot's {@code session_update}, for a
     * connection that takes full states as binary frames.
     *
     * @return a duplicate of the shared buffer, or null when {@code text} is another frame (sent as text)
     */
    java.nio.ByteBuffer binaryOf(String text) {
        FullFrames f = latestFull.get();
        return f != null && f.isSessionUpdate(text) ? f.sessionUpdateUtf8().duplicate() : null;
    }

    /** The lazily encoded frame of one broadcast change. */
    DeltaFrame delta(SessionDelta delta) {
        return new DeltaFrame(this, new ServerMessage.Delta(delta));
    }

    /**
     * The {@code session_delta} that takes a client from {@code fromSeq} to {@code toSeq} in one step: the changes
     * in between, from the delta window, {@linkplain SessionDelta#merge merged} and encoded once for every
     * connection that needs the same step.
     *
     * @return the encoded frame, or null when the window no longer holds those changes
     */
    String merged(long fromSeq, long toSeq) {
        MergedFrames cache = latestMerged.get();
        while (cache == null || cache.toSeq() < toSeq) {
            MergedFrames next = new MergedFrames(toSeq, new ConcurrentHashMap<>());
            if (latestMerged.compareAndSet(cache, next)) {
                cache = next;
            } else {
                cache = latestMerged.get();
            }
        }
        if (cache.toSeq() != toSeq) {
            return encodeMerged(fromSeq, toSeq); // an older step than the cached one: rare, not worth caching
        }
        // computeIfAbsent: connections at the same step wait for the one encode instead of repeating it. A null
        // (window too short) is not cached.
        return cache.byFromSeq().computeIfAbsent(fromSeq, from -> encodeMerged(from, toSeq));
    }

    /**
     * Merges and encodes the given consecutive deltas (a resume's missed changes, handed over by the feed), shared
     * like {@link #merged}.
     */
    String merged(List<SessionDelta> deltas) {
        if (deltas.size() == 1) {
            return encodeShared(new ServerMessage.Delta(deltas.get(0)));
        }
        long from = deltas.get(0).prevSeq();
        long to = deltas.get(deltas.size() - 1).seq();
        MergedFrames cache = latestMerged.get();
        if (cache != null && cache.toSeq() == to) {
            return cache.byFromSeq().computeIfAbsent(from, f -> encodeShared(new ServerMessage.Delta(SessionDelta.merge(deltas))));
        }
        return encodeShared(new ServerMessage.Delta(SessionDelta.merge(deltas)));
    }

    private String encodeMerged(long fromSeq, long toSeq) {
        List<SessionDelta> deltas = window.between(fromSeq, toSeq);
        return deltas == null ? null : encodeShared(new ServerMessage.Delta(SessionDelta.merge(deltas)));
    }
}
