package dev.sessionfeed.benchmarks.external;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures a running app from outside, in its own JVM: one WebSocket client of the protocol and one JDBC writer that
 * updates a row of {@code chat_sessions} open loop at a fixed rate (each write sets {@code message_count} to its
 * number), timing each write from its intended start to the frame that first shows it (a frame showing write k shows
 * every earlier write too). Writer and reader share this JVM's {@code System.nanoTime}.
 *
 * <pre>
 * java -cp benchmarks/target/sessionfeed-benchmarks.jar dev.sessionfeed.benchmarks.external.ExternalProbe \
 *     WS_URL ORIGIN JDBC_URL USER PASSWORD WARMUP_WRITES WRITES WRITES_PER_SECOND
 * </pre>
 */
public final class ExternalProbe {

    private static final String SESSION = "external-probe";

    private ExternalProbe() {
    }

    /**
     * Entry point; prints one line with n, p50, p90, p99 and max in ms.
     *
     * @param args see the class description
     * @throws Exception if the app or the database cannot be reached
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: ExternalProbe WS_URL ORIGIN JDBC_URL USER PASSWORD WARMUP_WRITES WRITES WRITES_PER_SECOND");
            System.exit(2);
        }
        int warm = Integer.parseInt(args[5]);
        int n = Integer.parseInt(args[6]);
        double rate = Double.parseDouble(args[7]);
        long[] start = new long[warm + n + 1];
        long[] arrive = new long[warm + n + 1];
        ObjectMapper json = new ObjectMapper();
        CountDownLatch full = new CountDownLatch(1);
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder buffer = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                buffer.append(data);
                if (last) {
                    long now = System.nanoTime();
                    arrived(json, buffer.toString(), now, arrive, full);
                    buffer.setLength(0);
                }
                ws.request(1);
                return null;
            }
        };
        try (Connection c = DriverManager.getConnection(args[2], args[3], args[4])) {
            try (Statement st = c.createStatement()) {
                st.execute("INSERT INTO chat_sessions (session_id, status, visitor_name, message_count) VALUES ('" + SESSION
                        + "', 'active', 'Probe', 0) ON CONFLICT (session_id) DO UPDATE SET message_count = 0");
            }
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", args[1])
                    .buildAsync(URI.create(args[0]), listener).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"subscribe\",\"channel\":\"admin-chat-updates\",\"deltas\":true}", true).get();
            if (!full.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no full state within 10 s");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE chat_sessions SET message_count = ? WHERE session_id = ?")) {
                long period = (long) (1e9 / rate);
                long t0 = System.nanoTime() + 200_000_000L;
                for (int k = 1; k <= warm + n; k++) {
                    long intended = t0 + (k - 1) * period;
                    long wait = intended - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    start[k] = intended; // open loop: a late write counts from its intended start
                    ps.setInt(1, k);
                    ps.setString(2, SESSION);
                    ps.executeUpdate();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && arrived(arrive, warm + n) == 0) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            ws.abort();
        }
        double[] ms = new double[n];
        int got = 0;
        for (int k = warm + 1; k <= warm + n; k++) {
            long at = arrived(arrive, k);
            if (at != 0) {
                ms[got++] = (at - start[k]) / 1e6;
            }
        }
        double[] v = Arrays.copyOf(ms, got);
        Arrays.sort(v);
        System.out.printf(Locale.ROOT, "commit -> frame, %d writes/s: n=%d of %d  p50=%.2f ms  p90=%.2f  p99=%.2f  max=%.2f%n",
                (long) rate, got, n, quantile(v, .5), quantile(v, .9), quantile(v, .99), got == 0 ? Double.NaN : v[got - 1]);
    }

    private static void arrived(ObjectMapper json, String text, long now, long[] arrive, CountDownLatch full) {
        JsonNode m;
        try {
            m = json.readTree(text);
        } catch (java.io.IOException e) {
            return;
        }
        String type = m.path("type").asText();
        JsonNode sessions = type.equals("session_update") ? m.path("data").path("sessions")
                : type.equals("session_delta") ? m.path("data").path("upserted") : null;
        if (sessions == null) {
            return;
        }
        if (type.equals("session_update")) {
            full.countDown();
        }
        for (JsonNode s : sessions) {
            if (SESSION.equals(s.path("id").asText())) {
                int k = s.path("messageCount").asInt();
                synchronized (arrive) {
                    for (int j = Math.min(k, arrive.length - 1); j > 0 && arrive[j] == 0; j--) {
                        arrive[j] = now;
                    }
                }
            }
        }
    }

    private static long arrived(long[] arrive, int k) {
        synchronized (arrive) {
            return arrive[k];
        }
    }

    private static double quantile(double[] sorted, double q) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
