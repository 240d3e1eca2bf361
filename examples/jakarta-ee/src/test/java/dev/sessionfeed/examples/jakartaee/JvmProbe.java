package dev.sessionfeed.examples.jakartaee;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks into a server's JVM from outside with {@code jcmd} (the JDK's attach API, local only; the same process
 * user): its threads, its heap after a full GC, and the live instances of a class per class loader. Needs no
 * JMX port and nothing in the WAR.
 */
final class JvmProbe {

    private static final Pattern THREAD = Pattern.compile("^\"([^\"]+)\"", Pattern.MULTILINE);
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private final long pid;

    JvmProbe(long pid) {
        this.pid = pid;
    }

    /** The names of the JVM's threads right now. */
    List<String> threadNames() {
        Matcher m = THREAD.matcher(jcmd("Thread.print"));
        return m.results().map(r -> r.group(1)).toList();
    }

    /** The names of the threads SessionFeed starts ({@code sessionfeed-*}). */
    List<String> sessionFeedThreads() {
        return threadNames().stream().filter(n -> n.startsWith("sessionfeed-")).sorted().toList();
    }

    /**
     * The class histogram after a full GC (jcmd runs one first): for {@code className}, one entry per class loader
     * that still holds that class with live instances.
     *
     * @return the instance count of each loaded copy of the class
     */
    List<Long> liveInstancesPerLoader(String className) {
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(className) + "(\\s|$)", Pattern.MULTILINE);
        return row.matcher(jcmd("GC.class_histogram")).results().map(r -> Long.parseLong(r.group(1))).toList();
    }

    /** Heap in use after a full GC, in MiB. */
    long heapUsedAfterGcMiB() {
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        long kib = 0;
        while (m.find()) {
            kib = Long.parseLong(m.group(1)); // the first line is the whole heap; some collectors print regions after
            break;
        }
        return kib / 1024;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + jcmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
