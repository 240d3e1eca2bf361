package dev.sessionfeed.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A change that carries the row it produced, reported by a row-carrying source (for example
 * {@code PgLogicalChangeSource}, which reads it from PostgreSQL's write-ahead log) through
 * {@link ChangeListener#onRowChange(RowChange)}. Unlike a {@link ChangeSignal} it is not a hint: a source reports a
 * row change only for content that cannot be forged by other database users, and the feed applies it without
 * re-reading the row when its {@link dev.sessionfeed.SnapshotBuilder} can {@linkplain
 * dev.sessionfeed.SnapshotBuilder#decodeRow decode} rows; otherwise the change is treated as a signal for
 * {@link #sessionId()}.
 *
 * <p>Values are the columns' text forms as PostgreSQL prints them ({@code timestamptz} as
 * {@code 2026-12-04 21:34:12.123+00}, {@code jsonb} as JSON text, {@code bool} as {@code t}/{@code f}); a column
 * whose value is SQL NULL maps to null. A column absent from {@link #columns()} was not sent (PostgreSQL leaves out
 * an unchanged out-of-line ("TOASTed") value): such a change cannot be applied, and the feed re-reads the row.
 *
 * <p>Immutable and thread-safe.
 *
 * @param action        {@link ChangeAction#INSERT} or {@link ChangeAction#UPDATE} (with the new row in
 *                      {@code columns}), or {@link ChangeAction#DELETE} (with {@code columns} empty or holding the
 *                      old key only)
 * @param sessionId     the session's id as the protocol shows it (the key column's text form); never blank
 * @param columns       column name to text value (null for SQL NULL), in table order; copied
 * @param types         column name to PostgreSQL type name ({@code text}, {@code int4}, {@code jsonb},
 *                      {@code timestamptz}, ...), for decoding attribute values; copied; may be empty
 * @param receivedNanos {@link System#nanoTime()} when the source received the change (for latency measurement)
 */
public record RowChange(ChangeAction action, String sessionId, Map<String, String> columns, Map<String, String> types,
                        long receivedNanos) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException     if {@code action}, {@code sessionId}, {@code columns} or {@code types} is null,
     *                                  or a column name is null
     * @throws IllegalArgumentException if {@code action} is {@link ChangeAction#TRUNCATE} (report a TRUNCATE as a
     *                                  {@link ChangeSignal}) or {@code sessionId} is blank
     */
    public RowChange {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(sessionId, "sessionId");
        if (action == ChangeAction.TRUNCATE) {
            throw new IllegalArgumentException("action must be INSERT, UPDATE or DELETE for a RowChange, was TRUNCATE "
                    + "(report it as a ChangeSignal)");
        }
        if (sessionId.isBlank()) {
            throw new IllegalArgumentException("sessionId must not be blank, was '" + sessionId + "'");
        }
        columns = copy(Objects.requireNonNull(columns, "columns"));
        types = copy(Objects.requireNonNull(types, "types"));
    }

    /**
     * The signal this change amounts to when it cannot be applied: re-read {@link #sessionId()}.
     *
     * @return a signal with the same action, id and receive time
     */
    public ChangeSignal asSignal() {
        return new ChangeSignal(action, sessionId, receivedNanos);
    }

    private static Map<String, String> copy(Map<String, String> m) {
        Map<String, String> c = new LinkedHashMap<>(m.size() * 2);
        for (Map.Entry<String, String> e : m.entrySet()) {
            c.put(Objects.requireNonNull(e.getKey(), "column name"), e.getValue());
        }
        return Collections.unmodifiableMap(c);
    }

    @Override
    public String toString() {
        // Row values may be visitor-supplied: never in toString (it ends up in logs).
        return "RowChange{" + action + ", " + columns.size() + " columns}";
    }
}
