package dev.sessionfeed.spring;

import dev.sessionfeed.FeedStatus;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Boot's health API, found by name: {@code HealthIndicator}, {@code Health.status(String)},
 * {@code Health.Builder.withDetails(Map)} and {@code build()} exist with the same shapes in Boot 4's
 * {@value #BOOT4} and Boot 3.5's {@value #BOOT3}; only the package moved. Immutable, thread-safe.
 *
 * <p>The status mapping, documented in {@code docs/spring-boot.md}: {@code live} → UP, {@code degraded} → UP
 * (the dashboards are correct, changes arrive late; the details say why), {@code recovering} → DOWN (the
 * database cannot be read: what dashboards show may be stale).
 */
final class ReflectiveHealth {

    static final String BOOT4 = "org.springframework.boot.health.contributor";
    static final String BOOT3 = "org.springframework.boot.actuate.health";

    /** One reading of the feed. */
    record Reading(FeedStatus status, Map<String, Object> details) {
    }

    private final Class<?> indicatorType;
    private final Method status;
    private final Method withDetails;
    private final Method build;

    private ReflectiveHealth(Class<?> indicatorType, Method status, Method withDetails, Method build) {
        this.indicatorType = indicatorType;
        this.status = status;
        this.withDetails = withDetails;
        this.build = build;
    }

    /** The API on the class path, or null without Actuator. */
    static ReflectiveHealth find(ClassLoader loader) {
        for (String pkg : new String[] {BOOT4, BOOT3}) {
            try {
                Class<?> indicator = Class.forName(pkg + ".HealthIndicator", false, loader);
                Class<?> health = Class.forName(pkg + ".Health", false, loader);
                Class<?> builder = Class.forName(pkg + ".Health$Builder", false, loader);
                return new ReflectiveHealth(indicator, health.getMethod("status", String.class),
                        builder.getMethod("withDetails", Map.class), builder.getMethod("build"));
            } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
                // not this version (or no Actuator): try the next
            }
        }
        return null;
    }

    Class<?> indicatorType() {
        return indicatorType;
    }

    static String statusCode(FeedStatus status) {
        return status == FeedStatus.RECOVERING ? "DOWN" : "UP";
    }

    /** A {@code HealthIndicator} whose {@code health()} reads {@code reading} each time it is called. */
    Object indicator(Supplier<Reading> reading) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "SessionFeedHealthIndicator";
                };
            }
            if (method.getName().equals("health") && method.getParameterCount() == 0) {
                return health(reading.get());
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new UnsupportedOperationException(method.toString());
        };
        return Proxy.newProxyInstance(indicatorType.getClassLoader(), new Class<?>[] {indicatorType}, handler);
    }

    private Object health(Reading r) throws IllegalAccessException, InvocationTargetException {
        Object builder = status.invoke(null, statusCode(r.status()));
        builder = withDetails.invoke(builder, r.details());
        return build.invoke(builder);
    }
}
