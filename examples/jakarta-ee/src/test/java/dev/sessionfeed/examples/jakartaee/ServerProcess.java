package dev.sessionfeed.examples.jakartaee;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An application server's JVM started by a test: its console goes to a file, which the test reads to wait for
 * what the server logs. {@link #close()} stops the whole process tree (a launcher script and its java child).
 */
final class ServerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path console;
    private final long startedNanos = System.nanoTime();

    private ServerProcess(String name, Process process, Path console) {
        this.name = name;
        this.process = process;
        this.console = console;
    }

    static ServerProcess launch(String name, List<String> command, Path workDir, Map<String, String> env, Path console) throws IOException {
        Files.createDirectories(console.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(console.toFile());
        pb.environment().putAll(env);
        return new ServerProcess(name, pb.start(), console);
    }

    /** The console so far. */
    String console() {
        try {
            return Files.readString(console, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** How often {@code pattern} occurs in the console. */
    int count(Pattern pattern) {
        return (int) pattern.matcher(console()).results().count();
    }

    /** Waits until the console holds {@code pattern} {@code times} times; fails with the console's tail. */
    void awaitCount(Pattern pattern, int times, Duration timeout) {
        await(name + " logs '" + pattern + "' " + times + " time(s)").atMost(timeout).pollInterval(Duration.ofMillis(100))
                .failFast(name + " exited:\n" + tail(), () -> !process.isAlive())
                .until(() -> count(pattern) >= times);
    }

    /** The JVM that runs the server: the launched process or, behind a launcher script, its java descendant. */
    long jvmPid() {
        Optional<ProcessHandle> java = process.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .findFirst();
        return java.map(ProcessHandle::pid).orElse(process.pid());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    double secondsSinceLaunch() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    String tail() {
        String c = console();
        return c.substring(Math.max(0, c.length() - 6000));
    }

    @Override
    public void close() {
        List<ProcessHandle> tree = process.descendants().toList();
        tree.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle p : tree) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
