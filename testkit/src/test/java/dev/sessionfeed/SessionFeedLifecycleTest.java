package dev.sessionfeed;

import static dev.sessionfeed.Sessions.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.testkit.ManualChangeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** start/close: idempotent close, no threads left behind, pending work failed, source and broadcasters told. */
class SessionFeedLifecycleTest {

    private final FeedHarness h = new FeedHarness();

    @AfterEach
    void closeFeed() {
        h.close();
    }

    private static Set<String> liveThreadNames(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith(prefix))
                .collect(Collectors.toSet());
    }

    @Test
    void closeIsIdempotentClosesTheSourceAndLeavesNoThreads() throws Exception {
        h.db.put(session("a", "waiting", 1));
        SessionFeed feed = h.start();
        h.sync();
        assertThat(liveThreadNames("sessionfeed-")).contains("sessionfeed-rebuild");

        feed.close();
        feed.close();

        assertThat(liveThreadNames("sessionfeed-")).isEmpty();
        assertThat(h.source.closes()).isEqualTo(1);
        assertThat(h.out.closeCount()).isEqualTo(1);
    }

    @Test
    void closeRunsFromManyThreadsAtOnceButOnlyOnce() throws Exception {
        SessionFeed feed = h.start();
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            closers.add(new Thread(feed::close, "test-closer-" + i));
        }
        closers.forEach(Thread::start);
        for (Thread t : closers) {
            t.join(10_000);
        }

        assertThat(closers).noneMatch(Thread::isAlive);
        assertThat(h.source.closes()).isEqualTo(1);
        assertThat(h.out.closeCount()).isEqualTo(1);
        assertThat(liveThreadNames("sessionfeed-")).isEmpty();
    }

    @Test
    void closeBeforeStartTellsBroadcastersAndClosesTheSource() {
        SessionFeed feed = h.builder().build();
        feed.addBroadcaster(h.out);

        feed.close();

        assertThat(h.out.closeCount()).isEqualTo(1);
        assertThat(h.source.closes()).isEqualTo(1);
        assertThatThrownBy(feed::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void startTwiceIsRejected() {
        SessionFeed feed = h.start();

        assertThatThrownBy(feed::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
    }

    @Test
    void closeFailsRefreshesThatNeverRan() {
        SessionFeed feed = h.builder().build();
        h.feed = feed;
        CompletableFuture<Long> pending = feed.refresh(List.of("a"));

        feed.close();

        assertThat(pending).isCompletedExceptionally();
        assertThatThrownBy(() -> pending.get(1, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(SessionFeedException.class).hasMessageContaining("closed");
    }

    @Test
    void refreshAfterCloseFailsAtOnce() {
        SessionFeed feed = h.start();
        feed.close();

        CompletableFuture<Long> refreshed = feed.refresh(List.of("a"));

        assertThat(refreshed).isCompletedExceptionally();
        assertThatThrownBy(refreshed::join).cause().isInstanceOf(SessionFeedException.class);
    }

    @Test
    void usesTheHostsThreadFactoryAndStopsItsThread() throws Exception {
        AtomicInteger made = new AtomicInteger();
        SessionFeed feed = h.start(b -> b.threadFactory(r -> {
            made.incrementAndGet();
            Thread t = new Thread(r, "host-feed-worker");
            t.setDaemon(true);
            return t;
        }));
        h.sync();
        assertThat(made).hasValue(1);
        assertThat(liveThreadNames("host-feed-worker")).hasSize(1);

        feed.close();

        assertThat(liveThreadNames("host-feed-worker")).isEmpty();
    }

    @Test
    void aBroadcasterMayCloseTheFeedFromTheRebuildThread() throws Exception {
        SessionFeed feed = h.start();
        feed.addBroadcaster(new Broadcaster() {
            @Override
            public void onDelta(SessionDelta delta, Snapshot current) {
                feed.close();
            }
        });

        h.db.put(session("a", "waiting", 1));
        h.source.changed("a");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> liveThreadNames("sessionfeed-").isEmpty());
        assertThat(h.out.closeCount()).isEqualTo(1);
        assertThat(h.source.closes()).isEqualTo(1);
    }

    @Test
    void closeStopsTheRebuildThreadEvenWhenAReadHangs() {
        SessionFeed feed = h.start();
        h.db.holdReads();
        h.source.changed("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> h.db.readsStarted() >= 2);
        CompletableFuture<Long> waiting = feed.refresh(List.of("b"));

        // The read never returns by itself: close waits, then interrupts it.
        feed.close();

        assertThat(liveThreadNames("sessionfeed-")).isEmpty();
        assertThat(waiting).isCompletedExceptionally();
        assertThat(h.out.closeCount()).isEqualTo(1);
    }

    @Test
    void closeKeepsTheCallersInterruptFlag() {
        SessionFeed feed = h.start();

        Thread.currentThread().interrupt();
        try {
            feed.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(liveThreadNames("sessionfeed-")).isEmpty();
    }

    @Test
    void aSourceThatFailsToStartFailsStartAndClosesTheFeed() {
        ManualChangeSource broken = new ManualChangeSource();
        broken.failStartWith(new IllegalStateException("cannot listen"));
        SessionFeed feed = SessionFeed.builder(h.db, broken).build();
        feed.addBroadcaster(h.out);

        assertThatThrownBy(feed::start).hasMessage("cannot listen");
        assertThat(broken.closes()).isEqualTo(1);
        assertThat(h.out.closeCount()).isEqualTo(1);
        assertThat(liveThreadNames("sessionfeed-")).isEmpty();
    }

    @Test
    void aSnapshotBuilderWithACapBelowOneIsRefusedAtBuildNamingTheValue() {
        SnapshotBuilder zero = new SnapshotBuilder() {
            @Override public SnapshotRead buildFull() { return h.db.buildFull(); }
            @Override public SnapshotRead refresh(Set<String> ids) { return h.db.refresh(ids); }
            @Override public int maxSessions() { return 0; }
        };

        assertThatThrownBy(() -> SessionFeed.builder(zero, new ManualChangeSource()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxSessions() must be at least 1, was 0");
        assertThat(liveThreadNames("sessionfeed-")).isEmpty();
    }

    @Test
    void aFeedWhoseFirstReadFailsLogsThatItStartsRecoveringNotThatItLeftLive() {
        ch.qos.logback.classic.Logger logger = rebuildLoopLogger();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = capture(logger);
        h.db.failWith(new IllegalStateException("database down"));
        try (SessionFeed feed = SessionFeed.builder(h.db, new ManualChangeSource()).build()) {
            feed.start();

            await().atMost(Duration.ofSeconds(10)).until(() -> List.copyOf(logs.list).stream()
                    .anyMatch(e -> e.getFormattedMessage().contains("starts recovering")));
            assertThat(feed.status()).isEqualTo(FeedStatus.RECOVERING);
            assertThat(List.copyOf(logs.list)).extracting(e -> e.getFormattedMessage()).noneMatch(m -> m.contains("live ->"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    /**
     * Issue 13: a source that is not yet listening when the feed starts (LISTEN/NOTIFY is RECOVERING until LISTEN
     * works) made every normal start log "status live -> recovering" although the feed never was live. The
     * status tracker now starts from the source's own status: the first status line says how the feed starts.
     */
    @Test
    void aFeedWhoseSourceIsNotYetListeningLogsThatItStartsRecoveringThenGoesLive() {
        ch.qos.logback.classic.Logger logger = rebuildLoopLogger();
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = capture(logger);
        NotYetListening source = new NotYetListening();
        try (SessionFeed feed = SessionFeed.builder(h.db, source).build()) {
            feed.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> statusLines(logs).size() == 1);
            assertThat(feed.status()).isEqualTo(FeedStatus.RECOVERING);

            source.listening();

            await().atMost(Duration.ofSeconds(10)).until(() -> feed.status() == FeedStatus.LIVE && statusLines(logs).size() == 2);
            List<String> lines = statusLines(logs);
            assertThat(lines.get(0)).contains("starts recovering").contains("change source starting");
            assertThat(lines.get(1)).contains("status recovering -> live");
            assertThat(lines).noneMatch(m -> m.contains("live -> recovering"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    private static ch.qos.logback.classic.Logger rebuildLoopLogger() {
        return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.sessionfeed.RebuildLoop");
    }

    /** Starts capturing {@code logger}'s events; detach the returned appender when done. */
    private static ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> capture(
            ch.qos.logback.classic.Logger logger) {
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
                new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        return logs;
    }

    private static List<String> statusLines(ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs) {
        return List.copyOf(logs.list).stream().map(e -> e.getFormattedMessage())
                .filter(m -> m.contains(" starts ") || m.contains(" status ")).collect(Collectors.toList());
    }

    /** Like the LISTEN source: RECOVERING from before its start until it says it listens. */
    private static final class NotYetListening implements dev.sessionfeed.source.SessionChangeSource {
        private volatile dev.sessionfeed.source.ChangeListener listener;
        private volatile FeedStatus status = FeedStatus.RECOVERING;

        /** Returns once the rebuild thread waits for work, as a source that connects on its own thread lets it. */
        @Override
        public void start(dev.sessionfeed.source.ChangeListener l) {
            listener = l;
            await("the rebuild thread waits for work").atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces()
                    .keySet().stream().anyMatch(t -> t.getName().equals("sessionfeed-rebuild")
                            && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)));
        }

        void listening() {
            status = FeedStatus.LIVE;
            listener.onStatus(FeedStatus.LIVE, "listening for changes");
            listener.onResync("connected");
        }

        @Override
        public FeedStatus status() {
            return status;
        }

        @Override
        public void close() {
        }
    }
}
