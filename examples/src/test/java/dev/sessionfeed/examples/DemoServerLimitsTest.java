package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The demo's HTTP server under hostile clients (issue 12 #11): guessing tokens, slowloris, too many connections, and
 * what the banner prints. Each test starts its own app, so that one test's throttled address or held sockets do not
 * leak into another.
 */
@SessionFeedPostgres
class DemoServerLimitsTest {

    private final TestDatabase db;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();

    DemoServerLimitsTest(TestDatabase db) {
        this.db = db;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private DemoApp start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--jdbc-url", db.jdbcUrl(), "--db-user", db.user(),
                "--db-password", db.password() == null ? "" : db.password(), "--simulate", "off", "--seed-sessions", "0",
                "--source", "polling"));
        args.addAll(List.of(extra));
        DemoApp app = DemoApp.start(DemoOptions.parse(args, Map.of()));
        open.add(app);
        return app;
    }

    private HttpResponse<String> login(DemoApp app, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/login"))
                .header("Content-Type", "application/json").header("Origin", app.baseUrl())
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private int handshake(DemoApp app, String bearer) {
        try {
            http.newWebSocketBuilder().header("Origin", app.baseUrl()).header("Authorization", "Bearer " + bearer)
                    .buildAsync(URI.create("ws://localhost:" + app.port() + DemoApp.ENDPOINT_PATH), new WebSocket.Listener() { })
                    .join().abort();
            return 101;
        } catch (CompletionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    @Test
    void failedTokenChecksAreThrottledPerAddress() throws Exception {
        DemoApp app = start("--admin-token", "limits-admin-token", "--viewer-token", "limits-viewer-token");
        HttpResponse<String> ok = login(app, "limits-admin-token");
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];

        for (int i = 0; i < 10; i++) {
            assertThat(login(app, "guess-" + i).statusCode()).as("guess %d", i).isEqualTo(401);
        }
        HttpResponse<String> throttled = login(app, "guess-10");
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).get().asString().matches("[1-9][0-9]*");
        // While throttled, no token is checked at all (not even the right one), on any path that takes one.
        assertThat(login(app, "limits-admin-token").statusCode()).isEqualTo(429);
        assertThat(handshake(app, "guess-11")).isEqualTo(429);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/whoami?access_token=guess-12")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(429);
        // A browser that is logged in (a random 256-bit login id, not a guessable token) keeps working.
        assertThat(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/whoami")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatSendsItsHeadersSlowlyIsDisconnected() throws Exception {
        DemoApp app = start("--header-timeout", "2s");
        try (Socket slow = new Socket()) {
            slow.connect(new InetSocketAddress("localhost", app.port()), 5_000);
            slow.setSoTimeout(250);
            OutputStream out = slow.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            boolean closed = false;
            // A slowloris: one more header line every 250 ms, never the blank line that ends the headers.
            for (int i = 0; i < 60 && !closed; i++) {
                try {
                    out.write(("X-Slow-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    closed = slow.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    // still open
                } catch (IOException e) {
                    closed = true; // reset by the server
                }
            }
            long heldMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(closed).as("the server closed the slow connection").isTrue();
            assertThat(heldMs).as("ms the slow connection was held").isBetween(1_500L, 6_000L);
            System.out.printf("slowloris: closed after %d ms (header timeout 2 s)%n", heldMs);
        }
        // A normal client is served meanwhile and afterwards.
        assertThat(http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void connectionsBeyondTheLimitWaitUntilOneCloses() throws Exception {
        DemoApp app = start("--max-connections", "8", "--header-timeout", "30s");
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("localhost", app.port()), 5_000);
                idle.add(s);
            }
            try (Socket ninth = new Socket()) {
                ninth.connect(new InetSocketAddress("localhost", app.port()), 5_000); // the kernel's backlog accepts it
                ninth.setSoTimeout(1_500);
                ninth.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = ninth.getInputStream();
                boolean answered;
                try {
                    answered = in.read() != -1;
                } catch (SocketTimeoutException e) {
                    answered = false;
                }
                assertThat(answered).as("answered while 8 connections are open").isFalse();

                idle.remove(0).close();
                ninth.setSoTimeout(10_000);
                byte[] head = in.readNBytes(12);
                assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            }
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
    }

    @Test
    void theBannerNeverShowsASuppliedToken() throws Exception {
        DemoApp supplied = start("--admin-token", "banner-admin-token", "--viewer-token", "banner-viewer-token");
        assertThat(supplied.banner()).doesNotContain("banner-admin-token", "banner-viewer-token")
                .contains("SESSIONFEED_DEMO_ADMIN_TOKEN");

        DemoApp generated = start();
        assertThat(Stream.of(generated.adminToken(), generated.viewerToken())).allSatisfy(t ->
                assertThat(generated.banner()).as("a generated token is the only way in, so it is shown").contains(t));
    }
}
