package dev.sessionfeed.benchmarks.jmh;

import dev.sessionfeed.SessionFeed;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's cost per change without I/O: {@code refresh} of one changed session on a feed over an in-memory
 * table of {@code sessions} sessions — hand-off to the rebuild thread, read, diff against the last snapshot, seq
 * stamp, replay window, publish (no broadcaster attached). The "diff" of the issue, measured through the public API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RebuildBenchmark {

    /** Sessions in the table. */
    @Param({"100", "1000", "10000"})
    public int sessions;

    private Fixtures.MemoryTable table;
    private SessionFeed feed;
    private int next;

    /** Starts the feed. */
    @Setup(Level.Trial)
    public void setup() {
        table = new Fixtures.MemoryTable(sessions);
        feed = SessionFeed.builder(table, new Fixtures.SilentSource()).build();
        feed.start();
    }

    /** Stops the feed. */
    @TearDown(Level.Trial)
    public void tearDown() {
        feed.close();
    }

    /**
     * One session changed: refresh it and wait for the published state.
     *
     * @return the seq
     */
    @Benchmark
    public long refreshOneChangedSession() {
        String id = String.format("s%06d", 1 + (next++ % sessions));
        table.bump(id);
        return feed.refresh(Set.of(id)).join();
    }
}
