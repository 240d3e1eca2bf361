package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.micrometer.SessionFeedMetrics;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer on the class path (Actuator brings it): the feed's, the source's and the endpoint's meters
 * ({@code docs/micrometer.md}) in the application's {@link MeterRegistry}, bound when the context starts (the
 * endpoint is made then) and removed when it stops. Backs off when the application binds its own
 * {@link SessionFeedMetrics}.
 */
@AutoConfiguration(after = {SessionFeedAutoConfiguration.class, EndpointConfiguration.class})
@ConditionalOnClass({MeterRegistry.class, SessionFeedMetrics.class})
@ConditionalOnBean(SessionFeed.class)
@ConditionalOnMissingBean(SessionFeedMetrics.class)
class MetricsConfiguration {

    @Bean
    MetricsBinding sessionFeedMetricsBinding(SessionFeed feed, ObjectProvider<SessionChangeSource> source,
                                             ObjectProvider<SessionFeedEndpoint> endpoint,
                                             ObjectProvider<MeterRegistry> registry) {
        return new MetricsBinding(() -> {
            MeterRegistry r = registry.getIfUnique();
            if (r == null) {
                return null;
            }
            SessionFeedMetrics.Builder metrics = SessionFeedMetrics.builder(feed);
            SessionChangeSource s = source.getIfUnique();
            if (s != null) {
                metrics.source(s);
            }
            SessionFeedEndpoint e = endpoint.getIfAvailable();
            if (e != null) {
                metrics.endpoint(e);
            }
            SessionFeedMetrics built = metrics.build();
            built.bindTo(r);
            return built;
        });
    }
}
