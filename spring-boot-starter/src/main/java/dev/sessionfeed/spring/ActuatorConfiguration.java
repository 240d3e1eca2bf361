package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * With Actuator: the {@code sessionfeed} health indicator (Boot 3.5's or Boot 4's health API, whichever is on the
 * class path) and the {@code sessionfeed} info contributor.
 */
@AutoConfiguration(after = {SessionFeedAutoConfiguration.class, EndpointConfiguration.class})
@ConditionalOnBean(SessionFeed.class)
@Import(HealthIndicatorRegistrar.class)
class ActuatorConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.info.InfoContributor")
    static class Info {

        @Bean
        @ConditionalOnMissingBean(name = "sessionfeedInfoContributor")
        InfoContributor sessionfeedInfoContributor(SessionFeed feed, ObjectProvider<SessionFeedEndpoint> endpoint) {
            return new SessionFeedInfoContributor(feed, endpoint::getIfAvailable);
        }
    }
}
