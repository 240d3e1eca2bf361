package dev.sessionfeed.benchmarks.jmh;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.benchmarks.harness.ClientState;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Client-side apply: parsing one frame and applying it to a client's state of {@code sessions} sessions, as the
 * benchmark's dashboard client does (Jackson streaming parser into a map by id). A one-session delta vs the full list
 * that a client without deltas must parse for every change.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ApplyBenchmark {

    /** Sessions the client holds. */
    @Param({"100", "1000"})
    public int sessions;

    private ClientState state;
    private String deltaFrame;
    private String fullFrame;
    private long count;

    /**
     * Encodes the frames with the real codec and fills the client state.
     *
     * @throws IOException never for these frames
     */
    @Setup
    public void setup() throws IOException {
        ProtocolCodec codec = new ProtocolCodec();
        List<ChatSession> all = Fixtures.sessions(sessions);
        fullFrame = codec.encode(new ServerMessage.SessionUpdate("bench", 1, Fixtures.T0, all));
        deltaFrame = codec.encode(new ServerMessage.Delta(new SessionDelta("bench", 2, 1, Fixtures.T0,
                List.of(Fixtures.session(7, 42)), List.of(), Fixtures.metrics(sessions))));
        state = new ClientState();
        state.apply(fullFrame, 0, (id, c, t) -> { });
    }

    /**
     * Applies a one-session delta.
     *
     * @return the number of changed sessions seen
     * @throws IOException never
     */
    @Benchmark
    public long deltaOneSession() throws IOException {
        state.apply(deltaFrame, 0, (id, c, t) -> count++);
        return count;
    }

    /**
     * Applies the full list.
     *
     * @return the number of changed sessions seen
     * @throws IOException never
     */
    @Benchmark
    public long fullList() throws IOException {
        state.apply(fullFrame, 0, (id, c, t) -> count++);
        return count;
    }
}
