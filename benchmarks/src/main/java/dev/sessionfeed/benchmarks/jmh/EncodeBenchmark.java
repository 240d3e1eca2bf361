package dev.sessionfeed.benchmarks.jmh;

import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionDelta;
import dev.sessionfeed.protocol.ProtocolCodec;
import dev.sessionfeed.protocol.ServerMessage;
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
 * Encoding one broadcast with the protocol codec: a one-session delta (what every change costs once, whatever the
 * number of clients) and a full session list of {@code sessions} sessions (what a client without deltas costs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EncodeBenchmark {

    /** Number of sessions in the full list. */
    @Param({"100", "1000"})
    public int sessions;

    private final ProtocolCodec codec = new ProtocolCodec();
    private ServerMessage delta;
    private ServerMessage full;

    /** Builds the messages. */
    @Setup
    public void setup() {
        List<ChatSession> all = Fixtures.sessions(sessions);
        delta = new ServerMessage.Delta(new SessionDelta("bench", 2, 1, Fixtures.T0, List.of(Fixtures.session(7, 42)), List.of(),
                Fixtures.metrics(sessions)));
        full = new ServerMessage.SessionUpdate("bench", 2, Fixtures.T0, all);
    }

    /**
     * Encodes a one-session delta with metrics.
     *
     * @return the frame
     */
    @Benchmark
    public String deltaOneSession() {
        return codec.encode(delta);
    }

    /**
     * Encodes the full session list.
     *
     * @return the frame
     */
    @Benchmark
    public String fullList() {
        return codec.encode(full);
    }
}
