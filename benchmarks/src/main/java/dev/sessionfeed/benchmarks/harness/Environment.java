package dev.sessionfeed.benchmarks.harness;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Describes the machine and JVM a run happened on. Stateless. */
public final class Environment {

    private Environment() {
    }

    /**
     * The machine, OS, JVM and the command line of this process.
     *
     * @return an ordered map for JSON
     */
    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        m.put("cores", Runtime.getRuntime().availableProcessors());
        String memKb = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        m.put("memory", memKb == null ? "unknown" : String.format(Locale.ROOT, "%.1f GiB",
                Long.parseLong(memKb.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("maxHeap", String.format(Locale.ROOT, "%d MiB", Runtime.getRuntime().maxMemory() / (1024 * 1024)));
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        m.put("jvmArgs", String.join(" ", jvmArgs));
        m.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        m.put("command", command());
        return m;
    }

    /**
     * The command line as the user typed it (as far as the OS tells), with the jar path as given.
     *
     * @return the command
     */
    public static String command() {
        return ProcessHandle.current().info().arguments()
                .map(a -> "java " + String.join(" ", a))
                .orElse("java -jar benchmarks/target/sessionfeed-benchmarks.jar");
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    int i = line.indexOf(':');
                    return i < 0 ? null : line.substring(i + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
