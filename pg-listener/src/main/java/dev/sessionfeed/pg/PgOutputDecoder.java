package dev.sessionfeed.pg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the messages of PostgreSQL's built-in {@code pgoutput} plugin (the "Logical Replication Message Formats"
 * chapter of the PostgreSQL documentation), as far as the logical source needs them: Begin, Commit, Relation, Type,
 * Insert, Update, Delete, Truncate, Message and Origin. Values are read in text format (the plugin's default); no
 * streamed (in-progress) transactions are asked for, so no message carries a transaction id.
 *
 * <p>Anything it does not understand (an unknown message type, a tuple of an unknown relation, a truncated buffer)
 * is an {@link IllegalStateException}: the stream is then out of step with this decoder, and the source reconnects
 * and resyncs. Strings are read as UTF-8, the encoding pgjdbc asks the server for.
 *
 * <p>Not thread-safe: one decoder per replication stream (it keeps the stream's relation cache), used by the
 * stream's thread only.
 */
final class PgOutputDecoder {

    /** What the stream said; called in stream order on the decoding thread. */
    interface Events {
        /** A Relation message (sent before the first change of a relation in a session, and after it changed). */
        void relation(Relation relation);

        /**
         * A row change of a relation.
         *
         * @param kind     'I', 'U' or 'D'
         * @param relation the relation (from the cache)
         * @param oldKey   the old key or old row ('K'/'O' tuple) of an UPDATE or DELETE, or null when not sent
         * @param newRow   the new row of an INSERT or UPDATE, or null for a DELETE
         */
        void change(char kind, Relation relation, Tuple oldKey, Tuple newRow);

        /** A TRUNCATE of the given relation ids. */
        void truncate(int[] relationIds);

        /** The end of a transaction: its changes are all delivered. */
        void commit(long endLsn);

        /** A logical decoding message ({@code pg_logical_emit_message}). */
        void message(boolean transactional, long lsn, String prefix, byte[] content);
    }

    /**
     * A relation as the stream describes it.
     *
     * @param id               the relation's oid
     * @param namespace        its schema
     * @param name             its name
     * @param replicaIdentity  {@code d} default, {@code n} nothing, {@code f} full, {@code i} index
     * @param columns          column names in order
     * @param typeOids         the columns' type oids
     * @param keyColumns       whether each column is part of the replica identity key
     */
    record Relation(int id, String namespace, String name, char replicaIdentity, List<String> columns, int[] typeOids,
                    boolean[] keyColumns) {

        /** The index of a column, or -1. */
        int indexOf(String column) {
            return columns.indexOf(column);
        }
    }

    /**
     * The values of one tuple, by column position: text (null for SQL NULL), or {@link #UNCHANGED} for an
     * unchanged out-of-line ("TOASTed") value that the server did not send.
     *
     * @param values one entry per column
     */
    record Tuple(List<String> values) {
        /** Marks a value the server left out because it did not change and is stored out of line. */
        static final String UNCHANGED = new String("\u0000unchanged-toast");
    }

    private final Map<Integer, Relation> relations = new HashMap<>();
    private final Map<Integer, String> typeNames = new HashMap<>();

    /**
     * Decodes one message (the payload of one XLogData message).
     *
     * @param b      the message, positioned at its type byte
     * @param events where the decoded content goes
     * @throws IllegalStateException when the message is not understood
     */
    void decode(ByteBuffer b, Events events) {
        try {
            char type = (char) b.get();
            switch (type) {
                case 'B':
                    b.getLong(); // final LSN
                    b.getLong(); // commit timestamp
                    b.getInt(); // xid
                    return;
                case 'C':
                    b.get(); // flags
                    b.getLong(); // commit LSN
                    events.commit(b.getLong());
                    return;
                case 'O':
                    b.getLong();
                    string(b);
                    return;
                case 'R':
                    events.relation(relation(b));
                    return;
                case 'Y': {
                    int oid = b.getInt();
                    string(b); // namespace
                    typeNames.put(oid, string(b));
                    return;
                }
                case 'I': {
                    Relation r = known(b.getInt());
                    expect(b, 'N');
                    events.change('I', r, null, tuple(b));
                    return;
                }
                case 'U': {
                    Relation r = known(b.getInt());
                    Tuple old = null;
                    char next = (char) b.get();
                    if (next == 'K' || next == 'O') {
                        old = tuple(b);
                        next = (char) b.get();
                    }
                    if (next != 'N') {
                        throw new IllegalStateException("UPDATE without a new tuple (got '" + next + "')");
                    }
                    events.change('U', r, old, tuple(b));
                    return;
                }
                case 'D': {
                    Relation r = known(b.getInt());
                    char next = (char) b.get();
                    if (next != 'K' && next != 'O') {
                        throw new IllegalStateException("DELETE without an old tuple (got '" + next + "')");
                    }
                    events.change('D', r, tuple(b), null);
                    return;
                }
                case 'T': {
                    int n = b.getInt();
                    b.get(); // options (CASCADE, RESTART IDENTITY)
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = b.getInt();
                    }
                    events.truncate(ids);
                    return;
                }
                case 'M': {
                    boolean transactional = (b.get() & 1) != 0;
                    long lsn = b.getLong();
                    String prefix = string(b);
                    int len = b.getInt();
                    if (len < 0 || len > b.remaining()) {
                        throw new IllegalStateException("message content length " + len + " exceeds the message");
                    }
                    byte[] content = new byte[len];
                    b.get(content);
                    events.message(transactional, lsn, prefix, content);
                    return;
                }
                default:
                    throw new IllegalStateException("unknown pgoutput message type '" + type + "' (" + (int) type + ")");
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalStateException("truncated pgoutput message", e);
        }
    }

    /**
     * The name of a type oid: a built-in type, or one the stream described (Type message).
     *
     * @return the name, or {@code oid:<n>} when unknown
     */
    String typeName(int oid) {
        String builtIn = builtInType(oid);
        if (builtIn != null) {
            return builtIn;
        }
        String described = typeNames.get(oid);
        return described != null ? described : "oid:" + oid;
    }

    private Relation relation(ByteBuffer b) {
        int id = b.getInt();
        String namespace = string(b);
        String name = string(b);
        char identity = (char) b.get();
        int n = b.getShort();
        List<String> cols = new ArrayList<>(n);
        int[] types = new int[n];
        boolean[] key = new boolean[n];
        for (int i = 0; i < n; i++) {
            key[i] = (b.get() & 1) != 0;
            cols.add(string(b));
            types[i] = b.getInt();
            b.getInt(); // type modifier
        }
        Relation r = new Relation(id, namespace, name, identity, Collections.unmodifiableList(cols), types, key);
        relations.put(id, r);
        return r;
    }

    private Relation known(int id) {
        Relation r = relations.get(id);
        if (r == null) {
            throw new IllegalStateException("change of relation " + id + " before its Relation message");
        }
        return r;
    }

    private static Tuple tuple(ByteBuffer b) {
        int n = b.getShort();
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            char kind = (char) b.get();
            switch (kind) {
                case 'n':
                    values.add(null);
                    break;
                case 'u':
                    values.add(Tuple.UNCHANGED);
                    break;
                case 't': {
                    int len = b.getInt();
                    if (len < 0 || len > b.remaining()) {
                        throw new IllegalStateException("column value length " + len + " exceeds the message");
                    }
                    values.add(new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8));
                    b.position(b.position() + len);
                    break;
                }
                default:
                    throw new IllegalStateException("unknown tuple value kind '" + kind + "' (binary format is not asked for)");
            }
        }
        return new Tuple(Collections.unmodifiableList(values));
    }

    private static void expect(ByteBuffer b, char c) {
        char got = (char) b.get();
        if (got != c) {
            throw new IllegalStateException("expected '" + c + "', got '" + got + "'");
        }
    }

    private static String string(ByteBuffer b) {
        int start = b.position();
        int end = start;
        while (b.get(end) != 0) {
            end++;
        }
        String s = new String(b.array(), b.arrayOffset() + start, end - start, StandardCharsets.UTF_8);
        b.position(end + 1);
        return s;
    }

    /** The oids of the built-in types whose text form the row decoder converts (pg_type.dat). */
    private static String builtInType(int oid) {
        switch (oid) {
            case 16: return "bool";
            case 19: return "name";
            case 20: return "int8";
            case 21: return "int2";
            case 23: return "int4";
            case 25: return "text";
            case 26: return "oid";
            case 114: return "json";
            case 700: return "float4";
            case 701: return "float8";
            case 1042: return "bpchar";
            case 1043: return "varchar";
            case 1082: return "date";
            case 1083: return "time";
            case 1114: return "timestamp";
            case 1184: return "timestamptz";
            case 1700: return "numeric";
            case 2950: return "uuid";
            case 3802: return "jsonb";
            default: return null;
        }
    }
}
