package dev.sessionfeed.websocket;

import dev.sessionfeed.testkit.FakeSessionFeed;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The server side of {@link MemoryAttackTest}, run in a child JVM with a small heap: embedded Jetty with one
 * endpoint over a {@link FakeSessionFeed} holding a large full state, one change every 50 ms, and a status line
 * every 250 ms on stdout. Without a third argument it uses only the endpoint's defaults, so that it ran on the
 * adapter before the memory budget too (the stats added since are read by reflection).
 */
final class MemoryAttackServer {

    private MemoryAttackServer() {
    }

    /**
     * @param args the number of sessions, the size of each one's subject in characters, and optionally the
     *             endpoint's {@code maxBufferedBytes} (the default when absent)
     */
    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args[0]);
        int subjectChars = Integer.parseInt(args[1]);
        FakeSessionFeed feed = new FakeSessionFeed();
        String subject = "s".repeat(subjectChars);
        for (int i = 0; i < sessions; i += 500) {
            dev.sessionfeed.ChatSession[] batch = new dev.sessionfeed.ChatSession[Math.min(500, sessions - i)];
            for (int j = 0; j < batch.length; j++) {
                batch[j] = HostileTestSupport.session("s-" + (i + j), "waiting", subject);
            }
            feed.upsert(batch);
        }
        WebSocketOptions.Builder options = WebSocketOptions.builder(ContainerCompatibilityKit::authenticate)
                .allowedOrigins(ContainerCompatibilityKit.ORIGIN);
        if (args.length > 2) {
            options.maxBufferedBytes(Long.parseLong(args[2]));
        }
        SessionFeedEndpoint endpoint = SessionFeedEndpoint.create(feed, options.build());
        ContainerCompatibilityKit.RunningServer server = JettyCompatibilityTest.startServer(
                List.of(new ContainerCompatibilityKit.Mount("/ws", endpoint, false)));
        System.out.println("PORT " + server.port());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long lastGc = 0;
        for (int n = 0; ; n++) {
            Thread.sleep(50);
            feed.upsert(HostileTestSupport.session("s-" + (n % sessions), n % 2 == 0 ? "active" : "waiting", subject));
            if (n % 5 == 0) {
                long now = System.nanoTime();
                if (now - lastGc > 2_000_000_000L) {
                    System.gc(); // so that "heap" after a quiet spell is what is retained, not garbage
                    lastGc = now;
                }
                WebSocketStats s = endpoint.stats();
                System.out.println("STATS open=" + s.openConnections() + " slowClosed=" + s.slowClientsClosed()
                        + " buffered=" + stat(s, "bufferedBytes") + " closing=" + stat(s, "closingConnections")
                        + " heap=" + memory.getHeapMemoryUsage().getUsed() + " seq=" + feed.current().seq());
            }
        }
    }

    private static String stat(WebSocketStats s, String name) {
        try {
            Method m = WebSocketStats.class.getMethod(name);
            return String.valueOf(m.invoke(s));
        } catch (ReflectiveOperationException e) {
            return "-1";
        }
    }
}
