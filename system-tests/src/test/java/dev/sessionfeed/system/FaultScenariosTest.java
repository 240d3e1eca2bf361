package dev.sessionfeed.system;

import static dev.sessionfeed.system.Reliability.details;
import static dev.sessionfeed.system.Reliability.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionfeed.FeedStatus;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The named fault scenarios of issue 7, each on the whole system (PostgreSQL → trigger → LISTEN → feed → Jetty →
 * real WebSocket clients), each recording its measured figure for {@code docs/reliability.md}.
 */
class FaultScenariosTest {

    private static final Logger log = LoggerFactory.getLogger(FaultScenariosTest.class);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private static List<String> seed(SystemHarness h, int n, String subject) {
        List<String> ids = new ArrayList<>();
        List<Db.Write> writes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = h.db.newId();
            ids.add(id);
            writes.add(new Db.Insert(id, i % 3 == 0 ? "waiting" : "active", subject + " " + i));
        }
        h.db.transaction(writes);
        return ids;
    }

    /**
     * Runs {@code count} single-row writes at {@code perSecond}, open loop (each at its scheduled time), calling
     * {@code write} with the write's index on the calling thread.
     */
    static void paced(int count, int perSecond, IntConsumer write) {
        pacedWhile(count, perSecond, i -> {
            write.accept(i);
            return true;
        });
    }

    /** As above; stops early when {@code write} returns false. */
    static void pacedWhile(int count, int perSecond, java.util.function.IntPredicate write) {
        long start = System.nanoTime();
        long interval = 1_000_000_000L / perSecond;
        for (int i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            if (!write.test(i)) {
                return;
            }
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    @Test
    void listenerKilledMidBurstConvergesWithExactlyOneReconnect() throws Exception {
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults())) {
            List<String> ids = seed(h, 100, "burst");
            SystemHarness.Node node = h.startNode();
            h.addClients(5);
            h.awaitSettled(SETTLE);
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
            Random random = new Random(7);
            // The same burst rate without a fault first: how long settling takes anyway (includes the check's own
            // full read), to compare the figure with.
            paced(200, 200, i -> h.db.apply(new Db.Update(ids.get(random.nextInt(ids.size())))));
            Duration baseline = h.awaitSettled(SETTLE);
            long reconnectsBefore = node.source.stats().reconnects();
            AdminClient watcher = h.clients().get(0);
            int statusesBefore = watcher.statuses().size();
            AtomicLong killedAt = new AtomicLong();
            long burstStart = System.nanoTime();
            paced(1000, 200, i -> {
                h.db.apply(new Db.Update(ids.get(random.nextInt(ids.size()))));
                if (i == 500) {
                    assertThat(h.db.killListener()).isEqualTo(1);
                    killedAt.set(System.nanoTime());
                }
            });
            long burstEnd = System.nanoTime();
            Duration settle = h.awaitSettled(SETTLE);
            long sinceKillMs = millisSince(killedAt.get());
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
            long reconnects = node.source.stats().reconnects() - reconnectsBefore;
            assertThat(reconnects).isEqualTo(1);
            assertThat(h.orderViolations()).isEmpty();
            Reliability.record(SystemHarness.scenario("listenerKilledMidBurst"), "Listener backend killed mid-burst (1,000 updates at 200/s, 5 clients)",
                    ms(settle) + " to equal the DB after the burst", "≤ 2 s, exactly one reconnect",
                    details("reconnects", reconnects, "withoutKillSettleMs", baseline.toMillis(), "killToEqualMs", sinceKillMs, "killedAtUpdate", 500,
                            "statusesSeen", String.join("→", since(watcher.statuses(), statusesBefore)),
                            "burstMs", (burstEnd - burstStart) / 1_000_000, "clients", 5));
        }
    }

    @Test
    void commandResentAfterReconnectIsAppliedOnceAndAcknowledgedTwice() throws Exception {
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults())) {
            List<String> ids = seed(h, 10, "cmd");
            h.startNode();
            AdminClient a = h.addClient("admin-a", true);
            h.addClient("admin-b", true);
            h.awaitSettled(SETTLE);
            String target = ids.get(1);
            // 1. Sent and acknowledged; the connection then drops and the client resends (it cannot know the ack
            //    was its last frame).
            String id = a.command("cmd-resent-1", "end_session", target);
            await().atMost(SETTLE).until(() -> a.acks().getOrDefault(id, List.of()).size() == 1);
            a.disconnect();
            a.connect();
            await().atMost(SETTLE).until(a::isSynced);
            long resentAt = System.nanoTime();
            a.command(id, "end_session", target);
            await().atMost(SETTLE).until(() -> a.acks().getOrDefault(id, List.of()).size() == 2);
            List<JsonNode> acks = a.acks().get(id);
            long secondAckMs = (acks.get(1).path("_receivedNanos").asLong() - resentAt) / 1_000_000;
            assertThat(acks.get(0).path("result").path("outcome").asText()).isEqualTo("ended");
            assertThat(acks.get(0).path("result").path("replayed").asBoolean()).isFalse();
            assertThat(acks.get(1).path("result").path("outcome").asText()).isEqualTo("ended");
            assertThat(acks.get(1).path("result").path("replayed").asBoolean()).isTrue();
            // 2. Sent, and the connection dropped before the ack could arrive: resent after the reconnect.
            String target2 = ids.get(2);
            // (end_session: the seeded chats are live, and only an ended chat can be archived)
            String id2 = a.command("cmd-resent-2", "end_session", target2);
            a.disconnect();
            a.connect();
            await().atMost(SETTLE).until(a::isSynced);
            a.command(id2, "end_session", target2);
            await().atMost(SETTLE).until(() -> !a.acks().getOrDefault(id2, List.of()).isEmpty());
            h.awaitSettled(SETTLE);
            // Applied once: one recorded command each, and each row changed by exactly one UPDATE.
            assertThat(h.db.count("SELECT count(*) FROM sessionfeed_commands WHERE command_id IN ('cmd-resent-1', 'cmd-resent-2')")).isEqualTo(2);
            assertThat(h.db.version(target)).isEqualTo(1);
            assertThat(h.db.version(target2)).isEqualTo(1);
            assertThat(a.errors()).isEmpty();
            assertThat(a.acksAhead()).as("acks that arrived before the state they name").isEmpty();
            assertThat(h.orderViolations()).isEmpty();
            Reliability.record(SystemHarness.scenario("commandResentAfterReconnect"), "Command resent after reconnect with the same id",
                    "applied 1×, acknowledged 2×", "applied once, acknowledged twice",
                    details("rowUpdates", h.db.version(target), "secondAck", "replayed=true", "resentAckMs", secondAckMs,
                            "lostAckCase", "applied once (version " + h.db.version(target2) + ")"));
        }
    }

    @Test
    void serverNodeRestartGivesClientsANewEpochAndTheyConverge() throws Exception {
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults())) {
            List<String> ids = seed(h, 50, "restart");
            h.startNode();
            List<AdminClient> clients = h.addClients(10);
            h.awaitSettled(SETTLE);
            String oldEpoch = h.node().feed.epoch();
            int[] fullBefore = clients.stream().mapToInt(c -> c.fullStates()).toArray();
            h.stopNode();
            for (int i = 0; i < 20; i++) {
                h.db.apply(new Db.Update(ids.get(i)));
            }
            h.db.apply(new Db.Delete(ids.get(30)));
            long startedAt = System.nanoTime();
            h.startNode();
            long startMs = millisSince(startedAt);
            Duration settle = h.awaitSettled(SETTLE);
            String newEpoch = h.node().feed.epoch();
            assertThat(newEpoch).isNotEqualTo(oldEpoch);
            for (int i = 0; i < clients.size(); i++) {
                assertThat(clients.get(i).epoch()).isEqualTo(newEpoch);
                assertThat(clients.get(i).fullStates()).isGreaterThan(fullBefore[i]);
            }
            assertThat(h.orderViolations()).isEmpty();
            Reliability.record(SystemHarness.scenario("serverNodeRestart"), "Server node restarted (Jetty + new feed) with 10 admins connected",
                    ms(Duration.ofMillis(startMs).plus(settle)) + " from restart to all equal the DB", "new epoch → full state, converge",
                    details("nodeStartMs", startMs, "clientsConvergedAfterStartMs", settle.toMillis(), "clients", clients.size()));
        }
    }

    @Test
    void droppedAndRecreatedPublicationDegradesToPollingAndReturnsToLive() throws Exception {
        Assumptions.assumeTrue(SystemHarness.logical(), "a publication matters to the logical source only "
                + "(run with -Dsessionfeed.system.source=logical; the build's logical-source execution does)");
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults())) {
            List<String> ids = seed(h, 20, "publication");
            SystemHarness.Node node = h.startNode();
            h.addClients(3);
            h.awaitSettled(SETTLE);
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
            dev.sessionfeed.pg.PgPublicationInstaller installer = dev.sessionfeed.pg.PgPublicationInstaller.builder().table(h.table).build();
            installer.uninstall(h.database.dataSource());
            long droppedAt = System.nanoTime();
            h.db.apply(new Db.Update(ids.get(0)));
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(10)).until(() -> node.source.status() == FeedStatus.DEGRADED);
            long detectedMs = millisSince(droppedAt);
            // While the publication is gone the polling fallback keeps every client right.
            h.db.apply(new Db.Update(ids.get(1)));
            Duration degradedSettle = h.awaitSettled(SETTLE);
            installer.install(h.database.dataSource());
            long recreatedAt = System.nanoTime();
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(10)).until(() -> node.source.status() == FeedStatus.LIVE);
            long liveMs = millisSince(recreatedAt);
            h.db.apply(new Db.Update(ids.get(2)));
            Duration settle = h.awaitSettled(SETTLE);
            assertThat(h.orderViolations()).isEmpty();
            Reliability.record(SystemHarness.scenario("publicationDropped"), "Publication dropped while streaming, recreated (3 clients)",
                    detectedMs + " ms to degraded, " + liveMs + " ms to live after recreating", "degraded on polling, never stale; live after install",
                    details("degradedSettleMs", degradedSettle.toMillis(), "settleAfterLiveMs", settle.toMillis()));
        }
    }

    @Test
    void halfOpenListenerConnectionIsDetectedAndReplaced() throws Exception {
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults())) {
            List<String> ids = seed(h, 20, "frozen");
            SystemHarness.Node node = h.startNode();
            h.addClients(3);
            h.awaitSettled(SETTLE);
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
            int pid = node.source.stats().backendPid();
            long reconnects = node.source.stats().reconnects();
            h.freezeListenerPath();
            long frozenAt = System.nanoTime();
            h.db.apply(new Db.Update(ids.get(0)));
            // The replacement connects at once, so the non-live spell may be shorter than a poll: a reconnect counts too.
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(10))
                    .until(() -> node.source.status() != FeedStatus.LIVE || node.source.stats().reconnects() > reconnects);
            long detectedMs = millisSince(frozenAt);
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
            long replacedMs = millisSince(frozenAt);
            h.db.apply(new Db.Update(ids.get(1)));
            Duration settle = h.awaitSettled(SETTLE);
            h.unfreezeListenerPath();
            assertThat(node.source.stats().backendPid()).isNotEqualTo(pid);
            assertThat(node.source.stats().reconnects()).isEqualTo(reconnects + 1);
            assertThat(detectedMs).as("detection time").isLessThanOrEqualTo(SETTLE.toMillis());
            Reliability.record(SystemHarness.scenario("halfOpenConnection"), "Half-open (frozen) listener connection, NetCrusher freeze",
                    detectedMs + " ms to detect", "≤ 7 s (probe 2 s, deadline 3 s)",
                    details("replacedMs", replacedMs, "convergedAfterReplaceMs", settle.toMillis()));
        }
    }

    @Test
    void postgresOutageNeverGivesUpAndReturnsToBaseline() throws Exception {
        Duration outage = Reliability.longProfile() ? Duration.ofSeconds(30)
                : Duration.ofSeconds(Long.getLong("sessionfeed.system.outageSeconds", 8));
        SystemHarness.Options options = SystemHarness.Options.defaults();
        try (SystemHarness h = new SystemHarness(options)) {
            List<String> ids = seed(h, 50, "outage");
            SystemHarness.Node node = h.startNode();
            List<AdminClient> clients = h.addClients(5);
            h.awaitSettled(SETTLE);
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE);
            // Baseline once everything is idle and live.
            int threadsBefore = sessionfeedThreads();
            long connectionsBefore = h.db.connections();
            int[] statusesBefore = clients.stream().mapToInt(c -> c.statuses().size()).toArray();

            h.server.stop();
            long stoppedAt = System.nanoTime();
            await().atMost(SETTLE).until(() -> node.feed.status() != FeedStatus.LIVE);
            // Down for the whole outage: the system keeps trying and never claims to be live.
            await().during(outage.minusMillis(millisSince(stoppedAt))).atMost(outage.plusSeconds(5))
                    .until(() -> node.feed.status() != FeedStatus.LIVE && node.source.status() != FeedStatus.LIVE);
            for (int i = 0; i < clients.size(); i++) {
                List<String> seen = since(clients.get(i).statuses(), statusesBefore[i]);
                assertThat(seen).as("statuses seen by " + clients.get(i).name + " during the outage").containsAnyOf("degraded", "recovering");
            }
            h.server.start();
            long startedAt = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                h.db.apply(new Db.Update(ids.get(i)));
            }
            Duration settle = h.awaitSettled(SETTLE);
            long settleMs = millisSince(startedAt);
            await().atMost(SETTLE).until(() -> node.source.status() == FeedStatus.LIVE && node.feed.status() == FeedStatus.LIVE);
            long liveMs = millisSince(startedAt);
            // The "live" frame follows the flip: the rebuild thread sends it when its next loop starts.
            for (AdminClient c : clients) {
                await().atMost(SETTLE).untilAsserted(() -> assertThat(List.copyOf(c.statuses())).last().isEqualTo("live"));
            }
            // Resources back to baseline.
            await().atMost(SETTLE).until(() -> sessionfeedThreads() <= threadsBefore);
            await().atMost(SETTLE).until(() -> h.db.connections() <= connectionsBefore);
            int threadsAfter = sessionfeedThreads();
            long connectionsAfter = h.db.connections();
            assertThat(h.db.listenerConnections()).isEqualTo(1);
            assertThat(h.orderViolations()).isEmpty();
            long cap = Math.max(options.listenerBackoffMax().toMillis(), options.feedRetryMax().toMillis());
            Reliability.record(SystemHarness.scenario("postgresOutage") + outage.toSeconds() + "s", "PostgreSQL down " + outage.toSeconds() + " s, then up (5 clients)",
                    settleMs + " ms after restart to equal the DB", "≤ backoff cap + 2 s = " + (cap + 2000) + " ms; never gives up",
                    details("outageSeconds", outage.toSeconds(), "liveAgainMs", liveMs,
                            "statusesSeen", String.join("→", since(clients.get(0).statuses(), statusesBefore[0])), "settleAfterWritesMs", settle.toMillis(),
                            "threads", threadsBefore + "→" + threadsAfter, "dbConnections", connectionsBefore + "→" + connectionsAfter,
                            "listenerReconnects", node.source.stats().reconnects()));
        }
    }

    /** SessionFeed's own long-lived threads (the WebSocket worker pool is elastic and excluded). */
    static int sessionfeedThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("sessionfeed") && !t.getName().startsWith("sessionfeed-ws-worker")) {
                n++;
            }
        }
        return n;
    }

    @Test
    void clientThatStopsReadingIsClosedAfterGraceWhileOthersKeepUp() throws Exception {
        Duration grace = Duration.ofSeconds(3);
        try (SystemHarness h = new SystemHarness(SystemHarness.Options.defaults().slowClientGrace(grace))) {
            List<String> ids = seed(h, 100, "x".repeat(4000));
            SystemHarness.Node node = h.startNode();
            List<AdminClient> healthy = h.addClients(50);
            AdminClient stalled = h.addClient("stalled", false);
            h.awaitSettled(SETTLE);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            stalled.stopReading();
            long stalledAt = System.nanoTime();
            AtomicLong closedAt = new AtomicLong();
            AtomicLong heapAtClose = new AtomicLong();
            AtomicInteger writes = new AtomicInteger();
            Random random = new Random(11);
            // 100 updates/s until the stalled client is closed, and 2 s more.
            pacedWhile(100 * 60, 100, i -> {
                if (closedAt.get() != 0 && millisSince(closedAt.get()) > 2000) {
                    return false;
                }
                h.db.apply(new Db.Update(ids.get(random.nextInt(ids.size()))));
                writes.incrementAndGet();
                if (closedAt.get() == 0 && node.endpoint.connectionCount() == 50) {
                    closedAt.set(System.nanoTime());
                    System.gc();
                    heapAtClose.set(memory.getHeapMemoryUsage().getUsed());
                }
                return true;
            });
            assertThat(closedAt.get()).as("the stalled client was closed").isNotZero();
            long closedAfterMs = (closedAt.get() - stalledAt) / 1_000_000;
            long writesEnd = System.nanoTime();
            // The others kept up: connected all along, and equal to the DB right after the writes.
            for (AdminClient c : healthy) {
                assertThat(c.closeCodes()).as(c.name + " close codes").isEmpty();
                assertThat(c.connects()).isEqualTo(1);
            }
            Duration healthySettle = h.awaitSettled(SETTLE, healthy);
            // The stalled client reads again: it finds its connection closed, reconnects, resumes and converges.
            stalled.resumeReading();
            h.awaitSettled(SETTLE);
            long resumedMs = millisSince(writesEnd);
            assertThat(stalled.connects()).isEqualTo(2);
            assertThat(h.orderViolations()).isEmpty();
            long heapGrowthKb = (heapAtClose.get() - heapBefore) / 1024;
            Reliability.record(SystemHarness.scenario("slowClient"), "A client stops reading among 50 active ones, 100 updates/s (4 KB rows, grace " + grace.toSeconds() + " s)",
                    closedAfterMs + " ms to close it", "closed after the grace period; others unaffected; bounded memory",
                    details("heapGrowthAfterGcKb", heapGrowthKb, "healthyClientsDisconnected", 0,
                            "healthySettleAfterWritesMs", healthySettle.toMillis(), "writes", writes.get(),
                            "resumedAndConvergedMs", resumedMs));
        }
    }

    /** What a client recorded from index {@code from} on, copied first: the list may still grow while we read it. */
    private static List<String> since(List<String> recorded, int from) {
        List<String> copy = List.copyOf(recorded);
        return copy.subList(from, copy.size());
    }
}
