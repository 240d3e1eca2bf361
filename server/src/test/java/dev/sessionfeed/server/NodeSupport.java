package dev.sessionfeed.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Whether Node.js 20+ is on the PATH (the Node tests are skipped with a message otherwise). */
final class NodeSupport {

    private static final int MAJOR = detect();

    private NodeSupport() {
    }

    static int major() {
        return MAJOR;
    }

    static void assumeNode() {
        Assumptions.assumeTrue(MAJOR >= 20, "SKIPPED: Node.js 20+ is not on the PATH (found: " + (MAJOR < 0 ? "none" : MAJOR) + ")");
    }

    private static int detect() {
        try {
            Process p = new ProcessBuilder("node", "-p", "process.versions.node.split('.')[0]").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? Integer.parseInt(out) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
