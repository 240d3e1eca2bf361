package dev.sessionfeed.benchmarks.jmh;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.micrometer.SessionFeedMetrics;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a metrics scrape costs: reading every meter of {@link SessionFeedMetrics} (feed, source and endpoint, with a
 * command handler of two actions: about 60 meters) once, as a registry does when it publishes or Prometheus scrapes.
 * Every meter reads its part's stats snapshot; nothing runs between scrapes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScrapeBenchmark {

    private SessionFeed feed;
    private SessionFeedEndpoint endpoint;
    private SessionFeedMetrics metrics;
    private List<Meter> meters;

    /** Starts a feed over an in-memory table, an endpoint (no container) and binds the binder. */
    @Setup(Level.Trial)
    public void setup() {
        Fixtures.SilentSource source = new Fixtures.SilentSource();
        feed = SessionFeed.builder(new Fixtures.MemoryTable(100), source).build();
        feed.start();
        endpoint = SessionFeedEndpoint.create(feed, WebSocketOptions.builder(h -> Optional.empty())
                .allowedOrigins("https://admin.example.com").commandHandler(new TwoActions()).build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics = SessionFeedMetrics.builder(feed).source(source).endpoint(endpoint).build();
        metrics.bindTo(registry);
        meters = registry.getMeters();
    }

    /** Closes what setup made. */
    @TearDown(Level.Trial)
    public void tearDown() {
        metrics.close();
        endpoint.close();
        feed.close();
    }

    /**
     * Reads every meter once.
     *
     * @return the sum of the values (so the JIT keeps the reads)
     */
    @Benchmark
    public double scrapeAllMeters() {
        double sum = 0;
        for (Meter m : meters) {
            for (io.micrometer.core.instrument.Measurement v : m.measure()) {
                sum += v.getValue();
            }
        }
        return sum;
    }

    /** The actions of JdbcCommandHandler; never asked to run one. */
    static final class TwoActions implements dev.sessionfeed.command.CommandHandler {
        @Override
        public Set<String> actions() {
            return Set.of("end_session", "archive_session");
        }

        @Override
        public dev.sessionfeed.command.CommandResult handle(dev.sessionfeed.command.SessionCommand command, String actor) {
            throw new UnsupportedOperationException("not in a benchmark");
        }
    }
}
