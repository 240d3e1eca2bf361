package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.BenchContext;
import dev.sessionfeed.benchmarks.harness.Blocks;
import dev.sessionfeed.benchmarks.harness.FeedClient;
import dev.sessionfeed.benchmarks.harness.Fmt;
import dev.sessionfeed.benchmarks.harness.Latencies;
import dev.sessionfeed.benchmarks.harness.OpenLoop;
import dev.sessionfeed.benchmarks.harness.Rig;
import dev.sessionfeed.benchmarks.harness.Scenario;
import dev.sessionfeed.benchmarks.harness.ScenarioResult;
import dev.sessionfeed.benchmarks.harness.StalledSocket;
import dev.sessionfeed.benchmarks.harness.Stats;
import dev.sessionfeed.benchmarks.harness.Workload;
import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.testkit.TestDatabase;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 12's memory attack as a benchmark: {@value #N} viewers that subscribe to a large full state ({@value #SESSIONS}
 * sessions with {@value #SUBJECT_CHARS}-character subjects, several MB) as text and never read, against K =
 * {@value #K} healthy delta clients. Blocks without and with the attackers alternate; reported are the healthy
 * clients' commit→client latency per mode, the per-block ratio, the endpoint's memory budget figures and the heap.
 */
public final class AttackScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(AttackScenario.class);
    private static final int SESSIONS = 5_000;
    private static final int SUBJECT_CHARS = 1_000;
    private static final int K = 20;
    private static final int N = 100;
    private static final double RATE = 20;
    private static final String WITHOUT = "without attackers";
    private static final String BURST = N + " attackers at once";
    private static final String SUSTAINED = N + " attackers, replaced every second";
    private static final double GOAL_RATIO = 1.5;

    @Override
    public String name() {
        return "attack";
    }

    @Override
    public String title() {
        return "Memory attack: " + N + " non-reading viewers of a large full state";
    }

    @Override
    public ScenarioResult run(BenchContext ctx) throws Exception {
        ScenarioResult r = new ScenarioResult(name(), title());
        TestDatabase db = ctx.newDatabase("bench_attack");
        ctx.serverInfo(db);
        Workload.seed(db, SESSIONS, SUBJECT_CHARS);
        Workload wl = new Workload(SESSIONS);
        int rounds = ctx.pick(3, 6);
        int writes = OpenLoop.countFor(RATE, ctx.seconds(5, 10));
        List<Map<String, Object>> attackBlocks = new ArrayList<>();
        Map<String, Object> data = new LinkedHashMap<>();
        // Every rig client is the admin "bench": lift the per-admin cap (100) so that the attack meets the memory
        // budget, as an attack by many accounts would, rather than being refused at the handshake.
        // The subjects are shown whole (maxTextLength defaults to 500 characters).
        SessionTable table = SessionTable.builder().maxTextLength(SUBJECT_CHARS)
                .maxSessionBytes(24 * SUBJECT_CHARS).maxSessions(SESSIONS).build();
        try (Rig rig = Rig.start(db, Rig.options().table(table).webSocket(b -> b.maxConnectionsPerAdmin(10_000)));
             Workload.Writer w = wl.writer(db)) {
            SessionFeedEndpoint endpoint = rig.endpoint();
            // One at a time: K first full states at once would exceed the memory budget themselves (they are
            // refused with 1013, and the harness's clients do not reconnect as the browser client does).
            List<FeedClient> healthy = new ArrayList<>();
            for (int i = 0; i < K; i++) {
                healthy.addAll(rig.connect(1, true, wl.events()));
                awaitDrained(endpoint, 0, 10_000_000_000L);
            }
            long fullStateChars = healthy.get(0).bytes();
            wl.newSink();
            OpenLoop.run(RATE, 40, (i, at) -> w.write(at));
            long heapBefore = usedHeapAfterGc();
            Blocks blocks = new Blocks(List.of(WITHOUT, BURST, SUSTAINED));
            blocks.run(rounds, (mode, b) -> {
                Attack attack = null;
                BufferSampler sampler = null;
                WebSocketStats s0 = endpoint.stats();
                Latencies l = wl.newSink();
                if (!mode.equals(WITHOUT)) {
                    sampler = BufferSampler.start(endpoint);
                    attack = Attack.start(rig, K, mode.equals(SUSTAINED));
                }
                OpenLoop.run(RATE, writes, (i, at) -> w.write(at));
                long expected = (long) writes * K;
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (l.count() < expected && System.nanoTime() < deadline) {
                    OpenLoop.parkUntil(System.nanoTime() + 2_000_000);
                }
                if (attack != null) {
                    attack.stop();
                    long peak = sampler.stop();
                    int stillOpen = endpoint.stats().openConnections() - K;
                    // Collected after the block's measured writes, with the attackers still connected, so the
                    // pause does not land in the healthy clients' figures.
                    long heap = usedHeapAfterGc();
                    WebSocketStats s1 = endpoint.stats();
                    attack.closeAll();
                    long t0 = System.nanoTime();
                    awaitDrained(endpoint, K, 20_000_000_000L);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("mode", mode);
                    m.put("block", b);
                    m.put("attackerConnections", attack.opened());
                    m.put("attackersFailedToOpen", attack.failed());
                    m.put("bufferedBytesPeak", peak);
                    m.put("stalledClientsShed", s1.stalledClientsShed() - s0.stalledClientsShed());
                    m.put("slowClientsClosed", s1.slowClientsClosed() - s0.slowClientsClosed());
                    m.put("subscriptionsRefused", s1.subscriptionsRefused() - s0.subscriptionsRefused());
                    m.put("attackersOpenAtBlockEnd", stillOpen);
                    m.put("heapAfterGcBytes", heap);
                    m.put("drainedAfterS", Latencies.round((System.nanoTime() - t0) / 1e9));
                    m.put("bufferedBytesAfterDrain", endpoint.stats().bufferedBytes());
                    attackBlocks.add(m);
                    LOG.info("  attack block {}: {}", b, m);
                }
                return Map.of("delivery", l);
            });
            long heapAfter = usedHeapAfterGc();
            WebSocketStats end = endpoint.stats();

            Latencies without = blocks.merged(WITHOUT, "delivery");
            ScenarioResult.TableBuilder t = r.table("The " + K + " healthy delta clients' commit→client latency (ms), "
                    + (int) RATE + " writes/s, " + rounds + " rounds", "mode", "n", "p50", "p90", "p99", "p99.9", "max");
            FloorScenario.row(t, WITHOUT, without);
            ScenarioResult.TableBuilder ratios = r.table("Per-block ratio with ÷ without (the healthy clients' latency)",
                    "mode", "p50 ratio, median (min–max)", "p99 ratio, median (min–max)");
            Map<String, Map<String, Object>> p99s = new LinkedHashMap<>();
            for (String mode : List.of(BURST, SUSTAINED)) {
                Latencies with = blocks.merged(mode, "delivery");
                FloorScenario.row(t, "with " + mode + " (full state, text, never read)", with);
                Map<String, Object> p99 = Stats.spread(blocks.ratios(mode, "delivery", WITHOUT, "delivery", x -> x.percentileMs(99)));
                Map<String, Object> p50 = Stats.spread(blocks.ratios(mode, "delivery", WITHOUT, "delivery", x -> x.percentileMs(50)));
                ratios.row(mode, Stats.cell(p50, "×"), Stats.cell(p99, "×"));
                p99s.put(mode, p99);
                Map<String, Object> md = new LinkedHashMap<>();
                md.put("latency", with.summary());
                md.put("p50Ratio", p50);
                md.put("p99Ratio", p99);
                data.put(mode, md);
            }
            data.put(WITHOUT, Map.of("latency", without.summary()));

            ScenarioResult.TableBuilder a = r.table("Each attack block: the endpoint's memory budget (maxBufferedBytes = 64 MiB, "
                            + "default) and the server JVM's heap",
                    "mode", "block", "attacker connections made", "bufferedBytes peak, MiB", "stalledClientsShed", "slowClientsClosed",
                    "subscriptionsRefused", "attackers open at block end", "heap after GC, MiB", "drained after s");
            long peakAll = 0;
            long heapMax = 0;
            for (Map<String, Object> m : attackBlocks) {
                long peak = (Long) m.get("bufferedBytesPeak");
                long heap = (Long) m.get("heapAfterGcBytes");
                peakAll = Math.max(peakAll, peak);
                heapMax = Math.max(heapMax, heap);
                a.row(m.get("mode"), m.get("block"), m.get("attackerConnections"), mib(peak), m.get("stalledClientsShed"), m.get("slowClientsClosed"),
                        m.get("subscriptionsRefused"), m.get("attackersOpenAtBlockEnd"), mib(heap), m.get("drainedAfterS"));
            }
            r.table("Heap after GC (MiB) and the endpoint's totals", "heap before the attacks", "max during attack blocks",
                    "after the last block", "bufferedBytes peak, MiB", "stalledClientsShed", "slowClientsClosed",
                    "subscriptionsRefused", "bufferedBytes at the end")
                    .row(mib(heapBefore), mib(heapMax), mib(heapAfter), mib(peakAll), end.stalledClientsShed(),
                            end.slowClientsClosed(), end.subscriptionsRefused(), end.bufferedBytes());

            for (String mode : List.of(BURST, SUSTAINED)) {
                Map<String, Object> p99 = p99s.get(mode);
                double ratio = (Double) p99.get("median");
                r.goal("healthy p99 with attackers ≤ " + Fmt.num(GOAL_RATIO) + "× without (" + mode + ")", Stats.cell(p99, "×"),
                        ratio <= GOAL_RATIO, "per-block ratio of the " + K + " healthy clients' p99 (median, min–max over "
                                + p99.get("blocks") + " block pairs); merged p99 "
                                + Fmt.num(blocks.merged(mode, "delivery").percentileMs(99)) + " vs "
                                + Fmt.num(without.percentileMs(99)) + " ms");
            }
            data.put("fullStateChars", fullStateChars);
            data.put("heapBeforeBytes", heapBefore);
            data.put("heapAfterBytes", heapAfter);
            data.put("attackBlocks", attackBlocks);
            data.put("endpointStatsAtEnd", end.toString());
            r.note("Full state: " + SESSIONS + " sessions with " + SUBJECT_CHARS + "-character subjects, "
                    + Fmt.num(fullStateChars / 1048576.0) + " MiB of text (a healthy client's first frames). Each attack block "
                    + "runs " + N + " attackers: raw TCP sockets (4 KiB receive buffer) that complete the handshake, subscribe without "
                    + "deltas as text (a full state per change) and never read again. They connect at the block's start, "
                    + "together with its first writes (the latency window includes their arrival). \"" + BURST + "\": that is "
                    + "all (issue 12's attack, as in MemoryAttackTest). \"" + SUSTAINED + "\": every second those the "
                    + "endpoint closed are replaced by new ones (a viewer that reloads at once), so " + N + " keep trying for "
                    + "the whole block. After the block all are closed and it waits until the endpoint holds only the " + K + " healthy clients and bufferedBytes is "
                    + "under 1 MiB. Writes are open-loop at " + (int) RATE + "/s round-robin over the sessions; latency is "
                    + "from a write's intended start to its arrival at a healthy client. All rig clients are one admin, "
                    + "so `maxConnectionsPerAdmin` is raised to 10,000 (the default 100 would refuse the attackers at "
                    + "the handshake); every other endpoint option is its default.");
            r.note("bufferedBytes is sampled every 10 ms from `SessionFeedEndpoint.stats()` during attack blocks. Heap is "
                    + "this JVM's used heap after System.gc() (MemoryMXBean), read at the end of each attack block (after its "
                    + "measured writes, attackers still connected) so the pause is not in the latency figures; clients and "
                    + "server share the heap (the healthy clients hold " + K + " copies of the state), so it is an upper bound "
                    + "for the server side.");
        }
        r.data("attack", data);
        return r;
    }

    /** Waits (bounded) until the endpoint holds at most {@code open} connections and under 1 MiB of unsent frames. */
    private static void awaitDrained(SessionFeedEndpoint endpoint, int open, long boundNanos) throws InterruptedException {
        long deadline = System.nanoTime() + boundNanos;
        while (System.nanoTime() < deadline) {
            WebSocketStats s = endpoint.stats();
            if ((open == 0 || s.openConnections() <= open) && s.bufferedBytes() < 1 << 20) {
                return;
            }
            OpenLoop.parkUntil(System.nanoTime() + 10_000_000);
        }
    }

    private static double mib(long bytes) {
        return Math.round(bytes / 1048576.0 * 10) / 10.0;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            OpenLoop.parkUntil(System.nanoTime() + 50_000_000L); // pacing between collections
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * Opens {@value #N} attackers at once and, if asked to, every second replaces those the endpoint no longer counts
     * as open. Its thread opens the sockets; {@link #stop()} and {@link #closeAll()} are called by the
     * block's thread after that.
     */
    private static final class Attack {
        private final List<StalledSocket> sockets = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;
        private volatile int failed;

        private Attack(Rig rig, int healthy, boolean replace) {
            thread = new Thread(() -> {
                try {
                    while (running) {
                        int missing = N - Math.max(0, rig.endpoint().stats().openConnections() - healthy);
                        for (int i = 0; i < missing && running; i++) {
                            try {
                                StalledSocket s = StalledSocket.open(rig.uri());
                                synchronized (sockets) {
                                    sockets.add(s);
                                }
                            } catch (IOException e) {
                                failed++; // refused or closed during the handshake: part of the defence
                            }
                        }
                        if (!replace) {
                            return;
                        }
                        OpenLoop.parkUntil(System.nanoTime() + 1_000_000_000L);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-attackers");
            thread.setDaemon(true);
        }

        static Attack start(Rig rig, int healthy, boolean replace) {
            Attack a = new Attack(rig, healthy, replace);
            a.thread.start();
            return a;
        }

        void stop() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(30_000);
        }

        int opened() {
            synchronized (sockets) {
                return sockets.size();
            }
        }

        int failed() {
            return failed;
        }

        void closeAll() throws IOException {
            synchronized (sockets) {
                for (StalledSocket s : sockets) {
                    s.close();
                }
            }
        }
    }

    /** Samples the endpoint's {@code bufferedBytes} gauge every 10 ms on its own thread; keeps the peak. */
    private static final class BufferSampler {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        private BufferSampler(SessionFeedEndpoint endpoint) {
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(endpoint.stats().bufferedBytes(), Math::max);
                    try {
                        OpenLoop.parkUntil(System.nanoTime() + 10_000_000L);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-attack-sampler");
            thread.setDaemon(true);
        }

        static BufferSampler start(SessionFeedEndpoint endpoint) {
            BufferSampler s = new BufferSampler(endpoint);
            s.thread.start();
            return s;
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join(1_000);
            return peak.get();
        }
    }
}
