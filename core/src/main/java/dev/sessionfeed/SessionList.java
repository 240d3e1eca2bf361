package dev.sessionfeed;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The engine's immutable display list of sessions, with an id-to-position index, so that a change of a few
 * sessions costs the change (plus one array copy) rather than rebuilding maps and lists from the whole snapshot.
 *
 * <p>The index is built once per set of ids-at-positions, on first use, and shared by every list derived with
 * {@link #withReplaced}, which keeps each id at its position. {@link dev.sessionfeed.Snapshot} keeps a
 * {@code SessionList} as is instead of copying it.
 *
 * <p>Unmodifiable (every mutator throws {@link UnsupportedOperationException}); equality and hash code are those of
 * {@link List}. Thread-safe: the elements never change, and the lazily built index is published through a
 * volatile field (two threads may build it at once; both results are equal).
 */
final class SessionList extends AbstractList<ChatSession> implements RandomAccess {

    private static final SessionList EMPTY = new SessionList(new ChatSession[0], null);

    private final ChatSession[] items;
    private volatile Map<String, Integer> positions;

    private SessionList(ChatSession[] items, Map<String, Integer> positions) {
        this.items = items;
        this.positions = positions;
    }

    /**
     * Returns {@code sessions} itself if it is a {@code SessionList}, else an immutable copy of it.
     *
     * @param sessions the sessions in display order
     * @return an immutable list with the same elements in the same order
     * @throws NullPointerException if {@code sessions} or any element is null
     */
    static SessionList copyOf(List<ChatSession> sessions) {
        if (sessions instanceof SessionList list) {
            return list;
        }
        if (sessions.isEmpty()) {
            return EMPTY;
        }
        ChatSession[] items = sessions.toArray(new ChatSession[0]);
        for (ChatSession s : items) {
            Objects.requireNonNull(s, "session");
        }
        return new SessionList(items, null);
    }

    @Override
    public ChatSession get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public Object[] toArray() {
        return Arrays.copyOf(items, items.length, Object[].class);
    }

    /**
     * The position of the first session with {@code id}; builds the index on first use (O(size) once).
     *
     * @param id a session id
     * @return the position, or -1 when no session has that id
     */
    int position(String id) {
        Map<String, Integer> index = positions;
        if (index == null) {
            index = new HashMap<>(Math.max(16, items.length * 2));
            for (int i = 0; i < items.length; i++) {
                index.putIfAbsent(items[i].id(), i);
            }
            positions = index;
        }
        Integer at = index.get(id);
        return at == null ? -1 : at;
    }

    /**
     * A copy with some sessions replaced in place by sessions with the same id; shares this list's index.
     *
     * @param at    positions to replace
     * @param with  the new sessions, {@code with[i]} for position {@code at[i]}
     * @param count how many entries of {@code at} and {@code with} to use
     * @return the new list
     * @throws IllegalArgumentException if a new session's id differs from the one at its position
     */
    SessionList withReplaced(int[] at, ChatSession[] with, int count) {
        ChatSession[] copy = items.clone();
        for (int i = 0; i < count; i++) {
            if (!copy[at[i]].id().equals(with[i].id())) {
                throw new IllegalArgumentException("replacement " + with[i].id() + " for " + copy[at[i]].id()
                        + " at position " + at[i]);
            }
            copy[at[i]] = with[i];
        }
        return new SessionList(copy, positions);
    }

    /**
     * A new list: {@code first} in front, then this list's sessions without those at {@code removed}, with
     * those at {@code replacedAt} replaced. Its index is built again on first use.
     *
     * @param first        sessions to put first, in order
     * @param removed      positions to leave out, ascending
     * @param removedCount how many entries of {@code removed} to use
     * @param replacedAt   positions to replace, ascending
     * @param with         the new sessions, {@code with[i]} for position {@code replacedAt[i]}
     * @param replaced     how many entries of {@code replacedAt} and {@code with} to use
     * @return the new list
     */
    SessionList rebuilt(List<ChatSession> first, int[] removed, int removedCount, int[] replacedAt,
                        ChatSession[] with, int replaced) {
        ChatSession[] next = new ChatSession[first.size() + items.length - removedCount];
        int n = 0;
        for (ChatSession s : first) {
            next[n++] = Objects.requireNonNull(s, "session");
        }
        int r = 0;
        int c = 0;
        for (int i = 0; i < items.length; i++) {
            if (r < removedCount && removed[r] == i) {
                r++;
            } else if (c < replaced && replacedAt[c] == i) {
                next[n++] = with[c++];
            } else {
                next[n++] = items[i];
            }
        }
        return new SessionList(next, null);
    }
}
