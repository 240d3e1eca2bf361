package dev.sessionfeed.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;

/** Reads one meter of a registry by name and tags, whatever its type: a counter's count, a gauge's value, a timer's count. */
final class MeterValues {

    private MeterValues() {
    }

    static double value(MeterRegistry registry, String name, String... tags) {
        Meter m = registry.get(name).tags(tags).meter();
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        if (m instanceof FunctionTimer t) {
            return t.count();
        }
        if (m instanceof TimeGauge g) {
            return g.value(TimeUnit.NANOSECONDS);
        }
        if (m instanceof Gauge g) {
            return g.value();
        }
        throw new IllegalArgumentException(name + " is a " + m.getClass().getName());
    }

    static double totalNanos(MeterRegistry registry, String name, String... tags) {
        return registry.get(name).tags(tags).functionTimer().totalTime(TimeUnit.NANOSECONDS);
    }
}
