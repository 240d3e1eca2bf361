package dev.sessionfeed.micrometer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionfeed.testkit.FakeSessionFeed;
import org.junit.jupiter.api.Test;

/** Every builder input is validated; the message names the property and the value. */
class SessionFeedMetricsBuilderTest {

    @Test
    void rejectsAPrefixThatIsNotLowerCaseDotSeparatedWords() {
        SessionFeedMetrics.Builder b = SessionFeedMetrics.builder(new FakeSessionFeed());
        for (String bad : new String[] {"", "Sessionfeed", "session feed", "sessionfeed.", ".x", "a..b", "9lives"}) {
            assertThatThrownBy(() -> b.prefix(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("prefix").hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void rejectsNullsAndBlankTagKeys() {
        assertThatThrownBy(() -> SessionFeedMetrics.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("feed");
        SessionFeedMetrics.Builder b = SessionFeedMetrics.builder(new FakeSessionFeed());
        assertThatThrownBy(() -> b.source(null)).isInstanceOf(NullPointerException.class).hasMessage("source");
        assertThatThrownBy(() -> b.endpoint(null)).isInstanceOf(NullPointerException.class).hasMessage("endpoint");
        assertThatThrownBy(() -> b.tag(" ", "v")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("' '");
        assertThatThrownBy(() -> b.tag("k", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
        assertThatThrownBy(() -> b.tags(null)).isInstanceOf(NullPointerException.class).hasMessage("tags");
        assertThatThrownBy(() -> b.prefix(null)).isInstanceOf(NullPointerException.class).hasMessage("prefix");
    }
}
