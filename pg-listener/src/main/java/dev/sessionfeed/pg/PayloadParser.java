package dev.sessionfeed.pg;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict parser of the trigger's NOTIFY payloads. A payload is only a hint (anyone who can connect may
 * {@code pg_notify}), so this parser accepts exactly the shapes the shipped triggers send and nothing else:
 * <ul>
 *   <li>{@code {"action":"INSERT"|"UPDATE"|"DELETE","session_id":"..."}} (row trigger), also with the
 *       {@code "status":...} field that row triggers of version 1 sent, since such a trigger may still be installed
 *       until it is upgraded;</li>
 *   <li>{@code {"action":"INSERT"|"UPDATE"|"DELETE","ids":["...",...]}} (statement trigger);</li>
 *   <li>{@code {"action":"TRUNCATE"}} and {@code {"action":"RESYNC"}}.</li>
 * </ul>
 * {@code status} is accepted but never used: rows are always re-read by id. Ids are 1 to {@value #MAX_ID_LENGTH}
 * characters ({@link String#length()}), the limit the commands and the browser client use; the shipped triggers send
 * a RESYNC notice instead of a longer id. Thread-safe.
 */
final class PayloadParser {

    /** The longest session id accepted: the same limit as commands, the client, the shipped schema and the triggers. */
    static final int MAX_ID_LENGTH = 256;
    /** The most ids one statement notification may carry (the trigger sends RESYNC beyond). */
    static final int MAX_IDS = 2000;

    private static final Set<String> FIELDS = Set.of("action", "session_id", "status", "ids");

    private final ObjectMapper mapper;
    private final int maxLength;

    /**
     * Creates a parser.
     *
     * @param maxLength the longest payload accepted, in characters
     */
    PayloadParser(int maxLength) {
        this.maxLength = maxLength;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(3)
                        .maxStringLength(maxLength)
                        .maxNumberLength(32)
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = new ObjectMapper(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    }

    /** What a payload means. */
    sealed interface Result permits Signals, Resync, Rejected {
    }

    /**
     * One or more sessions changed.
     *
     * @param signals the signals, never empty
     */
    record Signals(List<ChangeSignal> signals) implements Result {
    }

    /** The trigger asked for a full rebuild (a statement changed too many rows to list). */
    record Resync() implements Result {
    }

    /**
     * The payload is not one the triggers send.
     *
     * @param why a short description for the log (never the whole payload)
     */
    record Rejected(String why) implements Result {
    }

    /**
     * Parses a payload.
     *
     * @param payload       the NOTIFY payload, possibly null or empty
     * @param receivedNanos when it was received, stamped on the signals
     * @return the meaning; never null, never throws
     */
    Result parse(String payload, long receivedNanos) {
        if (payload == null || payload.isEmpty()) {
            return new Rejected("empty payload");
        }
        if (payload.length() > maxLength) {
            return new Rejected("payload of " + payload.length() + " characters exceeds maxPayloadLength " + maxLength);
        }
        JsonNode root;
        try {
            root = mapper.readTree(payload);
        } catch (JsonProcessingException e) {
            return new Rejected("not strict JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            return new Rejected("not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            String name = field.getKey();
            if (!FIELDS.contains(name)) {
                return new Rejected("unknown field '" + abbreviate(name) + "'");
            }
        }
        JsonNode actionNode = root.get("action");
        if (actionNode == null || !actionNode.isTextual()) {
            return new Rejected("action missing or not a string");
        }
        String action = actionNode.textValue();
        JsonNode status = root.get("status");
        if (status != null && !(status.isNull() || status.isTextual() && status.textValue().length() <= MAX_ID_LENGTH)) {
            return new Rejected("status not a short string");
        }
        JsonNode sessionId = root.get("session_id");
        JsonNode ids = root.get("ids");
        switch (action) {
            case "RESYNC":
            case "TRUNCATE":
                if (sessionId != null || ids != null || status != null) {
                    return new Rejected(action + " with row fields");
                }
                return action.equals("RESYNC") ? new Resync()
                        : new Signals(List.of(new ChangeSignal(ChangeAction.TRUNCATE, null, receivedNanos)));
            case "INSERT":
            case "UPDATE":
            case "DELETE":
                return rowAction(ChangeAction.valueOf(action), sessionId, ids, receivedNanos);
            default:
                return new Rejected("unknown action '" + abbreviate(action) + "'");
        }
    }

    private static Result rowAction(ChangeAction action, JsonNode sessionId, JsonNode ids, long receivedNanos) {
        if ((sessionId == null) == (ids == null)) {
            return new Rejected(action + " needs exactly one of session_id and ids");
        }
        if (sessionId != null) {
            String id = validId(sessionId);
            if (id == null) {
                return new Rejected(action + " with an invalid session_id");
            }
            return new Signals(List.of(new ChangeSignal(action, id, receivedNanos)));
        }
        if (!ids.isArray() || ids.isEmpty() || ids.size() > MAX_IDS) {
            return new Rejected(action + " with ids not an array of 1 to " + MAX_IDS + " elements");
        }
        List<ChangeSignal> signals = new ArrayList<>(ids.size());
        for (JsonNode element : ids) {
            String id = validId(element);
            if (id == null) {
                return new Rejected(action + " with an invalid element in ids");
            }
            signals.add(new ChangeSignal(action, id, receivedNanos));
        }
        return new Signals(List.copyOf(signals));
    }

    private static String validId(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        String id = node.textValue();
        if (id.isBlank() || id.length() > MAX_ID_LENGTH) {
            return null;
        }
        return id;
    }

    private static String abbreviate(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return abbreviate(nl < 0 ? s : s.substring(0, nl));
    }
}
