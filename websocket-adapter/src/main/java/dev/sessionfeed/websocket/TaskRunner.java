package dev.sessionfeed.websocket;

import dev.sessionfeed.internal.NamedThreadFactory;
import dev.sessionfeed.internal.Threads;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every thread of one endpoint, started with it and stopped with it: the housekeeping thread, the sender pool,
 * the command workers and the I/O pool (what each does: "Threads" in {@code docs/websocket-adapter.md}). Threads
 * come from the options' {@link ThreadFactory} when the host set one, else from {@link NamedThreadFactory}.
 * Thread-safe; {@link #close()} is called once, by the hub.
 */
final class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    /** Close frames and pings. */
    static final int IO_THREADS = 2;
    private static final long WORKER_IDLE_SECONDS = 60;
    private static final Duration STOP_BOUND = Duration.ofSeconds(5);

    private final ScheduledExecutorService housekeeping;
    private final ThreadPoolExecutor sender;
    private final ThreadPoolExecutor worker;
    private final ExecutorService io;

    /**
     * Starts the pools.
     *
     * @param options the endpoint's options (thread factory, pool sizes)
     * @param io      replaces the I/O pool when not null (tests); shut down by {@link #close()} all the same
     */
    TaskRunner(WebSocketOptions options, ExecutorService io) {
        ThreadFactory tf = options.threadFactory();
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                tf != null ? tf : NamedThreadFactory.numbered("sessionfeed-ws-housekeeping"));
        // Fixed pools started with the endpoint: the endpoint's thread count does not drift with traffic, so a
        // leak shows as a difference from the count at start.
        this.sender = new ThreadPoolExecutor(options.senderThreads(), options.senderThreads(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), tf != null ? tf : NamedThreadFactory.numbered("sessionfeed-ws-send"));
        sender.prestartAllCoreThreads();
        this.worker = new ThreadPoolExecutor(options.workerThreads(), options.workerThreads(), WORKER_IDLE_SECONDS,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(options.maxQueuedCommands()),
                tf != null ? tf : NamedThreadFactory.numbered("sessionfeed-ws-worker"));
        worker.allowCoreThreadTimeOut(true);
        if (io != null) {
            this.io = io;
        } else {
            // Unbounded queue, yet bounded by construction: a connection has at most one ping in flight and is
            // closed once.
            ThreadPoolExecutor pool = new ThreadPoolExecutor(IO_THREADS, IO_THREADS, 0, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), tf != null ? tf : NamedThreadFactory.numbered("sessionfeed-ws-io"));
            pool.prestartAllCoreThreads();
            this.io = pool;
        }
    }

    /**
     * Runs {@code task} every {@code period} on the housekeeping thread. The task must catch what it throws.
     *
     * @param task   the task
     * @param period the delay between the end of one run and the start of the next
     */
    void everyPeriod(Runnable task, Duration period) {
        long ms = period.toMillis();
        housekeeping.scheduleWithFixedDelay(task, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** @return the sender pool (starts the sends of broadcasts) */
    Executor senders() {
        return sender;
    }

    /**
     * Hands a command to a worker thread.
     *
     * @param command the command's task
     * @throws RejectedExecutionException if every worker is busy and the queue is full, or after close
     */
    void runCommand(Runnable command) {
        worker.execute(command);
    }

    /**
     * Hands a blocking transport call (a close frame, a ping) to the I/O pool.
     *
     * @param call the call
     * @throws RejectedExecutionException once the endpoint is closed
     */
    void runIo(Runnable call) {
        io.execute(call);
    }

    /**
     * Stops the threads: the housekeeping thread at once; the sender, worker and I/O pools after they ran what
     * was already handed to them (commands already accepted, the connections' close frames queued just before),
     * all at once and within one 5 s bound; then {@link Threads#shutdownBounded} interrupts what is left and logs
     * what it had to abandon. Restores the caller's interrupt flag.
     */
    void close() {
        Threads.shutdownBounded(housekeeping, STOP_BOUND, log, "websocket housekeeping");
        sender.shutdown();
        worker.shutdown();
        io.shutdown();
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        boolean interrupted = false;
        for (ExecutorService pool : new ExecutorService[] {sender, worker, io}) {
            try {
                pool.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        Threads.shutdownBounded(sender, STOP_BOUND, log, "websocket senders");
        Threads.shutdownBounded(worker, STOP_BOUND, log, "websocket command workers");
        Threads.shutdownBounded(io, STOP_BOUND, log, "websocket I/O");
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
