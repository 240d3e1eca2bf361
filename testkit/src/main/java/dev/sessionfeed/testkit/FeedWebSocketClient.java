package dev.sessionfeed.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.Snapshot;
import dev.sessionfeed.internal.Backoff;
import dev.sessionfeed.internal.NamedThreadFactory;
import dev.sessionfeed.internal.Threads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An admin client of SessionFeed's WebSocket protocol (version 1, {@code docs/protocol.md}) on the JDK's
 * {@link WebSocket}, for tests of an endpoint, a container or a whole system. It records every frame, sends what a
 * dashboard sends, and keeps the dashboard's state in a {@link FeedStateClient} so a test can compare it with the
 * database ({@link #differencesFrom}).
 *
 * <p><b>Frames.</b> Fragmented text frames are reassembled; every whole frame is parsed and recorded in order
 * ({@link #frames()}, {@link #await}, {@link #awaitType}), across reconnects, unless
 * {@link Builder#recordFrames(boolean)} turns that off. A frame that is not JSON is recorded
 * in {@link #errors()} as {@code {"type":"client-error",...}}. Pings are counted and answered by the JDK.
 *
 * <p><b>State.</b> A {@code session_update} and the {@code metrics_update} of the same seq replace the state; a
 * {@code session_delta} that continues it ({@code prevSeq == seq}, same epoch) is applied; one that does not is a
 * gap: the client asks for the full state ({@code resync}) and ignores deltas until it arrives, as the browser
 * client does. {@link #isSynced()} tells whether the state is whole: after the full state, a delta, or the
 * {@code status} that ends the answer to a subscribe. Statuses, acks (each with a {@code _receivedNanos} field
 * added on arrival), errors and close codes are recorded; an ack naming a seq above the state's is recorded in
 * {@link #acksAhead()} (the state it reports should have arrived first).
 *
 * <p><b>Subscribing.</b> By default the test sends {@code subscribe} itself ({@link #subscribe(boolean)}). With
 * {@link Builder#autoSubscribe(boolean)} the client answers every {@code hello} with a subscribe, resuming with
 * {@code (epoch, lastSeq)} once it holds a state; {@link #replayResumes()} and {@link #fullResumes()} count how
 * the server answered.
 *
 * <p><b>Connections.</b> {@link #connect()} opens a connection. With {@link Builder#reconnect(Duration, Duration)}
 * the client reconnects by itself (capped exponential backoff with jitter) when the server closes or the
 * connection fails, until {@link #disconnect()} or {@link #close()}. {@link #stopReading()} stops asking for
 * frames, so the server's sends back up into TCP buffers (a stalled client); it holds for the current connection.
 *
 * <p><b>Thread-safety.</b> Thread-safe. The JDK calls the client for a connection one frame at a time; its state
 * is guarded by one lock, which is never held while sending or waiting for the network. The {@code await}
 * methods wait on that lock with a deadline ({@link Builder#awaitTimeout}), never by sleeping, and throw an
 * {@link AssertionError} that {@linkplain #describe() describes} the connection. Callbacks given to the builder
 * run on the JDK's WebSocket thread with the lock held and must be quick. Getters return copies.
 */
public final class FeedWebSocketClient implements AutoCloseable {

    /** The channel {@link #subscribe(boolean)} names. */
    public static final String CHANNEL = "admin-chat-updates";

    private static final Logger log = LoggerFactory.getLogger(FeedWebSocketClient.class);

    private final String name;
    private final URI uri;
    private final Map<String, String> headers;
    private final Duration connectTimeout;
    private final Duration awaitTimeout;
    private final Duration sendTimeout;
    private final HttpClient http;
    private final Backoff backoff; // null: no reconnect; guarded by lock
    private final ScheduledExecutorService scheduler; // null without reconnect
    private final boolean ownsScheduler;

    private final Object lock = new Object();
    private final ProtocolModel model; // guarded by lock
    private final ClientConnection.Events events = new ClientConnection.Events() {
        @Override
        public boolean opened(ClientConnection c) {
            return FeedWebSocketClient.this.opened(c);
        }

        @Override
        public void received(ClientConnection c, String text) {
            FeedWebSocketClient.this.received(c, text);
        }

        @Override
        public void pinged(ClientConnection c) {
            FeedWebSocketClient.this.pinged(c);
        }

        @Override
        public void ended(ClientConnection c, int code, String reason) {
            FeedWebSocketClient.this.ended(c, code, reason);
        }
    };
    // Guarded by lock.
    private final FrameLog frames; // guarded by lock
    private final List<Integer> closeCodes = new ArrayList<>();
    private ClientConnection current;
    private ClientConnection last;
    private String closeReason;
    private boolean autoReconnect;
    private boolean closed;
    private int connects;
    private int pings;
    private int commandIds;

    private FeedWebSocketClient(Builder b) {
        this.name = b.name;
        this.uri = b.uri;
        this.headers = Map.copyOf(b.headers);
        this.connectTimeout = b.connectTimeout;
        this.awaitTimeout = b.awaitTimeout;
        this.sendTimeout = b.sendTimeout;
        this.frames = new FrameLog(lock, b.recordFrames);
        this.http = b.http != null ? b.http : DefaultHttp.CLIENT;
        this.model = new ProtocolModel(b.name, lock, b.deltas, b.autoSubscribe, b.onApplied);
        if (b.reconnectInitial != null) {
            this.backoff = new Backoff(b.reconnectInitial, b.reconnectMax);
            this.ownsScheduler = b.scheduler == null;
            this.scheduler = b.scheduler != null ? b.scheduler
                    : Executors.newSingleThreadScheduledExecutor(NamedThreadFactory.single("testkit-client-" + name));
        } else {
            this.backoff = null;
            this.ownsScheduler = false;
            this.scheduler = null;
        }
    }

    /**
     * Starts configuring a client.
     *
     * @param uri the endpoint, for example {@code ws://127.0.0.1:8080/ws/admin/chat}
     * @return a builder with the defaults documented on its setters
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Opens a client with default settings (no auto-subscribe, no reconnect) and waits for the handshake.
     *
     * @param uri     the endpoint
     * @param headers handshake headers, for example {@code Authorization} and {@code Origin}
     * @return the open client
     * @throws IllegalStateException if the handshake fails or takes longer than the connect timeout plus 5 s
     */
    public static FeedWebSocketClient open(URI uri, Map<String, String> headers) {
        FeedWebSocketClient c = builder(uri).headers(headers).build();
        try {
            c.connect().join();
        } catch (CompletionException e) {
            c.close();
            throw e.getCause() instanceof IllegalStateException ? (IllegalStateException) e.getCause()
                    : new IllegalStateException("could not connect to " + uri, e.getCause());
        }
        return c;
    }

    /**
     * What a client holds after receiving {@code snapshot} over the protocol: its sessions and metrics encoded by
     * core's codec and read back as this client reads frames. Compare a client's state with this, not with the
     * snapshot itself: JSON does not keep Java types inside attributes and metrics (a {@code Long} may come back
     * as an {@code Integer}).
     *
     * @param snapshot for example {@link FeedStateClient#readDatabase(TestDatabase)}
     * @return the snapshot as received
     */
    public static Snapshot asReceived(Snapshot snapshot) {
        return ServerFrames.asReceived(Objects.requireNonNull(snapshot, "snapshot"));
    }

    // ------------------------------------------------------------------------------------------- connection

    /**
     * Opens a new connection (dropping the current one, if any) and re-enables reconnecting.
     *
     * @return completes when the handshake is done; fails with the handshake's error (when reconnecting, the
     *     client keeps trying all the same)
     */
    public CompletableFuture<Void> connect() {
        ClientConnection c;
        ClientConnection previous;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException(name + " is closed"));
            }
            autoReconnect = true;
            previous = current;
            c = new ClientConnection(events);
            current = c;
            last = c;
            model.disconnected();
        }
        drop(previous, "replaced by a new connection");
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        headers.forEach(b::header);
        return b.buildAsync(uri, c)
                .orTimeout(connectTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)
                .handle((socket, error) -> {
                    if (error != null) {
                        log.debug("{}: connect failed: {}", name, error.toString());
                        c.end(-1, "connect failed: " + error);
                        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                        throw new IllegalStateException(name + " could not connect to " + uri + ": " + cause, cause);
                    }
                    return null;
                });
    }

    /** Drops the connection (no close handshake) and does not reconnect until {@link #connect()}. */
    public void disconnect() {
        ClientConnection c;
        synchronized (lock) {
            autoReconnect = false;
            c = current;
            current = null;
            model.disconnected();
        }
        drop(c, "disconnected by the test");
    }

    /** Drops the connection (no close handshake), as a network failure would; a reconnecting client reconnects. */
    public void abort() {
        ClientConnection c;
        synchronized (lock) {
            c = current;
        }
        drop(c, "aborted by the test");
    }

    /** Drops the connection and stops for good (a scheduler the client made is shut down). Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        disconnect();
        if (ownsScheduler) {
            Threads.shutdownBounded(scheduler, Duration.ofSeconds(5), log, "testkit-client-" + name);
        }
    }

    /** Stops asking for frames on the current connection. */
    public void stopReading() {
        synchronized (lock) {
            if (current != null) {
                current.reading = false;
            }
        }
    }

    /** Asks for frames again on the current connection. */
    public void resumeReading() {
        ClientConnection c;
        synchronized (lock) {
            c = current;
            if (c != null) {
                c.reading = true;
            }
        }
        if (c != null) {
            c.resume();
        }
    }

    /**
     * Whether the current connection is open (handshake done, not ended).
     *
     * @return true while open
     */
    public boolean isOpen() {
        synchronized (lock) {
            return current != null && current.socket != null && !current.isEnded() && !current.socket.isInputClosed();
        }
    }

    /**
     * How often a connection opened.
     *
     * @return the count
     */
    public int connects() {
        synchronized (lock) {
            return connects;
        }
    }

    /**
     * The codes of every connection that ended other than by {@link #disconnect()}: the server's close code, 1006
     * for a failure or {@link #abort()}, -1 for a handshake that failed.
     *
     * @return a copy, in order
     */
    public List<Integer> closeCodes() {
        synchronized (lock) {
            return List.copyOf(closeCodes);
        }
    }

    /**
     * The reason of the last connection end.
     *
     * @return the close reason or failure, or null
     */
    public String closeReason() {
        synchronized (lock) {
            return closeReason;
        }
    }

    /**
     * The close code of the latest connection, when it ends.
     *
     * @return a future of the code (see {@link #closeCodes()})
     * @throws IllegalStateException if no connection was started
     */
    public CompletableFuture<Integer> closeCode() {
        synchronized (lock) {
            if (last == null) {
                throw new IllegalStateException(name + " never connected");
            }
            return last.closeCode;
        }
    }

    /**
     * Waits until the latest connection ends.
     *
     * @return its close code
     * @throws AssertionError if it is still open after the await timeout
     */
    public int awaitClose() {
        try {
            return closeCode().get(awaitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("connection not closed within " + awaitTimeout + "; " + describe(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the close; " + describe(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("close future failed; " + describe(), e);
        }
    }

    // ----------------------------------------------------------------------------------------------- sending

    /**
     * Sends one text frame and waits until the JDK took it.
     *
     * @param text the frame
     * @throws IllegalStateException if not connected, or the send fails or takes longer than the send timeout
     */
    public void send(String text) {
        WebSocket s = socket();
        try {
            s.sendText(text, true).orTimeout(sendTimeout.toMillis(), TimeUnit.MILLISECONDS).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("send failed; " + describe(), e.getCause() != null ? e.getCause() : e);
        }
    }

    /**
     * Sends a message as JSON.
     *
     * @param message the fields
     * @throws IllegalStateException as {@link #send(String)}
     */
    public void send(Map<String, ?> message) {
        try {
            send(ServerFrames.json().writeValueAsString(message));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable as JSON: " + message, e);
        }
    }

    /**
     * Subscribes to the channel.
     *
     * @param withDeltas whether the server should send {@code session_delta}s instead of full states
     */
    public void subscribe(boolean withDeltas) {
        synchronized (lock) {
            model.subscribing(false);
        }
        send(ProtocolModel.subscribeFrame(withDeltas, null, -1));
    }

    /**
     * Subscribes and resumes from {@code (epoch, lastSeq)}. The client applies what the server replays to the state
     * it holds, so resume from a state this client itself held: a client that never held that state sees the first
     * replayed delta as a gap and answers it with a {@code resync} (to check what a server replays to a resume from
     * any state, send the raw frame with {@link #send(Map)} and read {@link #frames()}).
     *
     * @param withDeltas whether the server should send deltas
     * @param epoch      the epoch of the state
     * @param lastSeq    its seq
     */
    public void subscribe(boolean withDeltas, String epoch, long lastSeq) {
        Objects.requireNonNull(epoch, "epoch");
        synchronized (lock) {
            model.subscribing(true);
        }
        send(ProtocolModel.subscribeFrame(withDeltas, epoch, lastSeq));
    }

    /**
     * Sends a command with a new id ({@code <name>-c1}, {@code <name>-c2}, ...).
     *
     * @param action    for example {@code end_session}
     * @param sessionId the session
     * @return the id
     */
    public String command(String action, String sessionId) {
        int n;
        synchronized (lock) {
            n = ++commandIds;
        }
        return command(name + "-c" + n, action, sessionId);
    }

    /**
     * Sends a command with the given id (sending the same id again tests idempotency).
     *
     * @param id        the command id
     * @param action    for example {@code archive_session}
     * @param sessionId the session
     * @return {@code id}
     */
    public String command(String id, String action, String sessionId) {
        send(ServerFrames.json().createObjectNode().put("type", "command").put("id", id).put("action", action)
                .put("sessionId", sessionId).toString());
        return id;
    }

    /** Sends a protocol {@code ping} (the server answers {@code pong}). */
    public void ping() {
        send("{\"type\":\"ping\"}");
    }

    /** Asks for the full state again. */
    public void resync() {
        synchronized (lock) {
            model.resyncing();
        }
        send(ProtocolModel.RESYNC);
    }

    // ------------------------------------------------------------------------------------------------ frames

    /**
     * Every frame received so far, in order (none when the client does not {@linkplain Builder#recordFrames record
     * frames}).
     *
     * @return a copy (the parsed frames themselves, not copies of them)
     */
    public List<JsonNode> frames() {
        synchronized (lock) {
            return frames.copy();
        }
    }

    /**
     * How many frames were received.
     *
     * @return the count; pass it as {@code from} to wait for frames after an action
     */
    public int frameCount() {
        synchronized (lock) {
            return frames.size();
        }
    }

    /**
     * How many WebSocket pings arrived.
     *
     * @return the count
     */
    public int pings() {
        synchronized (lock) {
            return pings;
        }
    }

    /**
     * Waits for the first frame that matches.
     *
     * @param condition what to wait for
     * @param what      a description for the failure message
     * @return the frame
     * @throws AssertionError if none arrives within the await timeout
     */
    public JsonNode await(Predicate<JsonNode> condition, String what) {
        return await(0, condition, what);
    }

    /**
     * Waits for the first frame at index {@code from} or later that matches.
     *
     * @param from      the index to start at, for example {@link #frameCount()} before an action
     * @param condition what to wait for
     * @param what      a description for the failure message
     * @return the frame
     * @throws AssertionError        if none arrives within the await timeout, or the wait is interrupted (the
     *                               interrupt flag is restored)
     * @throws IllegalStateException if the client does not record frames
     */
    public JsonNode await(int from, Predicate<JsonNode> condition, String what) {
        Objects.requireNonNull(condition, "condition");
        synchronized (lock) {
            return frames.await(from, condition, what, awaitTimeout, this::describeLocked);
        }
    }

    /**
     * Waits for the first frame of a type.
     *
     * @param type for example {@code hello}
     * @return the frame
     * @throws AssertionError if none arrives in time
     */
    public JsonNode awaitType(String type) {
        return await(0, m -> type.equals(m.path("type").asText()), "a '" + type + "' message");
    }

    /**
     * Waits for the first frame of a type at index {@code from} or later.
     *
     * @param from the index to start at
     * @param type the type
     * @return the frame
     * @throws AssertionError if none arrives in time
     */
    public JsonNode awaitType(int from, String type) {
        return await(from, m -> type.equals(m.path("type").asText()), "a '" + type + "' message after #" + from);
    }

    // ------------------------------------------------------------------------------------------------- state

    /**
     * The dashboard state this client keeps (live: it changes as frames arrive).
     *
     * @return the state client
     */
    public FeedStateClient state() {
        return model.state();
    }

    /**
     * Whether the state is whole and the connection open.
     *
     * @return true when synced
     */
    public boolean isSynced() {
        synchronized (lock) {
            return model.synced() && current != null && current.socket != null && !current.isEnded();
        }
    }

    /**
     * The epoch of the state.
     *
     * @return the epoch, or null before the first full state
     */
    public String epoch() {
        return model.state().epoch();
    }

    /**
     * The seq of the state.
     *
     * @return the seq, -1 before the first full state
     */
    public long seq() {
        return model.state().seq();
    }

    /**
     * Compares the state with an expected one.
     *
     * @param expected       the expected state, as {@linkplain #asReceived(Snapshot) received}
     * @param ignoredMetrics metric keys not compared
     * @return {@code ["not synced"]} when the state is not whole, else one line per difference; empty when equal
     */
    public List<String> differencesFrom(Snapshot expected, Set<String> ignoredMetrics) {
        synchronized (lock) {
            if (!isSynced()) {
                return List.of("not synced");
            }
            return model.state().differencesFrom(expected, ignoredMetrics);
        }
    }

    /**
     * The {@code source} of every {@code status} frame, in order ({@code live}, {@code degraded}, {@code recovering}).
     *
     * @return a copy
     */
    public List<String> statuses() {
        synchronized (lock) {
            return model.statuses();
        }
    }

    /**
     * The acks received, by command id (a resent command may be acked twice).
     *
     * @return a copy
     */
    public Map<String, List<JsonNode>> acks() {
        synchronized (lock) {
            return model.acks();
        }
    }

    /**
     * Acks that arrived before the state they name (their seq above the state's seq at arrival).
     *
     * @return descriptions, in order
     */
    public List<String> acksAhead() {
        synchronized (lock) {
            return model.acksAhead();
        }
    }

    /**
     * The {@code error} frames received, and frames this client could not read ({@code type: client-error}).
     *
     * @return a copy, in order
     */
    public List<JsonNode> errors() {
        synchronized (lock) {
            return model.errors();
        }
    }

    /**
     * Full states applied.
     *
     * @return the count
     */
    public int fullStates() {
        synchronized (lock) {
            return model.fullStates();
        }
    }

    /**
     * Deltas applied.
     *
     * @return the count
     */
    public int deltasApplied() {
        synchronized (lock) {
            return model.deltasApplied();
        }
    }

    /**
     * Gaps seen (deltas that did not continue the state, each answered with a resync).
     *
     * @return the count
     */
    public int gaps() {
        synchronized (lock) {
            return model.gaps();
        }
    }

    /**
     * Resumes the server answered with the missed deltas only (or nothing: the client was up to date).
     *
     * @return the count
     */
    public int replayResumes() {
        synchronized (lock) {
            return model.replayResumes();
        }
    }

    /**
     * Resumes the server answered with the full state.
     *
     * @return the count
     */
    public int fullResumes() {
        synchronized (lock) {
            return model.fullResumes();
        }
    }

    /**
     * When the last frame arrived.
     *
     * @return {@link System#nanoTime()} at arrival, 0 before the first
     */
    public long lastFrameNanos() {
        synchronized (lock) {
            return frames.lastFrameNanos();
        }
    }

    /**
     * The client's name (given to the builder).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The connection's state and the last frames received, for failure messages.
     *
     * @return one line
     */
    public String describe() {
        synchronized (lock) {
            return describeLocked();
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    // ------------------------------------------------------------------------- ClientConnection's events

    /** A connection opened; false tells it to go away (it was replaced or the client closed meanwhile). */
    private boolean opened(ClientConnection c) {
        synchronized (lock) {
            if (c != current || closed) {
                return false;
            }
            connects++;
            if (backoff != null) {
                backoff.reset();
            }
            return true;
        }
    }

    private void pinged(ClientConnection c) {
        synchronized (lock) {
            if (c == current) {
                pings++;
            }
        }
    }

    /** One whole text frame of connection {@code c}. */
    private void received(ClientConnection c, String text) {
        JsonNode frame;
        try {
            frame = ServerFrames.parse(text);
        } catch (JsonProcessingException e) {
            log.error("{}: cannot read frame {}", name, text.length() > 200 ? text.substring(0, 200) : text, e);
            synchronized (lock) {
                model.clientError(e);
                lock.notifyAll();
            }
            return;
        }
        String reply = null;
        synchronized (lock) {
            if (c != current) {
                return;
            }
            frames.add(frame);
            try {
                reply = model.apply(frame);
            } catch (RuntimeException e) {
                log.error("{}: cannot apply frame {}", name, text.length() > 200 ? text.substring(0, 200) : text, e);
                model.clientError(e);
            }
        }
        if (reply != null) {
            sendAsync(c, reply);
        }
    }

    /** Connection {@code c} ended; schedules a reconnect when that is on. */
    private void ended(ClientConnection c, int code, String reason) {
        long delayNanos;
        synchronized (lock) {
            if (c != current) {
                return;
            }
            closeCodes.add(code);
            closeReason = reason;
            model.disconnected();
            current = null;
            lock.notifyAll();
            if (backoff == null || !autoReconnect || closed) {
                return;
            }
            delayNanos = backoff.nextDelayNanos();
        }
        log.debug("{}: connection ended with {} ({}); reconnecting in {} ms", name, code, reason, delayNanos / 1_000_000);
        scheduler.schedule(() -> {
            synchronized (lock) {
                if (current != null || !autoReconnect || closed) {
                    return;
                }
            }
            connect();
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private WebSocket socket() {
        synchronized (lock) {
            ClientConnection c = current;
            if (c == null || c.socket == null) {
                throw new IllegalStateException(name + " is not connected");
            }
            return c.socket;
        }
    }

    private void sendAsync(ClientConnection c, String text) {
        WebSocket s = c.socket;
        if (s != null) {
            s.sendText(text, true).exceptionally(t -> {
                log.debug("{}: send failed: {}", name, t.toString());
                return null;
            });
        }
    }

    /** Aborts the connection and ends it now (the JDK does not always report an abort to the listener). */
    private static void drop(ClientConnection c, String reason) {
        if (c != null) {
            WebSocket s = c.socket;
            if (s != null) {
                s.abort();
            }
            c.end(1006, reason);
        }
    }

    private String describeLocked() {
        assert Thread.holdsLock(lock);
        StringBuilder sb = new StringBuilder(name).append('{');
        sb.append(current != null && current.socket != null && !current.isEnded() ? "open" : "not open");
        sb.append(model.synced() ? ", synced" : ", not synced").append(", epoch ").append(model.state().epoch())
                .append(", seq ").append(model.state().seq());
        sb.append(", connects ").append(connects).append(", closes ").append(closeCodes);
        if (closeReason != null) {
            sb.append(" (").append(closeReason).append(')');
        }
        sb.append(", full states ").append(model.fullStates()).append(", errors ").append(model.errorCount());
        sb.append(", received ").append(frames.size()).append(" frames:").append(frames.tail(12));
        return sb.append('}').toString();
    }

    /** The HTTP client shared by clients that were not given one (created on first use). */
    private static final class DefaultHttp {
        static final HttpClient CLIENT = HttpClient.newHttpClient();
    }

    /**
     * Configures a {@link FeedWebSocketClient}. Not thread-safe; every setter validates its value.
     */
    public static final class Builder {
        private final URI uri;
        private String name = "client";
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean deltas = true;
        private boolean autoSubscribe;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration awaitTimeout = Duration.ofSeconds(15);
        private Duration sendTimeout = Duration.ofSeconds(10);
        private boolean recordFrames = true;
        private Duration reconnectInitial;
        private Duration reconnectMax;
        private HttpClient http;
        private ScheduledExecutorService scheduler;
        private Consumer<ChatSession> onApplied;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /**
         * The name in ids, logs and failure messages.
         *
         * @param name default {@code client}
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Adds a handshake header.
         *
         * @param header the name
         * @param value  the value
         * @return this builder
         */
        public Builder header(String header, String value) {
            headers.put(Objects.requireNonNull(header, "header"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds handshake headers.
         *
         * @param all names and values
         * @return this builder
         */
        public Builder headers(Map<String, String> all) {
            all.forEach(this::header);
            return this;
        }

        /**
         * Adds {@code Authorization: Bearer <token>}.
         *
         * @param token the token
         * @return this builder
         */
        public Builder bearerToken(String token) {
            return header("Authorization", "Bearer " + Objects.requireNonNull(token, "token"));
        }

        /**
         * Answers every {@code hello} with a subscribe (resuming with the state's epoch and seq once it has one).
         *
         * @param enabled default false: the test subscribes
         * @return this builder
         */
        public Builder autoSubscribe(boolean enabled) {
            this.autoSubscribe = enabled;
            return this;
        }

        /**
         * Whether an automatic subscribe asks for deltas.
         *
         * @param enabled default true
         * @return this builder
         */
        public Builder deltas(boolean enabled) {
            this.deltas = enabled;
            return this;
        }

        /**
         * Reconnects by itself after the connection ends, waiting a capped exponential backoff with jitter
         * (the n-th delay in {@code [base/2, base]}, {@code base = min(max, initial * 2^n)}; reset on open).
         *
         * @param initial the first base delay, positive
         * @param max     the largest, at least {@code initial}
         * @return this builder (default: no reconnect)
         * @throws IllegalArgumentException if not {@code 0 < initial <= max}
         */
        public Builder reconnect(Duration initial, Duration max) {
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("reconnect must satisfy 0 < initial <= max, was initial=" + initial + ", max=" + max);
            }
            this.reconnectInitial = initial;
            this.reconnectMax = max;
            return this;
        }

        /**
         * Where reconnects are scheduled.
         *
         * @param scheduler default: one daemon thread per client, shut down by {@link #close()}; a given one is
         *                  not shut down
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The HTTP client that opens connections.
         *
         * @param client default: one shared {@link HttpClient#newHttpClient()}
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.http = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * How long a handshake may take.
         *
         * @param timeout default 10 s; positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * How long the {@code await} methods wait.
         *
         * @param timeout default 15 s; positive
         * @return this builder
         */
        public Builder awaitTimeout(Duration timeout) {
            this.awaitTimeout = positive("awaitTimeout", timeout);
            return this;
        }

        /**
         * How long {@link #send(String)} waits for the JDK to take a frame.
         *
         * @param timeout default 10 s; positive
         * @return this builder
         */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = positive("sendTimeout", timeout);
            return this;
        }

        /**
         * Whether every received frame is kept for {@link #frames()} and the {@code await} methods. A long-running
         * client that is only compared with the database (a soak test) turns it off to keep its memory flat; the
         * state, statuses, acks and errors are recorded either way.
         *
         * @param enabled default true
         * @return this builder
         */
        public Builder recordFrames(boolean enabled) {
            this.recordFrames = enabled;
            return this;
        }

        /**
         * Called with every session the client applies (from a full state or a delta), in order, on the WebSocket
         * thread with the client's lock held (for example to check that a version column only goes up).
         *
         * @param callback quick and non-blocking
         * @return this builder
         */
        public Builder onApplied(Consumer<ChatSession> callback) {
            this.onApplied = Objects.requireNonNull(callback, "callback");
            return this;
        }

        /**
         * Creates the client, not connected.
         *
         * @return the client
         */
        public FeedWebSocketClient build() {
            return new FeedWebSocketClient(this);
        }

        private static Duration positive(String property, Duration d) {
            Objects.requireNonNull(d, property);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(property + " must be positive, was " + d);
            }
            return d;
        }
    }
}
