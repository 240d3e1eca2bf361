package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.FeedWebSocketClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 #1, the memory attack: {@link #ATTACKERS} (150) viewers that subscribe to a large full state ({@link #SESSIONS} (5,000)
 * sessions of {@value #SUBJECT_CHARS} characters, ≈ 6 MB) and never read, against an endpoint with its defaults in
 * a child JVM with {@code -Xmx256m} ({@link MemoryAttackServer}, embedded Jetty: it copies each text frame into a
 * per-connection UTF-8 array). Asserts: no {@code OutOfMemoryError} (the child runs with
 * {@code -XX:+ExitOnOutOfMemoryError}), a healthy admin keeps getting changes, the attackers are closed, and the
 * memory budget and the retained heap are back near their baseline afterwards.
 */
class MemoryAttackTest {

    /** 150; a one-off measurement may raise it with {@code -Dsessionfeed.memoryAttack.attackers=N}. */
    static final int ATTACKERS = Integer.getInteger("sessionfeed.memoryAttack.attackers", 150);
    /** 5,000; a one-off measurement may raise it with {@code -Dsessionfeed.memoryAttack.sessions=N}. */
    static final int SESSIONS = Integer.getInteger("sessionfeed.memoryAttack.sessions", 5_000);
    static final int SUBJECT_CHARS = 1_000;
    private static final Pattern STATS = Pattern.compile(
            "STATS open=(\\d+) slowClosed=(\\d+) buffered=(-?\\d+) closing=(-?\\d+) heap=(\\d+) seq=(\\d+)");

    private Process child;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Socket> attackers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Socket s : attackers) {
            s.close();
        }
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void nonReadingViewersCannotExhaustTheHeap() throws Exception {
        attack(false, null);
    }

    /**
     * The same attack by viewers that take the full state as a shared binary frame ({@code "binary":true}). Measured
     * once with the budget out of the way (1 TiB): the child then died at the 109th attacker (text: the 35th) —
     * sharing saves the container's per-connection copy, but with a change every 50 ms each stalled send pins its
     * own snapshot's buffer, so only the budget keeps the heap bounded.
     */
    @Test
    void nonReadingBinaryViewersCannotExhaustTheHeap() throws Exception {
        attack(true, null);
    }

    private void attack(boolean binary, Long budget) throws Exception {
        int port = startChild(budget);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        try (FeedWebSocketClient healthy = FeedWebSocketClient.builder(uri).name("healthy").bearerToken("admin")
                .header("Origin", ContainerCompatibilityKit.ORIGIN).build()) {
            healthy.connect().get(30, TimeUnit.SECONDS);
            healthy.subscribe(true);
            healthy.awaitType("status");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> latest("heap") > 0);
            long baselineHeap = minHeapOverLast(8);
            long baselineDeltas = healthy.deltasApplied();

            for (int i = 0; i < ATTACKERS; i++) {
                try {
                    attackers.add(stalledViewer(port, "user-attacker" + i, binary));
                } catch (IOException e) {
                    child.waitFor(5, TimeUnit.SECONDS);
                    assertThat(child.isAlive()).as("child alive after %d attackers (no OutOfMemoryError); its output: %s",
                            i, tail()).isTrue();
                    throw e;
                }
            }
            // The attack runs while the healthy admin keeps receiving: one change every 50 ms in the child.
            long attackEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long lastDeltas = healthy.deltasApplied();
            long lastProgress = System.nanoTime();
            long maxGapMs = 0;
            while (System.nanoTime() < attackEnd) {
                Thread.sleep(100);
                assertThat(child.isAlive()).as("child alive (no OutOfMemoryError); its output: %s", tail()).isTrue();
                long d = healthy.deltasApplied();
                if (d != lastDeltas) {
                    maxGapMs = Math.max(maxGapMs, (System.nanoTime() - lastProgress) / 1_000_000);
                    lastDeltas = d;
                    lastProgress = System.nanoTime();
                }
            }
            maxGapMs = Math.max(maxGapMs, (System.nanoTime() - lastProgress) / 1_000_000);
            System.out.printf("memory attack (%s, budget %s): %d attackers, full state %d sessions x %d chars; healthy admin got %d "
                    + "deltas, longest gap %d ms; peak heap %d MB, peak buffered %d MB%n", binary ? "binary" : "text",
                    budget == null ? "default" : budget, ATTACKERS, SESSIONS,
                    SUBJECT_CHARS, healthy.deltasApplied() - baselineDeltas, maxGapMs, max("heap") >> 20,
                    max("buffered") >> 20);

            assertThat(healthy.isOpen()).isTrue();
            assertThat(healthy.deltasApplied() - baselineDeltas).as("changes reached the healthy admin").isGreaterThan(100);
            assertThat(maxGapMs).as("longest time without a change for the healthy admin").isLessThan(5_000);
            // The attackers are closed (as too slow, or to free the budget) and their memory is released.
            Awaitility.await("attackers closed").atMost(Duration.ofSeconds(30))
                    .until(() -> latest("open") == 1 && latest("closing") <= 0);
            assertThat(latest("slowClosed")).as("closed as too slow or to free the budget").isPositive();
            Awaitility.await("budget back to baseline").atMost(Duration.ofSeconds(30))
                    .until(() -> latest("buffered") < 1 << 20);
            Awaitility.await("heap back to baseline").atMost(Duration.ofSeconds(30))
                    .until(() -> minHeapOverLast(8) < baselineHeap + (32 << 20));
            assertThat(child.isAlive()).as("child alive; its output: %s", tail()).isTrue();
        }
    }

    private int startChild(Long budget) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-ea", "-Dlogback.configurationFile=logback-test.xml", "-cp", cp, MemoryAttackServer.class.getName(),
                String.valueOf(SESSIONS), String.valueOf(SUBJECT_CHARS)));
        if (budget != null) {
            command.add(String.valueOf(budget));
        }
        child = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child ended
            }
        }, "memory-attack-child-output");
        reader.setDaemon(true);
        reader.start();
        Awaitility.await("child started").atMost(Duration.ofSeconds(60))
                .until(() -> lines.stream().anyMatch(l -> l.startsWith("PORT ")) || !child.isAlive());
        return lines.stream().filter(l -> l.startsWith("PORT ")).findFirst()
                .map(l -> Integer.parseInt(l.substring(5).trim()))
                .orElseThrow(() -> new AssertionError("child did not start: " + tail()));
    }

    /** A viewer that subscribes for full states and then never reads a byte. */
    private static Socket stalledViewer(int port, String token, boolean binary) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: "
                + ContainerCompatibilityKit.ORIGIN + "\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("handshake ended early: " + head);
            }
            head.append((char) b);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        out.write(maskedText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"binary\":" + binary + "}"));
        out.flush();
        return s;
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length); // < 126
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private long latest(String field) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = STATS.matcher(lines.get(i));
            if (m.matches()) {
                return Long.parseLong(m.group(group(field)));
            }
        }
        return -1;
    }

    private long max(String field) {
        return lines.stream().map(STATS::matcher).filter(Matcher::matches)
                .mapToLong(m -> Long.parseLong(m.group(group(field)))).max().orElse(-1);
    }

    private long minHeapOverLast(int n) {
        List<Long> heaps = new ArrayList<>();
        for (int i = lines.size() - 1; i >= 0 && heaps.size() < n; i--) {
            Matcher m = STATS.matcher(lines.get(i));
            if (m.matches()) {
                heaps.add(Long.parseLong(m.group(5)));
            }
        }
        return heaps.stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    private static int group(String field) {
        switch (field) {
            case "open": return 1;
            case "slowClosed": return 2;
            case "buffered": return 3;
            case "closing": return 4;
            case "heap": return 5;
            default: return 6;
        }
    }

    private String tail() {
        int from = Math.max(0, lines.size() - 30);
        return String.join("\n", lines.subList(from, lines.size()));
    }

}
