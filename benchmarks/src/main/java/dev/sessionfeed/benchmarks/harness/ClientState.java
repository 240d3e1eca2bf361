package dev.sessionfeed.benchmarks.harness;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What a dashboard keeps, and how it applies a server frame: the sessions by id (here only {@code messageCount},
 * which the benchmark writers use as the write number), the last seq and the feed status. Used by
 * {@link FeedClient} and measured on its own by the JMH {@code apply} benchmark.
 *
 * <p>Thread-safety: {@link #apply} is called by one thread at a time (the socket's delivery thread); the state map
 * is guarded by this object's monitor so {@link #snapshot()} and {@link #stateEquals} may be called from others.
 */
public final class ClientState {

    /** Receives the sessions whose messageCount changed in an applied frame. */
    @FunctionalInterface
    public interface Changed {
        /**
         * A session changed.
         *
         * @param sessionId    the session
         * @param messageCount its new count
         * @param nanos        the frame's arrival time
         */
        void onChange(String sessionId, long messageCount, long nanos);
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Map<String, Long> counts = new HashMap<>();
    private volatile long lastSeq = -1;
    private volatile String status = "unknown";
    private volatile long fullUpdates;
    private volatile long deltaUpdates;
    private volatile long gaps;

    /**
     * Applies one server frame.
     *
     * @param frame   the JSON text
     * @param now     its arrival time
     * @param changed called for each session whose count changed (or appeared)
     * @return the message type, or null when the frame has none
     * @throws IOException when the frame is not JSON
     */
    public String apply(String frame, long now, Changed changed) throws IOException {
        try (JsonParser p = JSON.createParser(frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String type = null;
            long seq = -1;
            long prevSeq = -1;
            String source = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                    case "type" -> type = p.getText();
                    case "seq" -> seq = p.getLongValue();
                    case "prevSeq" -> prevSeq = p.getLongValue();
                    case "source" -> source = p.getText();
                    case "data" -> readData(p, now, changed);
                    default -> {
                        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                }
            }
            if (type == null) {
                return null;
            }
            switch (type) {
                case "session_update" -> {
                    fullUpdates++;
                    lastSeq = seq;
                }
                case "session_delta" -> {
                    deltaUpdates++;
                    if (lastSeq >= 0 && prevSeq != lastSeq) {
                        gaps++;
                    }
                    lastSeq = seq;
                }
                case "metrics_update" -> {
                    if (seq > lastSeq) {
                        lastSeq = seq;
                    }
                }
                case "status" -> {
                    if (source != null) {
                        status = source;
                    }
                }
                default -> { }
            }
            return type;
        }
    }

    private void readData(JsonParser p, long now, Changed changed) throws IOException {
        // data: {sessions:[...]} (full) or {upserted:[...], removed:[...]} (delta) or {metrics:{...}}
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "sessions" -> readSessions(p, now, true, changed);
                case "upserted" -> readSessions(p, now, false, changed);
                case "removed" -> {
                    while (p.nextToken() == JsonToken.VALUE_STRING) {
                        synchronized (this) {
                            counts.remove(p.getText());
                        }
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void readSessions(JsonParser p, long now, boolean full, Changed changed) throws IOException {
        Map<String, Long> seen = full ? new HashMap<>() : null;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String id = null;
            long count = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if (f.equals("id")) {
                    id = p.getText();
                } else if (f.equals("messageCount")) {
                    count = p.getLongValue();
                } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            if (id == null) {
                continue;
            }
            Long before;
            synchronized (this) {
                before = counts.put(id, count);
            }
            if (seen != null) {
                seen.put(id, count);
            }
            if (before == null || before != count) {
                changed.onChange(id, count, now);
            }
        }
        if (seen != null) {
            synchronized (this) {
                counts.keySet().retainAll(seen.keySet());
            }
        }
    }

    /** @return a copy of messageCount by session id */
    public synchronized Map<String, Long> snapshot() {
        return new HashMap<>(counts);
    }

    /**
     * Compares with an expected state.
     *
     * @param expected messageCount by session id
     * @return true when equal
     */
    public synchronized boolean stateEquals(Map<String, Long> expected) {
        return counts.equals(expected);
    }

    /**
     * One session's messageCount.
     *
     * @param sessionId the session
     * @return its count, or null when the client does not hold it
     */
    public synchronized Long get(String sessionId) {
        return counts.get(sessionId);
    }

    /** @return the number of sessions held */
    public synchronized int size() { return counts.size(); }

    /** @return full session_update frames applied */
    public long fullUpdates() { return fullUpdates; }

    /** @return session_delta frames applied */
    public long deltaUpdates() { return deltaUpdates; }

    /** @return deltas whose prevSeq did not match the last seq */
    public long gaps() { return gaps; }

    /** @return the last status source */
    public String status() { return status; }

    /** @return the last seq */
    public long lastSeq() { return lastSeq; }
}
