package dev.sessionfeed.server;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A child process (the server jar, a Node client) whose output lines are collected, and whose stdin takes lines. */
final class RunningProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Writer stdin;
    private final Thread reader;

    private RunningProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    System.out.println("[" + name + "] " + line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    static RunningProcess start(String name, ProcessBuilder builder) throws IOException {
        return new RunningProcess(name, builder.redirectErrorStream(true).start());
    }

    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Waits for a line (printed from now on or before) matching, failing with the output. */
    String awaitLine(Predicate<String> matching, Duration within) {
        await().atMost(within).alias(name + " prints the expected line; output so far: " + lines())
                .until(() -> lines().stream().anyMatch(matching));
        return lines().stream().filter(matching).findFirst().orElseThrow();
    }

    void send(String line) throws IOException {
        stdin.write(line + "\n");
        stdin.flush();
    }

    Process process() {
        return process;
    }

    /** SIGTERM, then waits for the exit and the last output line. */
    int terminate(Duration within) throws InterruptedException {
        // The handle's destroy only signals; Process.destroy would also close our end of its stdout, losing what the
        // process prints while it shuts down.
        process.toHandle().destroy();
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not exit within " + within + " of SIGTERM; output: " + lines());
        }
        reader.join(within.toMillis()); // every line it printed is in lines()
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
