package dev.sessionfeed.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/** The starter's objects start and stop with the application: 1001 on shutdown, nothing left after a failed start. */
class LifecycleTest {

    /** A part of the application that fails to start after SessionFeed's endpoint is up (and its threads run). */
    static class FailsAfterTheEndpoint implements SmartLifecycle {
        static volatile Set<Thread> running = Set.of();

        @Override
        public void start() {
            running = sessionFeedThreads();
            throw new IllegalStateException("this application's own part fails after the endpoint started");
        }

        @Override
        public void stop() {
        }

        @Override
        public boolean isRunning() {
            return false;
        }

        @Override
        public int getPhase() {
            return Integer.MAX_VALUE - 3000;   // after the feed, the endpoint's registration and the meters
        }
    }

    private static SpringApplicationBuilder app(TestDatabase db) {
        return new SpringApplicationBuilder(DashboardTestApp.class).properties(
                "server.port=0",
                "spring.datasource.url=" + db.jdbcUrl(),
                "spring.datasource.username=" + db.user(),
                "spring.datasource.password=" + db.password());
    }

    private static Set<Thread> sessionFeedThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("sessionfeed-"))
                .collect(Collectors.toSet());
    }

    @Test
    void closingTheContextClosesClientsWith1001AndStopsEveryThread() throws Exception {
        Set<Thread> before = sessionFeedThreads();
        TestDatabase db = PostgresServer.shared().createDatabase("lifecycle").installSchema();
        ConfigurableApplicationContext context = app(db).run();
        int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
        try (FeedWebSocketClient admin = StarterContract.subscribedAdmin(port)) {
            assertThat(sessionFeedThreads()).hasSizeGreaterThan(before.size());

            context.close();

            assertThat(admin.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(sessionFeedThreads()).isSubsetOf(before));
    }

    @Test
    void aFailedStartSaysWhatIsMissingAndLeavesNoThreadRunning() {
        Set<Thread> before = sessionFeedThreads();
        TestDatabase empty = PostgresServer.shared().createDatabase("nothing");   // no chat_sessions table

        assertThatThrownBy(() -> app(empty).run())
                .hasStackTraceContaining("cannot install SessionFeed's change trigger on")
                .hasStackTraceContaining("sessionfeed.install-trigger=false");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(sessionFeedThreads()).isSubsetOf(before));
    }

    @Test
    void aFailureAfterTheEndpointStartedLeavesNoThreadRunning() {
        Set<Thread> before = sessionFeedThreads();
        TestDatabase db = PostgresServer.shared().createDatabase("latefail").installSchema();

        assertThatThrownBy(() -> app(db).sources(FailsAfterTheEndpoint.class).run())
                .hasStackTraceContaining("this application's own part fails after the endpoint started");
        assertThat(FailsAfterTheEndpoint.running).as("SessionFeed's threads when the application failed")
                .anyMatch(t -> !before.contains(t) && t.getName().startsWith("sessionfeed-rebuild"))
                .hasSizeGreaterThan(before.size() + 2);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(sessionFeedThreads()).isSubsetOf(before));
    }
}
