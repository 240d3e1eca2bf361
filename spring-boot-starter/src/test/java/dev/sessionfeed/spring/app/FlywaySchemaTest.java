package dev.sessionfeed.spring.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.FeedStatus;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.testkit.FeedWebSocketClient;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * On an empty database, Flyway creates the schema and the starter starts the feed after it: the trigger installs
 * on the migrated table, the feed is live, and a row inserted afterwards reaches a client.
 */
@SpringBootTest(classes = DashboardTestApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.flyway.enabled=true",
        "spring.flyway.locations=classpath:db/sessionfeed"})
class FlywaySchemaTest {

    static final TestDatabase db = PostgresServer.shared().createDatabase("flyway");   // no schema: Flyway makes it

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", db::jdbcUrl);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    SessionFeed feed;

    @Test
    void feedStartsLiveOnTheSchemaFlywayCreated() throws Exception {
        assertThat(db.queryForLong("SELECT count(*) FROM flyway_schema_history WHERE success")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(15)).until(() -> feed.status() == FeedStatus.LIVE);

        try (FeedWebSocketClient admin = StarterContract.subscribedAdmin(port)) {
            SessionFixtures.insertSession(db, "after-flyway", "waiting");
            await().atMost(Duration.ofSeconds(15)).until(() -> admin.state().sessions().containsKey("after-flyway"));
        }
    }
}
