package dev.sessionfeed.pg;

/**
 * A connection whose blocked call another thread can make fail at once: what the {@link Watchdog} aborts when a wait
 * on it stalls. Implemented by the LISTEN connection and the logical replication connection.
 */
interface Abortable {

    /** Aborts the connection so that a blocked read fails at once. Any thread; never throws. */
    void abort();
}
