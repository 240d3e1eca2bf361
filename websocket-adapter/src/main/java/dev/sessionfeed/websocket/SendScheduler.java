package dev.sessionfeed.websocket;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the sends that must not run on the calling thread, and holds the fan-out backpressure.
 *
 * <p>The pump-claim protocol: a connection that queued a frame while nothing was in flight claims a hand-off in its
 * {@link SendSlot} (under its own lock) and then, without the lock, calls {@link #schedule}; this puts it in the
 * ready queue and makes sure up to {@code senderThreads} sender tasks drain it. A sender takes a connection and
 * runs its {@link Scheduled#runScheduledPump() pump}, which clears the claim and starts one send. A claimed
 * connection is in the ready queue at most once, so its frames keep their order (only one send is ever in flight).
 * If the sender pool refuses (the endpoint is closing) every waiting connection is told
 * {@link Scheduled#pumpRejected()}.
 *
 * <p>Backpressure ({@link #fanOut}): when the senders have not yet started the previous change's sends, the feed's
 * rebuild thread first waits for them, and then for this change's sends too, each at most the bound (100 ms by
 * default). Meanwhile the feed merges the signals that arrive into its next read, so under load every connection
 * gets fewer, fuller deltas; on a feed the senders keep up with, nothing waits. A sender stuck in a container call
 * delays the feed by at most the bound per wait.
 *
 * <p>Thread-safe: the ready queue and the sender count are lock-free; the fan-out hand-over is guarded by
 * {@code fanOutLock} (never held while calling a connection or the container).
 */
final class SendScheduler {

    /** A connection as the scheduler sees it. */
    interface Scheduled {
        /** Runs on a sender thread: starts the next send, clearing the claimed hand-off. Never throws. */
        void runScheduledPump();

        /** The sender pool refused the hand-off (the endpoint is closing). */
        void pumpRejected();

        /** Closes the connection after a failure. */
        void close(int code, String reason);

        /** @return an id for logs */
        String id();
    }

    /** The longest the rebuild thread waits for the previous change's sends to be started, by default. */
    static final Duration DEFAULT_FAN_OUT_WAIT = Duration.ofMillis(100);

    private static final Logger log = LoggerFactory.getLogger(SendScheduler.class);

    private final Executor senders;
    private final int senderThreads;
    private final long fanOutWaitNanos;
    private final Metrics metrics;
    private final ConcurrentLinkedQueue<Scheduled> ready = new ConcurrentLinkedQueue<>();
    /** About how many connections wait in {@link #ready}: how many sender tasks are worth starting. */
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Object fanOutLock = new Object();
    // Guarded by fanOutLock.
    private boolean fanOutBusy;
    private boolean fanOutEnqueuing;

    /**
     * @param senders       the sender pool
     * @param senderThreads its size
     * @param fanOutWait    the backpressure bound
     * @param metrics       counts the waits
     */
    SendScheduler(Executor senders, int senderThreads, Duration fanOutWait, Metrics metrics) {
        this.senders = senders;
        this.senderThreads = senderThreads;
        this.fanOutWaitNanos = fanOutWait.toNanos();
        this.metrics = metrics;
    }

    /**
     * Hands a connection that {@linkplain SendSlot#claimHandOff claimed} a hand-off to the sender threads. Call
     * without holding the connection's lock. Never calls the container.
     *
     * @param c the connection
     */
    void schedule(Scheduled c) {
        ready.add(c);
        startSenders(waiting.incrementAndGet());
    }

    /**
     * Runs one fan-out on the feed's rebuild thread, with the backpressure described on this class.
     *
     * @param queueOnAll queues the change on every connection (which {@linkplain #schedule schedule} their sends)
     */
    void fanOut(Runnable queueOnAll) {
        boolean behind = awaitFanOutIdle(System.nanoTime());
        synchronized (fanOutLock) {
            fanOutBusy = true;
            fanOutEnqueuing = true;
        }
        try {
            queueOnAll.run();
        } finally {
            synchronized (fanOutLock) {
                fanOutEnqueuing = false;
            }
            fanOutDoneIfSendersIdle();
        }
        if (behind) {
            // The senders could not keep up with the last change: wait for this one's sends to be started too, so
            // the feed's next read covers every signal that arrives meanwhile (one fuller delta for all instead of
            // many small ones). When they keep up, return at once: the next read overlaps the sends.
            awaitFanOutIdle(System.nanoTime());
        }
    }

    /** @return whether it had to wait (the previous fan-out was still running) */
    private boolean awaitFanOutIdle(long start) {
        long deadline = start + fanOutWaitNanos;
        synchronized (fanOutLock) {
            if (!fanOutBusy) {
                return false;
            }
            metrics.fanOutWaits.increment();
            try {
                while (fanOutBusy) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        metrics.fanOutWaitsTimedOut.increment();
                        return true;
                    }
                    TimeUnit.NANOSECONDS.timedWait(fanOutLock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the feed is closing: queue this change and return
            } finally {
                metrics.fanOutWaitNanos.add(System.nanoTime() - start);
            }
            return true;
        }
    }

    /**
     * Called when a fan-out's queuing finished and whenever a sender runs out of work: once no sender runs and no
     * connection waits for one, every send of the fan-out has been started and the next change may go out.
     */
    private void fanOutDoneIfSendersIdle() {
        synchronized (fanOutLock) {
            if (fanOutBusy && !fanOutEnqueuing && running.get() == 0 && ready.isEmpty()) {
                fanOutBusy = false;
                fanOutLock.notifyAll();
            }
        }
    }

    /**
     * Makes sure up to {@code min(wanted, senderThreads)} sender tasks drain the ready queue: O(threads)
     * submissions, however many connections are waiting. A sender that finds the queue empty stops; one stuck in
     * a slow container call does not hold up the connections the others take.
     */
    private void startSenders(int wanted) {
        int target = Math.min(wanted, senderThreads);
        while (true) {
            int n = running.get();
            if (n >= target) {
                return;
            }
            if (running.compareAndSet(n, n + 1)) {
                try {
                    senders.execute(this::drainReady);
                } catch (RejectedExecutionException e) {
                    // Only after close: the connections are being closed; make sure none waits for a pump.
                    running.decrementAndGet();
                    for (Scheduled c; (c = poll()) != null; ) {
                        c.pumpRejected();
                    }
                    return;
                }
            }
        }
    }

    private Scheduled poll() {
        Scheduled c = ready.poll();
        if (c != null) {
            waiting.decrementAndGet();
        }
        return c;
    }

    private void drainReady() {
        while (true) {
            Scheduled c = poll();
            if (c == null) {
                running.decrementAndGet();
                // A connection added after the poll whose producer still saw this sender running: take it.
                int n = running.get();
                if (ready.isEmpty() || n >= senderThreads || !running.compareAndSet(n, n + 1)) {
                    fanOutDoneIfSendersIdle();
                    return;
                }
                continue;
            }
            try {
                c.runScheduledPump();
            } catch (RuntimeException | Error e) {
                log.error("sending to websocket connection {} failed; closing it", c.id(), e);
                c.close(1011, "internal error");
            }
        }
    }
}
