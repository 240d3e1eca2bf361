package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.testkit.FakeSessionFeed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's threading without a container: broadcasts are only queued on the calling (rebuild) thread and sent by
 * the sender threads in seq order, commands run on a bounded pool that answers "busy" when full, a refused ping
 * does not stall the queue, and the endpoint's thread count stays within its bounds.
 */
class HubFanOutTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final FakeSessionFeed feed = new FakeSessionFeed();
    private final List<Hub> hubs = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeHubs() {
        release.countDown();
        hubs.forEach(Hub::close);
    }

    private Hub hub(WebSocketOptions.Builder options) {
        return track(new Hub(feed, options.build()));
    }

    private Hub track(Hub h) {
        hubs.add(h);
        return h;
    }

    private static WebSocketOptions.Builder options() {
        return WebSocketOptions.builder(h -> Optional.empty());
    }

    private static Connection subscribe(Hub hub, Transport t, AdminIdentity who, boolean deltas) {
        Connection c = hub.open(t, who);
        c.start();
        c.onText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":" + deltas + "}");
        return c;
    }

    private static List<JsonNode> parse(List<String> frames) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (String s : frames) {
            l.add(JSON.readTree(s));
        }
        return l;
    }

    private static long seqOf(String frame) {
        try {
            return JSON.readTree(frame).path("seq").asLong(-1);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean isType(JsonNode m, String type) {
        return type.equals(m.path("type").asText());
    }

    /** Records the thread of every send; sends of {@code session_delta} frames never return when {@code stuck}. */
    static final class ThreadRecordingTransport implements Transport {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final boolean stuck;
        final CountDownLatch release;

        ThreadRecordingTransport(boolean stuck, CountDownLatch release) {
            this.stuck = stuck;
            this.release = release;
        }

        @Override
        public void sendText(String text, Consumer<Throwable> done) {
            threads.add(Thread.currentThread().getName());
            sent.add(text);
            if (stuck && text.contains("\"session_delta\"")) {
                try {
                    release.await(); // a container call that does not come back (until the test ends)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            done.accept(null);
        }

        @Override
        public void sendPing() {
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public String id() {
            return "recording";
        }
    }

    /** One stuck connection holding the only sender thread in its first delta send, and ten healthy ones. */
    private List<ThreadRecordingTransport> stuckSenderWithHealthyOthers(Hub hub, ThreadRecordingTransport blocker) {
        subscribe(hub, blocker, AdminIdentity.readOnly("blocker"), true);
        List<ThreadRecordingTransport> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ThreadRecordingTransport t = new ThreadRecordingTransport(false, release);
            others.add(t);
            subscribe(hub, t, AdminIdentity.readOnly("a" + i), true);
        }
        return others;
    }

    @Test
    void theNextChangeWaitsUntilTheSendersStartedThePreviousOnesSends() throws Exception {
        Hub hub = track(new Hub(feed, options().senderThreads(1).build(), null, Duration.ofMinutes(1)));
        CountDownLatch gate = new CountDownLatch(1);
        ThreadRecordingTransport blocker = new ThreadRecordingTransport(true, gate);
        List<ThreadRecordingTransport> others = stuckSenderWithHealthyOthers(hub, blocker);
        long first = HubTest.publish(feed, 1).seq();
        await().atMost(DEADLINE).until(() -> blocker.sent.stream().anyMatch(f -> f.contains("\"session_delta\"")));

        Thread rebuild = new Thread(() -> HubTest.publish(feed, 2), "test-rebuild");
        rebuild.start();
        // Backpressure: the rebuild thread waits while the only sender is still busy with the first change.
        await().atMost(DEADLINE).until(() -> rebuild.getState() == Thread.State.TIMED_WAITING);
        assertThat(others).allMatch(t -> t.sent.stream().noneMatch(f -> seqOf(f) == first + 1));
        gate.countDown();
        rebuild.join(DEADLINE.toMillis());

        assertThat(rebuild.isAlive()).isFalse();
        for (ThreadRecordingTransport t : others) {
            await().atMost(DEADLINE).until(() -> seqOf(t.sent.get(t.sent.size() - 1)) == first + 1);
        }
        assertThat(hub.stats().fanOutWaitNanos()).isPositive();
        assertThat(hub.stats().fanOutWaitsTimedOut()).isZero();
    }

    @Test
    void aSenderStuckInTheContainerDelaysTheNextChangeOnlyByTheBound() throws Exception {
        Hub hub = track(new Hub(feed, options().senderThreads(1).build(), null, Duration.ofMillis(20)));
        CountDownLatch gate = new CountDownLatch(1);
        ThreadRecordingTransport blocker = new ThreadRecordingTransport(true, gate);
        List<ThreadRecordingTransport> others = stuckSenderWithHealthyOthers(hub, blocker);
        HubTest.publish(feed, 1);
        await().atMost(DEADLINE).until(() -> blocker.sent.stream().anyMatch(f -> f.contains("\"session_delta\"")));

        HubTest.publish(feed, 2); // returns once the bound is over, though the sender is still stuck
        HubTest.publish(feed, 3);

        // Each change waits at most twice (for the previous fan-out, then, being behind, for its own).
        assertThat(hub.stats().fanOutWaitsTimedOut()).isEqualTo(4);
        gate.countDown();
        long last = feed.current().seq();
        for (ThreadRecordingTransport t : others) {
            await().atMost(DEADLINE).until(() -> seqOf(t.sent.get(t.sent.size() - 1)) == last);
        }
    }

    @Test
    void broadcastNeverCallsTheContainerOnTheCallingThread() throws Exception {
        Hub hub = hub(options().senderThreads(4));
        List<ThreadRecordingTransport> healthy = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // Two connections whose container call never returns: they may hold a sender thread each, not the
            // caller and not the other connections.
            ThreadRecordingTransport t = new ThreadRecordingTransport(i == 3 || i == 17, release);
            subscribe(hub, t, AdminIdentity.readOnly("a" + i), true);
            if (!t.stuck) {
                healthy.add(t);
            }
        }
        Thread rebuild = new Thread(() -> HubTest.publish(feed, 1), "test-rebuild");
        rebuild.start();
        await("the broadcast returns although two connections' sends never do").atMost(DEADLINE)
                .until(() -> !rebuild.isAlive());
        for (ThreadRecordingTransport t : healthy) {
            await("every other connection gets the delta").atMost(DEADLINE)
                    .until(() -> t.sent.stream().anyMatch(s -> s.contains("\"session_delta\"")));
        }
        for (ThreadRecordingTransport t : healthy) {
            int i = t.sent.size() - 1;
            assertThat(t.sent.get(i)).contains("\"session_delta\"");
            assertThat(t.threads.get(i)).startsWith("sessionfeed-ws-send-");
        }
        assertThat(healthy.stream().flatMap(t -> t.threads.stream())).doesNotContain("test-rebuild");
    }

    /** Completes each send on a random pool thread after a random short delay, or sometimes inline. */
    static final class RandomlyCompletingTransport implements Transport {
        final List<String> sent = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService completer;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile int maxInFlight;

        RandomlyCompletingTransport(ScheduledExecutorService completer) {
            this.completer = completer;
        }

        @Override
        public void sendText(String text, Consumer<Throwable> done) {
            maxInFlight = Math.max(maxInFlight, inFlight.incrementAndGet());
            sent.add(text);
            int delayMicros = ThreadLocalRandom.current().nextInt(-200, 500);
            Runnable complete = () -> {
                inFlight.decrementAndGet();
                done.accept(null);
            };
            if (delayMicros < 0) {
                complete.run();
            } else {
                completer.schedule(complete, delayMicros, TimeUnit.MICROSECONDS);
            }
        }

        @Override
        public void sendPing() {
        }

        @Override
        public void close(int code, String reason) {
        }

        @Override
        public String id() {
            return "random";
        }
    }

    @Test
    void deltasArriveInSeqOrderPerConnection() throws Exception {
        Hub hub = hub(options().maxQueuedFrames(10_000).senderThreads(3));
        ScheduledExecutorService completer = Executors.newScheduledThreadPool(4);
        try {
            List<RandomlyCompletingTransport> ts = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                RandomlyCompletingTransport t = new RandomlyCompletingTransport(completer);
                ts.add(t);
                subscribe(hub, t, AdminIdentity.readOnly("a" + i), true);
            }
            for (RandomlyCompletingTransport t : ts) {
                await().atMost(DEADLINE).until(() -> t.sent.stream().anyMatch(s -> s.contains("\"status\"")));
            }
            long first = feed.current().seq();
            int broadcasts = 200;
            for (int i = 0; i < broadcasts; i++) {
                HubTest.publish(feed, i);
            }
            long last = feed.current().seq();
            long deltaFrames = 0;
            for (RandomlyCompletingTransport t : ts) {
                await().atMost(DEADLINE).until(() -> seqOf(t.sent.get(t.sent.size() - 1)) == last);
                List<JsonNode> got = parse(t.sent);
                List<Long> seqs = new ArrayList<>();
                long prev = first;
                for (JsonNode m : got) {
                    if (isType(m, "session_delta")) {
                        assertThat(m.path("prevSeq").asLong()).as("prevSeq chain").isEqualTo(prev);
                        prev = m.path("seq").asLong();
                        seqs.add(prev);
                    }
                }
                // Every change arrives, in order: one by one or folded into a merged delta while the client was busy.
                assertThat(prev).isEqualTo(last);
                assertThat(seqs).isSorted().doesNotHaveDuplicates();
                assertThat(got).filteredOn(m -> isType(m, "session_update")).hasSize(1); // the subscribe's, no repair
                assertThat(t.maxInFlight).isEqualTo(1);
                deltaFrames += seqs.size();
            }
            assertThat(hub.stats().fullStateConflations()).isZero();
            // Changes held while the senders were busy, or folded for a busy connection, save frames; none is lost
            // (the prevSeq chain above runs from the first seq to the last on every connection).
            assertThat(deltaFrames).isLessThanOrEqualTo((long) broadcasts * ts.size());
        } finally {
            completer.shutdownNow();
        }
    }

    /** A handler that blocks every command until the test releases it, and records where it ran. */
    static final class BlockingHandler implements CommandHandler {
        final CountDownLatch release;
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger entered = new AtomicInteger();
        final AtomicInteger maxRunning = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        BlockingHandler(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public Set<String> actions() {
            return Set.of("end_session");
        }

        @Override
        public CommandResult handle(SessionCommand command, String actor) {
            threads.add(Thread.currentThread().getName());
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            entered.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return new CommandResult("ended", command.sessionId(), false);
        }
    }

    private static String command(String id) {
        return "{\"type\":\"command\",\"id\":\"" + id + "\",\"action\":\"end_session\",\"sessionId\":\"s1\"}";
    }

    @Test
    void saturatedWorkerPoolAnswersCommandWithErrorNotSilence() throws Exception {
        BlockingHandler handler = new BlockingHandler(release);
        Hub hub = hub(options().workerThreads(2).commandRate(1000, 1000).commandHandler(handler));
        int capacity = 2 + hub.options().maxQueuedCommands(); // running + waiting
        HubTest.FakeTransport t = new HubTest.FakeTransport();
        Connection c = subscribe(hub, t, new AdminIdentity("alice", Set.of(AdminIdentity.END_SESSIONS)), false);
        for (int i = 0; i < capacity; i++) {
            c.onText(command("c" + i));
        }
        await().atMost(DEADLINE).until(() -> handler.entered.get() == 2);
        assertThat(parse(t.sent)).noneMatch(m -> isType(m, "error"));

        c.onText(command("one-too-many"));
        JsonNode error = parse(t.sent).stream().filter(m -> isType(m, "error")).findFirst().orElseThrow();
        assertThat(error.path("id").asText()).isEqualTo("one-too-many");
        assertThat(error.path("code").asText()).isEqualTo("rate_limited");
        assertThat(error.path("message").asText()).contains("busy");
        assertThat(hub.stats().commandsRejectedBusy()).isEqualTo(1);

        release.countDown();
        await().atMost(DEADLINE).until(() -> parse(t.sent).stream().filter(m -> isType(m, "ack")).count() == capacity);
        assertThat(handler.maxRunning.get()).isEqualTo(2);
        assertThat(handler.threads).hasSizeLessThanOrEqualTo(2).allMatch(n -> n.startsWith("sessionfeed-ws-worker-"));
    }

    /** Runs nothing: blocks the caller until released, then refuses, like a pool that is shutting down. */
    static final class RefusingExecutor extends AbstractExecutorService {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void execute(Runnable command) {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new RejectedExecutionException("refused for the test");
        }

        @Override public void shutdown() { release.countDown(); }
        @Override public List<Runnable> shutdownNow() { release.countDown(); return List.of(); }
        @Override public boolean isShutdown() { return release.getCount() == 0; }
        @Override public boolean isTerminated() { return isShutdown(); }
        @Override public boolean awaitTermination(long timeout, TimeUnit unit) { return true; }
    }

    @Test
    void rejectedPingDoesNotStallQueuedFrames() throws Exception {
        RefusingExecutor io = new RefusingExecutor();
        Hub hub = new Hub(feed, options().build(), io, SendScheduler.DEFAULT_FAN_OUT_WAIT);
        hubs.add(hub);
        HubTest.FakeTransport t = new HubTest.FakeTransport();
        Connection c = subscribe(hub, t, AdminIdentity.readOnly("a"), true);
        await().atMost(DEADLINE).until(() -> t.sent.stream().anyMatch(s -> s.contains("\"status\"")));

        // A heartbeat is due: the ping takes the in-flight slot and waits for its thread pool.
        long due = System.nanoTime() + hub.options().heartbeatInterval().plusSeconds(1).toNanos();
        Thread tick = new Thread(() -> c.tick(due), "test-housekeeping");
        tick.start();
        assertThat(io.entered.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        c.onText("{\"type\":\"ping\"}"); // the pong queues behind the ping
        assertThat(t.sent).noneMatch(s -> s.contains("\"pong\""));

        io.release.countDown(); // the pool refuses the ping
        await("the pong queued behind the refused ping goes out").atMost(DEADLINE)
                .until(() -> t.sent.stream().anyMatch(s -> s.contains("\"pong\"")));
        tick.join(DEADLINE.toMillis());
        HubTest.publish(feed, 1);
        await("and later frames too").atMost(DEADLINE)
                .until(() -> seqOf(t.sent.get(t.sent.size() - 1)) == feed.current().seq());
    }

    /** A thread factory that keeps the threads it made. */
    static final class RecordingThreadFactory implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "host-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        }

        long alive() {
            return made.stream().filter(Thread::isAlive).count();
        }
    }

    @Test
    void threadCountStaysWithinTheConfiguredBounds() throws Exception {
        RecordingThreadFactory threads = new RecordingThreadFactory();
        BlockingHandler handler = new BlockingHandler(release);
        int senders = 2;
        int workers = 3;
        Hub hub = hub(options().threadFactory(threads).senderThreads(senders).workerThreads(workers)
                .commandRate(1000, 1000).commandHandler(handler).heartbeatInterval(Duration.ofMillis(100)));
        int bound = senders + workers + TaskRunner.IO_THREADS + 1; // + housekeeping
        ScheduledExecutorService completer = Executors.newScheduledThreadPool(2);
        try {
            List<RandomlyCompletingTransport> ts = new ArrayList<>();
            List<Connection> cs = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                RandomlyCompletingTransport t = new RandomlyCompletingTransport(completer);
                ts.add(t);
                cs.add(subscribe(hub, t, new AdminIdentity("a" + i, Set.of(AdminIdentity.END_SESSIONS)), i % 2 == 0));
            }
            long maxAlive = 0;
            for (int round = 0; round < 10; round++) {
                for (int i = 0; i < cs.size(); i++) {
                    cs.get(i).onText(command("r" + round + "-" + i)); // blocked handlers: most are refused as busy
                }
                HubTest.publish(feed, round);
                maxAlive = Math.max(maxAlive, threads.alive());
            }
            release.countDown();
            long last = feed.current().seq();
            long deltaFrames = 0;
            for (RandomlyCompletingTransport t : ts) {
                await().atMost(DEADLINE).until(() -> t.sent.stream().anyMatch(s -> seqOf(s) == last));
                maxAlive = Math.max(maxAlive, threads.alive());
            }
            assertThat(threads.made).allMatch(Thread::isDaemon);
            assertThat(maxAlive).isLessThanOrEqualTo(bound);
            assertThat(handler.maxRunning.get()).isLessThanOrEqualTo(workers);
            assertThat(hub.stats().commandsRejectedBusy()).isPositive();
            hub.close();
            await("close() stops every thread it started").atMost(DEADLINE)
                    .until(() -> threads.made.stream().noneMatch(Thread::isAlive));
        } finally {
            completer.shutdownNow();
        }
    }
}
