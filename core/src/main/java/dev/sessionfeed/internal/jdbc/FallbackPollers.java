package dev.sessionfeed.internal.jdbc;

import dev.sessionfeed.jdbc.PollingChangeSource;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reaches the {@link FallbackPoller} behind a public {@link PollingChangeSource}, so that the public type has no
 * method for the fallback personality (the JDK's "shared secrets" pattern). {@code PollingChangeSource} installs the
 * accessor from its static initializer; since an instance exists before anyone can ask, the accessor is always
 * there. For SessionFeed's own modules only (the package is exported to them alone).
 *
 * <p>Thread-safe.
 */
public final class FallbackPollers {

    private static volatile Function<PollingChangeSource, FallbackPoller> accessor;

    private FallbackPollers() {
    }

    /**
     * The fallback personality of {@code source}: the same loop, so starting, closing and the stats are shared.
     *
     * @param source a polling source
     * @return its poll loop
     * @throws NullPointerException naming {@code source}
     */
    public static FallbackPoller of(PollingChangeSource source) {
        Objects.requireNonNull(source, "source");
        Function<PollingChangeSource, FallbackPoller> a = accessor;
        if (a == null) {
            throw new IllegalStateException("PollingChangeSource did not install its accessor");
        }
        return a.apply(source);
    }

    /**
     * Called once, by {@code PollingChangeSource}'s static initializer.
     *
     * @param a the accessor
     * @throws IllegalStateException when an accessor is already installed
     */
    public static synchronized void install(Function<PollingChangeSource, FallbackPoller> a) {
        Objects.requireNonNull(a, "accessor");
        if (accessor != null) {
            throw new IllegalStateException("the PollingChangeSource accessor is already installed");
        }
        accessor = a;
    }
}
