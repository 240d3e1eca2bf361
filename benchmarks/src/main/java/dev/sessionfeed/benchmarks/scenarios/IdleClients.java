package dev.sessionfeed.benchmarks.scenarios;

import dev.sessionfeed.benchmarks.harness.FeedClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A child process that holds idle, subscribed WebSocket connections, so that the server's heap can be measured
 * without the clients' objects (scenario {@code heap}). Prints {@code READY n} when all are subscribed, then waits
 * until its standard input closes.
 */
public final class IdleClients {

    private IdleClients() {
    }

    /**
     * Entry point: {@code idle-clients <ws-url> <count>}.
     *
     * @param args the URL and the number of connections
     * @throws Exception when connecting fails
     */
    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int n = Integer.parseInt(args[1]);
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "idle-client");
            t.setDaemon(true);
            return t;
        });
        List<HttpClient> https = new ArrayList<>();
        for (int i = 0; i < Math.max(1, (n + 249) / 250); i++) {
            https.add(HttpClient.newBuilder().executor(ex).build());
        }
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<FeedClient>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            fs.add(FeedClient.connect(https.get(i / 250), uri, Map.of(), i, true, FeedClient.Events.NONE)
                    .thenCompose(c -> c.subscribed().thenApply(v -> c))
                    .whenComplete((c, e) -> inFlight.release()));
        }
        List<FeedClient> clients = new ArrayList<>();
        for (CompletableFuture<FeedClient> f : fs) {
            clients.add(f.get(120, TimeUnit.SECONDS));
        }
        System.out.println("READY " + clients.size());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        } catch (IOException e) {
            // parent gone
        }
        clients.forEach(FeedClient::close);
    }
}
