package dev.sessionfeed.system;

import static dev.sessionfeed.system.Reliability.details;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.sessionfeed.FeedStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded soak profile (not in default CI): {@code -Dsessionfeed.system.soak=true}
 * [{@code -Dsessionfeed.system.soakMinutes=10}]. 20 clients, 20 writes/s, a fault every minute in turn (listener
 * kill, frozen TCP path, PostgreSQL outage of 5 s, a client dropping and resuming), settle after each; threads,
 * heap after GC, file descriptors and DB connections are sampled after every settle and must stay flat.
 */
@EnabledIfSystemProperty(named = "sessionfeed.system.soak", matches = "true")
class SoakTest {

    private static final Logger log = LoggerFactory.getLogger(SoakTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    /**
     * One settled moment. {@code threads} is every live thread of the JVM, including elastic pools (Jetty's
     * queued thread pool, the endpoint's worker pool, the JDK HTTP client) that grow under load and shrink when
     * idle; {@code sessionfeedThreads} are the library's fixed threads (rebuild, listener, poller, housekeeping).
     */
    record Sample(int threads, int sessionfeedThreads, long heapKb, long fds, long dbConnections, Map<String, Integer> threadGroups) {
        @Override
        public String toString() {
            return "threads=" + threads + ", sessionfeedThreads=" + sessionfeedThreads + ", heapKb=" + heapKb + ", fds=" + fds
                    + ", dbConnections=" + dbConnections;
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.HOURS) // the soak runs for sessionfeed.system.soakMinutes (10 by default)
    void resourcesStayFlatUnderSteadyWritesAndRecurringFaults() throws Exception {
        long minutes = Long.getLong("sessionfeed.system.soakMinutes", 10);
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults().replayWindow(64))) {
            List<String> ids = new ArrayList<>();
            List<Db.Write> seed = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = h.db.newId();
                ids.add(id);
                seed.add(new Db.Insert(id, i % 2 == 0 ? "waiting" : "active", "soak " + i));
            }
            h.db.transaction(seed);
            SystemHarness.Node node = h.startNode();
            List<AdminClient> clients = h.addClients(20);
            h.awaitSettled(SETTLE);

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            AtomicLong failedWrites = new AtomicLong();
            Random random = new Random(3);
            Runnable writeLoop = () -> FaultScenariosTest.pacedWhile(Integer.MAX_VALUE, 20, i -> {
                try {
                    h.db.apply(new Db.Update(ids.get(random.nextInt(ids.size()))));
                    writes.incrementAndGet();
                } catch (RuntimeException e) {
                    failedWrites.incrementAndGet(); // during the PostgreSQL outage
                }
                return writing.get();
            });
            Thread writer = startWriter(writeLoop);

            List<Sample> samples = new ArrayList<>();
            long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
            int round = 0;
            while (System.nanoTime() < end) {
                // A minute of steady writes (the soak's pace, not a wait for an event), then a fault.
                await().during(Duration.ofSeconds(50)).atMost(Duration.ofSeconds(60)).until(writer::isAlive);
                switch (round++ % 4) {
                    case 0 -> h.db.killListener();
                    case 1 -> {
                        long reconnects = node.source.stats().reconnects();
                        h.freezeListenerPath();
                        // The non-live spell may be shorter than a poll: a reconnect counts as detected too.
                        await().atMost(SETTLE).until(() -> node.source.status() != FeedStatus.LIVE
                                || node.source.stats().reconnects() > reconnects);
                        h.unfreezeListenerPath();
                    }
                    case 2 -> {
                        h.server.stop();
                        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> !h.server.isRunning());
                        h.server.start();
                    }
                    default -> {
                        AdminClient c = clients.get(round % clients.size());
                        c.disconnect();
                        c.connect();
                    }
                }
                writing.set(false);
                writer.join(5_000);
                h.awaitSettled(SETTLE);
                await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
                samples.add(sample(h));
                log.info("soak round {}: {}", round, samples.get(samples.size() - 1));
                writing.set(true);
                writer = startWriter(writeLoop);
            }
            writing.set(false);
            writer.join(5_000);
            h.awaitSettled(SETTLE);
            samples.add(sample(h));
            assertThat(h.orderViolations()).isEmpty();
            Sample first = samples.get(0);
            Sample last = samples.get(samples.size() - 1);
            // Flat: the library's own threads exactly; elastic pools may grow once under load but must not keep
            // growing with every fault (a leak would add threads each round): the last sample is at most the
            // largest earlier one.
            log.info("thread groups first {} last {}", first.threadGroups(), last.threadGroups());
            assertThat(last.sessionfeedThreads()).as("SessionFeed's own threads").isEqualTo(first.sessionfeedThreads());
            assertThat(fixedThreads(last)).as("threads outside elastic pools").isEqualTo(fixedThreads(first));
            assertThat(last.fds()).as("file descriptors").isLessThanOrEqualTo(first.fds() + 20);
            assertThat(last.dbConnections()).as("DB connections").isLessThanOrEqualTo(first.dbConnections());
            assertThat(last.heapKb()).as("heap after GC").isLessThanOrEqualTo(first.heapKb() * 3 / 2 + 10_240);
            Reliability.record("soak", "Soak: 20 clients, 20 writes/s, a fault every minute (" + minutes + " min)",
                    "flat: threads outside elastic pools " + fixedThreads(first) + "→" + fixedThreads(last) + " (SessionFeed's "
                            + first.sessionfeedThreads() + "→" + last.sessionfeedThreads() + "), heap " + first.heapKb() / 1024 + "→"
                            + last.heapKb() / 1024 + " MB, fds " + first.fds() + "→" + last.fds() + ", DB connections "
                            + first.dbConnections() + "→" + last.dbConnections(),
                    "threads, heap after GC, fds, DB connections flat",
                    details("rounds", round, "elasticPools", "Jetty qtp " + elastic(first, "qtp") + "→" + elastic(last, "qtp")
                                    + ", sessionfeed-ws-worker " + elastic(first, "sessionfeed-ws-worker") + "→" + elastic(last, "sessionfeed-ws-worker")
                                    + ", JDK HttpClient workers " + elastic(first, "HttpClient") + "→" + elastic(last, "HttpClient"), "writes", writes.get(), "writesFailedDuringOutages", failedWrites.get(),
                            "samples", samples.toString()));
        }
    }

    /** Pools that grow under load and shrink when idle: Jetty's, the endpoint's worker pool, the JDK HTTP client's. */
    private static final List<String> ELASTIC = List.of("qtp", "sessionfeed-ws-worker", "HttpClient");

    private static int elastic(Sample s, String prefix) {
        return s.threadGroups().entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && !e.getKey().contains("acceptor")
                && !e.getKey().contains("SelectorManager")).mapToInt(Map.Entry::getValue).sum();
    }

    private static int fixedThreads(Sample s) {
        return s.threads() - ELASTIC.stream().mapToInt(p -> elastic(s, p)).sum();
    }

    private static Thread startWriter(Runnable loop) {
        Thread t = new Thread(loop, "soak-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Sample sample(SystemHarness h) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long fds = os instanceof UnixOperatingSystemMXBean u ? u.getOpenFileDescriptorCount() : -1;
        Map<String, Integer> groups = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive()) {
                groups.merge(t.getName().replaceAll("[0-9]+", "#"), 1, Integer::sum);
            }
        }
        int all = groups.values().stream().mapToInt(Integer::intValue).sum();
        return new Sample(all, FaultScenariosTest.sessionfeedThreads(), heap, fds, h.db.connections(), groups);
    }
}
