package dev.sessionfeed.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Registers the meters of one {@link SessionFeedMetrics#bindTo} call in one registry, each named
 * {@code prefix + "." + name} with the binder's common tags, and remembers them so that they can be removed again.
 * Every meter is function-based: it reads its part's stats snapshot when the registry asks (no thread, no copy),
 * and Micrometer holds the part weakly (its default for function-based meters). Not thread-safe: the binder
 * confines each instance to its lock.
 */
final class MeterSet {

    private final MeterRegistry registry;
    private final String prefix;
    private final Tags common;
    private final Set<Meter> others;
    private final List<Meter> meters = new ArrayList<>();
    private Meter clash;

    /**
     * @param others the registry's meters that are not this binder's: a registration that returns one of them
     *               (same id) is a clash, never removed by this set
     */
    MeterSet(MeterRegistry registry, String prefix, Tags common, Set<Meter> others) {
        this.registry = registry;
        this.prefix = prefix;
        this.common = common;
        this.others = others;
    }

    /** The first registration that returned a meter of someone else, or null. */
    Meter clash() {
        return clash;
    }

    private void add(Meter m) {
        if (others.contains(m)) {
            if (clash == null) {
                clash = m;
            }
        } else {
            meters.add(m);
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    /** A monotonic counter; {@code baseUnit} may be null. */
    <T> void counter(String name, String description, String baseUnit, T part, ToDoubleFunction<T> value, Tags tags) {
        add(FunctionCounter.builder(prefix + "." + name, part, value)
                .description(description).baseUnit(baseUnit).tags(common).tags(tags).register(registry));
    }

    <T> void counter(String name, String description, String baseUnit, T part, ToDoubleFunction<T> value) {
        counter(name, description, baseUnit, part, value, Tags.empty());
    }

    /** A timer over a count and cumulative nanoseconds. */
    <T> void timer(String name, String description, T part, ToLongFunction<T> count, ToDoubleFunction<T> totalNanos,
            Tags tags) {
        add(FunctionTimer.builder(prefix + "." + name, part, count, totalNanos, TimeUnit.NANOSECONDS)
                .description(description).tags(common).tags(tags).register(registry));
    }

    <T> void timer(String name, String description, T part, ToLongFunction<T> count, ToDoubleFunction<T> totalNanos) {
        timer(name, description, part, count, totalNanos, Tags.empty());
    }

    /** A gauge; {@code baseUnit} may be null; NaN means "no value". */
    <T> void gauge(String name, String description, String baseUnit, T part, ToDoubleFunction<T> value, Tags tags) {
        add(Gauge.builder(prefix + "." + name, part, value)
                .description(description).baseUnit(baseUnit).tags(common).tags(tags).register(registry));
    }

    <T> void gauge(String name, String description, String baseUnit, T part, ToDoubleFunction<T> value) {
        gauge(name, description, baseUnit, part, value, Tags.empty());
    }

    /** A gauge of a duration in nanoseconds (NaN: none), reported in the registry's base time unit. */
    <T> void timeGauge(String name, String description, T part, ToDoubleFunction<T> nanos) {
        add(TimeGauge.builder(prefix + "." + name, part, TimeUnit.NANOSECONDS, nanos)
                .description(description).tags(common).register(registry));
    }

    /** The meters registered so far, in registration order. */
    List<Meter> meters() {
        return List.copyOf(meters);
    }

    /** Removes every meter of this set from its registry. */
    void removeAll() {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
