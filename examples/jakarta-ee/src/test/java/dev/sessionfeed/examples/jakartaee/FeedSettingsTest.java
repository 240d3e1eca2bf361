package dev.sessionfeed.examples.jakartaee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FeedSettingsTest {

    @Test
    void withoutAListenUrlTheSamplePollsAndRefusesEveryOrigin() {
        FeedSettings s = FeedSettings.from(name -> null);
        assertThat(s.listenUrl()).isEmpty();
        assertThat(s.allowedOrigins()).isEmpty();
    }

    @Test
    void readsTheListenConnection() {
        Map<String, String> p = Map.of("sessionfeed.listen.jdbcUrl", "jdbc:postgresql://db/app", "sessionfeed.listen.user", "app",
                "sessionfeed.listen.password", "pw");
        FeedSettings s = FeedSettings.from(p::get);
        assertThat(s.listenUrl()).contains("jdbc:postgresql://db/app");
        assertThat(s.listenUser()).isEqualTo("app");
        assertThat(s.listenPassword()).isEqualTo("pw");
    }

    @Test
    void refusesAUrlOfAnotherDatabaseNamingThePropertyAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> FeedSettings.from(Map.of("sessionfeed.listen.jdbcUrl", "jdbc:mysql://db/app")::get))
                .withMessage("sessionfeed.listen.jdbcUrl must start with jdbc:postgresql:, was 'jdbc:mysql://db/app'");
    }
}
