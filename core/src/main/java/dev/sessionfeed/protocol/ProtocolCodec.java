package dev.sessionfeed.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.command.SessionCommand;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Encodes {@link ServerMessage}s to JSON text and decodes client frames into {@link ClientMessage}s, for
 * protocol version 1 (see {@code docs/protocol.md}).
 *
 * <p>Decoding is strict and safe for untrusted input: the parser enforces tight {@link StreamReadConstraints}
 * (nesting depth {@value #MAX_NESTING_DEPTH}, numbers of at most {@value #MAX_NUMBER_LENGTH} characters,
 * strings of at most {@value #MAX_STRING_LENGTH} characters, property names of at most
 * {@value #MAX_NAME_LENGTH} characters, documents of at most {@value #MAX_DOCUMENT_LENGTH} characters),
 * rejects trailing tokens and duplicate keys, and reads into a JSON tree that is validated field by field —
 * there is no data binding to classes, so no polymorphic or default typing ({@code "@class"} is just an unknown
 * field). Every problem becomes a {@link ProtocolException} with {@link ErrorCode#BAD_REQUEST} and a message
 * naming the field or limit; no other exception escapes {@link #decode(String)} for any input.
 *
 * <p>Encoding writes fields in a fixed order with a streaming generator; {@link ChatSession}s use the property
 * names documented on that record, instants are ISO-8601 strings.
 *
 * <p>Instances are immutable and thread-safe; share one.
 */
public final class ProtocolCodec {

    /** Deepest allowed nesting of arrays and objects in a client frame. */
    public static final int MAX_NESTING_DEPTH = 32;
    /** Longest allowed number literal in a client frame, in characters. */
    public static final int MAX_NUMBER_LENGTH = 20;
    /** Longest allowed string value in a client frame, in characters (16 KiB). */
    public static final int MAX_STRING_LENGTH = 16 * 1024;
    /** Longest allowed property name in a client frame, in characters. */
    public static final int MAX_NAME_LENGTH = 256;
    /** Longest allowed client frame, in characters (1 MiB; the WebSocket adapter's frame limit is lower). */
    public static final int MAX_DOCUMENT_LENGTH = 1024 * 1024;

    private static final Set<String> COMMAND_FIELDS = Set.of("type", "id", "action", "sessionId");
    private static final Set<String> SUBSCRIBE_FIELDS = Set.of("type", "channel", "deltas", "epoch", "lastSeq", "binary");
    private static final int MAX_ECHO = 200;
    /** The longest accepted {@code sessionId} in a command (as {@code SessionCommand}, the listener and the schema). */
    private static final int MAX_SESSION_ID_LENGTH = 256;

    private final ObjectMapper writer;
    private final ObjectReader reader;

    /** Creates a codec with the limits documented on this class. */
    public ProtocolCodec() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(MAX_STRING_LENGTH)
                        .maxNameLength(MAX_NAME_LENGTH)
                        .maxDocumentLength(MAX_DOCUMENT_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .build();
        ObjectMapper mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .build();
        this.writer = mapper;
        this.reader = mapper.readerFor(JsonNode.class);
    }

    // ------------------------------------------------------------------------------------------------- decode

    /**
     * Decodes one client text frame.
     *
     * @param frame the frame's text
     * @return the message
     * @throws ProtocolException    with {@link ErrorCode#BAD_REQUEST} for anything that is not a valid protocol
     *                              version 1 client message (the message names the field or limit)
     * @throws NullPointerException if {@code frame} is null
     */
    public ClientMessage decode(String frame) {
        if (frame == null) {
            throw new NullPointerException("frame");
        }
        if (frame.length() > MAX_DOCUMENT_LENGTH) {
            throw bad("frame is longer than " + MAX_DOCUMENT_LENGTH + " characters");
        }
        JsonNode root;
        try {
            root = reader.readTree(frame);
        } catch (JsonProcessingException e) {
            // The parser's own message names its classes and features (DeserializationFeature...): never sent.
            throw bad("invalid JSON" + problem(e));
        } catch (RuntimeException e) {
            // readTree on a String does no I/O; anything else here is a parser limit or bug: still the client's frame.
            throw bad("invalid JSON");
        }
        if (root == null || root.isMissingNode()) {
            throw bad("empty frame");
        }
        if (!root.isObject()) {
            throw bad("message must be a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null) {
            throw bad("field 'type' is required");
        }
        if (!type.isTextual()) {
            throw bad("field 'type' must be a string");
        }
        switch (type.textValue()) {
            case "subscribe":
                return subscribe(root);
            case "command":
                return command(root);
            case "ping":
                onlyType(root, "ping");
                return new ClientMessage.Ping();
            case "resync":
                onlyType(root, "resync");
                return new ClientMessage.Resync();
            default:
                throw bad("unknown message type '" + clip(type.textValue()) + "'; expected one of " + ClientMessage.TYPES);
        }
    }

    private static ClientMessage subscribe(JsonNode root) {
        rejectUnknown(root, SUBSCRIBE_FIELDS, "subscribe", null);
        String channel = requiredString(root, "channel", null);
        if (!ClientMessage.CHANNEL.equals(channel)) {
            throw bad("unknown channel '" + clip(channel) + "'; expected '" + ClientMessage.CHANNEL + "'");
        }
        boolean deltas = false;
        JsonNode d = root.get("deltas");
        if (d != null && !d.isNull()) {
            if (!d.isBoolean()) {
                throw bad("field 'deltas' must be a boolean");
            }
            deltas = d.booleanValue();
        }
        boolean binary = false;
        JsonNode bin = root.get("binary");
        if (bin != null && !bin.isNull()) {
            if (!bin.isBoolean()) {
                throw bad("field 'binary' must be a boolean");
            }
            binary = bin.booleanValue();
        }
        String epoch = optionalString(root, "epoch", null);
        if (epoch != null && !epoch.matches("[A-Za-z0-9_-]{1,64}")) {
            throw bad("field 'epoch' must be 1-64 characters of [A-Za-z0-9_-]");
        }
        Long lastSeq = null;
        JsonNode s = root.get("lastSeq");
        if (s != null && !s.isNull()) {
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.longValue() < 0) {
                throw bad("field 'lastSeq' must be a non-negative integer");
            }
            lastSeq = s.longValue();
        }
        if ((epoch == null) != (lastSeq == null)) {
            throw bad("fields 'epoch' and 'lastSeq' must be given together");
        }
        return new ClientMessage.Subscribe(channel, deltas, epoch, lastSeq, binary);
    }

    private static ClientMessage command(JsonNode root) {
        // Read the id first, so later errors can name the command they answer.
        String id = optionalString(root, "id", null);
        String knownId = id != null && id.matches("[A-Za-z0-9._:-]{1,128}") ? id : null;
        if (id == null) {
            throw bad("field 'id' is required");
        }
        String action = requiredString(root, "action", knownId);
        String sessionId = requiredString(root, "sessionId", knownId);
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            // A top-level JSON null argument means "absent" (immutable maps hold no nulls).
            if (!COMMAND_FIELDS.contains(e.getKey()) && !e.getValue().isNull()) {
                arguments.put(e.getKey(), toJava(e.getValue()));
            }
        }
        // Checked here with messages that never quote the value (they reach the client and the log); the
        // SessionCommand constructor checks again.
        if (knownId == null) {
            throw bad("id must be 1-128 characters of [A-Za-z0-9._:-]");
        }
        if (!action.matches("[a-z0-9_]{1,64}")) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "action must be 1-64 characters of [a-z0-9_]", knownId);
        }
        if (sessionId.isBlank() || sessionId.length() > MAX_SESSION_ID_LENGTH || hasControlOrLoneSurrogate(sessionId)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "sessionId must be 1-" + MAX_SESSION_ID_LENGTH
                    + " characters, not blank, without control characters", knownId);
        }
        try {
            return new ClientMessage.Command(new SessionCommand(id, action, sessionId, arguments));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "invalid command", knownId);
        }
    }

    /**
     * @return whether {@code s} holds a control character (C0, DEL, C1: NUL, CR, LF, ESC...), a line or paragraph
     *         separator, or a surrogate that is not half of a pair (not valid UTF-8 text, nor storable in PostgreSQL)
     */
    static boolean hasControlOrLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return true;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with a frame the parser refused, in words of the protocol: the read limit it broke, a duplicate
     * key, else where parsing stopped. Never the parser's own message, which names its classes and features.
     */
    private static String problem(JsonProcessingException e) {
        String m = String.valueOf(e.getOriginalMessage());
        if (m.contains("nesting depth")) {
            return ": nesting depth exceeds " + MAX_NESTING_DEPTH;
        }
        if (m.contains("Number value length")) {
            return ": Number value length exceeds " + MAX_NUMBER_LENGTH + " characters";
        }
        if (m.contains("String value length")) {
            return ": String value length exceeds " + MAX_STRING_LENGTH + " characters";
        }
        int open = m.indexOf("Duplicate field '");
        if (open >= 0) {
            int from = open + "Duplicate field '".length();
            int close = m.indexOf('\'', from);
            String name = close > from ? m.substring(from, close) : "";
            return ": Duplicate field '" + clip(name) + "'";
        }
        JsonLocation l = e.getLocation();
        return l == null || l.getLineNr() < 0 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
    }

    private static void onlyType(JsonNode root, String type) {
        rejectUnknown(root, Set.of("type"), type, null);
    }

    private static void rejectUnknown(JsonNode root, Set<String> allowed, String type, String id) {
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (!allowed.contains(name)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST,
                        "unknown field '" + clip(name) + "' in '" + type + "' message", id);
            }
        }
    }

    private static String requiredString(JsonNode root, String field, String id) {
        String v = optionalString(root, field, id);
        if (v == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "field '" + field + "' is required", id);
        }
        return v;
    }

    private static String optionalString(JsonNode root, String field, String id) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "field '" + field + "' must be a string", id);
        }
        return n.textValue();
    }

    private static Object toJava(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                m.put(e.getKey(), toJava(e.getValue()));
            }
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            for (JsonNode c : n) {
                l.add(toJava(c));
            }
            return l;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return null;
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message);
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        String oneLine = s.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= MAX_ECHO ? oneLine : oneLine.substring(0, MAX_ECHO) + "...";
    }

    // ------------------------------------------------------------------------------------------------- encode

    /**
     * Encodes a server message as one JSON text frame.
     *
     * @param message the message
     * @return the JSON text
     * @throws NullPointerException  if {@code message} is null
     * @throws SessionFeedException  if a value in a session's attributes or the metrics cannot be serialized
     */
    public String encode(ServerMessage message) {
        if (message == null) {
            throw new NullPointerException("message");
        }
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = writer.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", message.type());
            if (message instanceof ServerMessage.Hello) {
                ServerMessage.Hello h = (ServerMessage.Hello) message;
                g.writeNumberField("protocol", h.protocol());
                g.writeNumberField("heartbeatMs", h.heartbeatMs());
                g.writeObjectFieldStart("limits");
                for (Map.Entry<String, Long> e : h.limits().entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
                if (h.admin() != null) {
                    g.writeObjectFieldStart("admin");
                    g.writeStringField("name", h.admin().name());
                    g.writeArrayFieldStart("permissions");
                    for (String p : h.admin().permissions()) {
                        g.writeString(p);
                    }
                    g.writeEndArray();
                    g.writeEndObject();
                }
            } else if (message instanceof ServerMessage.SessionUpdate) {
                ServerMessage.SessionUpdate u = (ServerMessage.SessionUpdate) message;
                g.writeObjectFieldStart("data");
                g.writeArrayFieldStart("sessions");
                for (ChatSession s : u.sessions()) {
                    writeSession(g, s);
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeNumberField("seq", u.seq());
            } else if (message instanceof ServerMessage.MetricsUpdate) {
                ServerMessage.MetricsUpdate u = (ServerMessage.MetricsUpdate) message;
                g.writeObjectFieldStart("data");
                g.writeFieldName("metrics");
                writeMetrics(g, u.metrics());
                g.writeEndObject();
                g.writeNumberField("seq", u.seq());
            } else if (message instanceof ServerMessage.Delta) {
                SessionDelta d = ((ServerMessage.Delta) message).delta();
                g.writeObjectFieldStart("data");
                g.writeArrayFieldStart("upserted");
                for (ChatSession s : d.upserted()) {
                    writeSession(g, s);
                }
                g.writeEndArray();
                g.writeArrayFieldStart("removed");
                for (String id : d.removed()) {
                    g.writeString(id);
                }
                g.writeEndArray();
                if (d.metrics() != null) {
                    g.writeFieldName("metrics");
                    writeMetrics(g, d.metrics());
                }
                g.writeEndObject();
                g.writeNumberField("seq", d.seq());
                g.writeNumberField("prevSeq", d.prevSeq());
            } else if (message instanceof ServerMessage.Status) {
                ServerMessage.Status s = (ServerMessage.Status) message;
                g.writeStringField("source", s.status().wireName());
                g.writeStringField("reason", s.reason());
            } else if (message instanceof ServerMessage.Ack) {
                ServerMessage.Ack a = (ServerMessage.Ack) message;
                g.writeStringField("id", a.id());
                g.writeObjectFieldStart("result");
                g.writeStringField("outcome", a.result().outcome());
                g.writeStringField("sessionId", a.result().sessionId());
                g.writeBooleanField("replayed", a.result().replayed());
                g.writeEndObject();
                g.writeNumberField("seq", a.seq());
            } else if (message instanceof ServerMessage.Error) {
                ServerMessage.Error e = (ServerMessage.Error) message;
                if (e.id() != null) {
                    g.writeStringField("id", e.id());
                }
                g.writeStringField("code", e.code().wireName());
                g.writeStringField("message", e.message());
                g.writeStringField("correlationId", e.correlationId());
            }
            // Pong has no fields of its own.
            g.writeStringField("epoch", message.epoch());
            g.writeStringField("timestamp", message.timestamp().toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new SessionFeedException("cannot encode '" + message.type() + "' message: " + e.getMessage(), e);
        }
        return out.toString();
    }

    private static void writeSession(JsonGenerator g, ChatSession s) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", s.id());
        g.writeStringField("status", s.status());
        g.writeStringField("visitorId", s.visitorId());
        g.writeStringField("visitorName", s.visitorName());
        g.writeStringField("agentId", s.agentId());
        g.writeStringField("agentName", s.agentName());
        g.writeStringField("subject", s.subject());
        writeInstant(g, "createdAt", s.createdAt());
        writeInstant(g, "updatedAt", s.updatedAt());
        writeInstant(g, "endedAt", s.endedAt());
        writeInstant(g, "firstResponseAt", s.firstResponseAt());
        g.writeNumberField("messageCount", s.messageCount());
        writeInstant(g, "lastMessageAt", s.lastMessageAt());
        g.writeFieldName("attributes");
        g.writeObject(s.attributes());
        g.writeEndObject();
    }

    private static void writeMetrics(JsonGenerator g, ChatMetrics m) throws IOException {
        g.writeObject(m.values());
    }

    private static void writeInstant(JsonGenerator g, String field, Instant value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value.toString());
        }
    }
}
