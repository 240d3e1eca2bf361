package dev.sessionfeed.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Profiles a scenario with JDK Flight Recorder (method sampling, the {@code profile} settings) and summarises where
 * this JVM's CPU went: samples by thread group and the hottest methods. PostgreSQL's own CPU is not in it (separate
 * processes). The recording is kept under {@code benchmarks/results/tmp/} (not committed).
 *
 * <p>Not thread-safe: one per scenario run.
 */
public final class Profiler implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private Profiler(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /**
     * Starts a recording.
     *
     * @param dir  where to keep the .jfr file
     * @param name the scenario's name
     * @return the running profiler
     * @throws IOException    when the folder cannot be created
     * @throws ParseException never for the built-in settings
     */
    public static Profiler start(Path dir, String name) throws IOException, ParseException {
        Files.createDirectories(dir);
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
        r.start();
        return new Profiler(r, dir.resolve(name + ".jfr"));
    }

    /**
     * Stops the recording and adds its summary to the result.
     *
     * @param result the scenario's result
     * @throws IOException when the recording cannot be written or read
     */
    public void summarise(ScenarioResult result) throws IOException {
        recording.stop();
        recording.dump(file);
        Map<String, Long> byThread = new HashMap<>();
        Map<String, Long> byTop = new HashMap<>();
        Map<String, Long> byOwn = new HashMap<>();
        long total = 0;
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                total++;
                RecordedThread th = e.getThread("sampledThread");
                byThread.merge(group(th == null ? "?" : th.getJavaName()), 1L, Long::sum);
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = st.getFrames();
                byTop.merge(method(frames.get(0)), 1L, Long::sum);
                for (RecordedFrame f : frames) {
                    String m = method(f);
                    if (m.startsWith("dev.sessionfeed.") && !m.startsWith("dev.sessionfeed.benchmarks.")) {
                        byOwn.merge(m, 1L, Long::sum);
                        break;
                    }
                }
            }
        }
        final long n = Math.max(1, total);
        ScenarioResult.TableBuilder t = result.table("Profile (JFR method sampling of this JVM, " + total
                + " samples): CPU samples by thread group", "thread group", "samples", "share");
        top(byThread, 12).forEach((k, v) -> t.row(k, v, pct(v, n)));
        ScenarioResult.TableBuilder h = result.table("Profile: hottest methods (top frame)", "method", "samples", "share");
        top(byTop, 12).forEach((k, v) -> h.row(k, v, pct(v, n)));
        ScenarioResult.TableBuilder o = result.table("Profile: SessionFeed code on the stack (innermost SessionFeed frame)",
                "method", "samples", "share");
        top(byOwn, 10).forEach((k, v) -> o.row(k, v, pct(v, n)));
        result.data("profileFile", file.toString());
    }

    private static String pct(long v, long n) {
        return Math.round(v * 1000.0 / n) / 10.0 + " %";
    }

    private static Map<String, Long> top(Map<String, Long> m, int k) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(k)
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /** Thread names without their numbers, so pools show as one group. */
    private static String group(String threadName) {
        return threadName.replaceAll("[-#]?\\d+$", "").replaceAll("-\\d+-", "-N-");
    }

    @Override
    public void close() {
        recording.close();
    }
}
