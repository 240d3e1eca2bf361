package dev.sessionfeed.websocket;

import dev.sessionfeed.protocol.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * Commands counted by action and outcome, for {@link WebSocketStats#commands()}. The key set is fixed when the
 * endpoint is made: the command handler's actions plus {@value #OTHER} (an action the handler does not know: a
 * client chooses the action, and must not choose the number of series a metrics system keeps), each with every
 * {@link #OUTCOMES outcome}. Thread-safe: one {@link LongAdder} per pair, no lock.
 */
final class CommandCounts {

    /** The action key of commands whose action the handler does not list. */
    static final String OTHER = "other";
    /** Every outcome a command can have: {@code ok} (acknowledged), or the error code it was answered with. */
    static final List<String> OUTCOMES = List.of("ok", ErrorCode.BAD_REQUEST.wireName(), ErrorCode.FORBIDDEN.wireName(),
            ErrorCode.NOT_FOUND.wireName(), ErrorCode.RATE_LIMITED.wireName(), ErrorCode.INTERNAL.wireName());

    private final Map<String, LongAdder[]> counts;

    /**
     * @param actions the command handler's actions (empty without a handler)
     */
    CommandCounts(Set<String> actions) {
        Map<String, LongAdder[]> m = new LinkedHashMap<>();
        for (String a : new TreeSet<>(actions)) {
            m.put(a, adders());
        }
        m.putIfAbsent(OTHER, adders());
        this.counts = Map.copyOf(m);
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[OUTCOMES.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    /** A command acknowledged. */
    void ok(String action) {
        row(action)[0].increment();
    }

    /** A command answered with an error. */
    void failed(String action, ErrorCode code) {
        int i = OUTCOMES.indexOf(code.wireName());
        row(action)[i < 0 ? OUTCOMES.size() - 1 : i].increment();
    }

    private LongAdder[] row(String action) {
        LongAdder[] row = counts.get(action);
        return row != null ? row : counts.get(OTHER);
    }

    /** The counts now: action (sorted, {@value #OTHER} included) to outcome (in {@link #OUTCOMES} order) to count. */
    Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String action : new TreeSet<>(counts.keySet())) {
            LongAdder[] row = counts.get(action);
            Map<String, Long> byOutcome = new LinkedHashMap<>();
            for (int i = 0; i < row.length; i++) {
                byOutcome.put(OUTCOMES.get(i), row[i].sum());
            }
            out.put(action, java.util.Collections.unmodifiableMap(byOutcome));
        }
        return java.util.Collections.unmodifiableMap(out);
    }
}
