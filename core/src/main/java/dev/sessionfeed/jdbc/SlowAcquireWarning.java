package dev.sessionfeed.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;

/**
 * Times {@link DataSource#getConnection()} for a reader and logs <em>one</em> warning with advice when it is slow
 * read after read: the sign of an unpooled {@code DataSource} (every read opens a new database connection, which
 * adds a connect and an authentication to every change's latency and to PostgreSQL's load) or of a pool that is
 * too small. A single slow acquire (a pause, a pool growing) is not enough: {@value #STREAK} in a row, each at
 * least the threshold, are. Logged once per reader; later slow acquires go to DEBUG.
 *
 * <p>Thread-safe, lock-free; the clock is {@link System#nanoTime()}.
 */
final class SlowAcquireWarning {

    /** Slow acquires in a row that make the warning. */
    static final int STREAK = 3;

    private final Logger log;
    private final String reader;
    private final long thresholdNanos;
    private final AtomicInteger streak = new AtomicInteger();
    private final AtomicLong streakNanos = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param log       where to warn (the reader's logger)
     * @param reader    what reads, for the message (fixed text from configuration, not from rows)
     * @param threshold an acquire taking at least this long is slow; {@link Duration#ZERO} turns the check off
     */
    SlowAcquireWarning(Logger log, String reader, Duration threshold) {
        this.log = log;
        this.reader = reader;
        this.thresholdNanos = threshold.toNanos();
    }

    /**
     * Gets a connection from {@code dataSource}, timing it.
     *
     * @param dataSource the reader's data source
     * @return the connection
     * @throws SQLException from the data source (a failed acquire is not timed)
     */
    Connection acquire(DataSource dataSource) throws SQLException {
        if (thresholdNanos == 0) {
            return dataSource.getConnection();
        }
        long start = System.nanoTime();
        Connection c = dataSource.getConnection();
        took(System.nanoTime() - start, dataSource);
        return c;
    }

    /** Records one acquire of {@code nanos}. */
    void took(long nanos, DataSource dataSource) {
        if (nanos < thresholdNanos) {
            streak.set(0);
            streakNanos.set(0);
            return;
        }
        long total = streakNanos.addAndGet(nanos);
        int n = streak.incrementAndGet();
        if (n < STREAK) {
            return;
        }
        if (warned.compareAndSet(false, true)) {
            log.warn("{}: getting a connection from the DataSource ({}) took {} ms on average over the last {} reads "
                            + "(each at least {} ms). An unpooled DataSource opens a new PostgreSQL connection for every "
                            + "read, which adds that much to every change's latency and a connect to the database's load: "
                            + "give the reader a connection pool (for example HikariCP), or a bigger pool if it is one. "
                            + "This warning is logged once.",
                    reader, dataSource.getClass().getName(), TimeUnit.NANOSECONDS.toMillis(total / n), n,
                    TimeUnit.NANOSECONDS.toMillis(thresholdNanos));
        } else if (log.isDebugEnabled()) {
            log.debug("{}: getting a connection took {} ms", reader, TimeUnit.NANOSECONDS.toMillis(nanos));
        }
    }

    /** Whether the warning was logged. */
    boolean warned() {
        return warned.get();
    }
}
