package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers the {@code sessionfeed} health indicator against whichever health API is on the class path: Boot 4's
 * {@code org.springframework.boot.health.contributor} or Boot 3.5's {@code org.springframework.boot.actuate.health}
 * (the same types, moved). One jar serves both, so the indicator is a JDK proxy of the interface found
 * ({@link ReflectiveHealth}); nothing is registered without Actuator or when the application has a bean named
 * {@code sessionfeedHealthIndicator}.
 */
final class HealthIndicatorRegistrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {

    static final String BEAN_NAME = "sessionfeedHealthIndicator";

    private BeanFactory beanFactory;

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        ClassLoader loader = getClass().getClassLoader();
        ReflectiveHealth api = ReflectiveHealth.find(loader);
        if (api == null || registry.containsBeanDefinition(BEAN_NAME)) {
            return;
        }
        BeanFactory factory = beanFactory;
        RootBeanDefinition indicator = definition(api.indicatorType(), () -> api.indicator(() -> {
            SessionFeed feed = factory.getBean(SessionFeed.class);
            Map<String, Object> facts = FeedFacts.of(feed, () -> factory.getBeanProvider(SessionFeedEndpoint.class).getIfAvailable());
            return new ReflectiveHealth.Reading(feed.status(), facts);
        }));
        registry.registerBeanDefinition(BEAN_NAME, indicator);
    }

    private static <T> RootBeanDefinition definition(Class<T> type, Supplier<Object> instance) {
        return new RootBeanDefinition(type, () -> type.cast(instance.get()));
    }
}
