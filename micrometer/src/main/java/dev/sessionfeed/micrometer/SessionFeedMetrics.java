package dev.sessionfeed.micrometer;

import dev.sessionfeed.Broadcaster;
import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.source.SessionChangeSource;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketStats;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the stats of one SessionFeed deployment to Micrometer: the feed ({@code SessionFeed.stats()}), optionally
 * its change source ({@code SessionChangeSource.stats()}) and its WebSocket endpoint
 * ({@code SessionFeedEndpoint.stats()}). Every meter, its type, unit, tags and the stat it reads is listed in
 * {@code docs/micrometer.md}; names are dot-separated under {@link Builder#prefix(String) the prefix}
 * ({@code sessionfeed} by default), durations are timers in the registry's base time unit, sizes in bytes, and the
 * registry adds its own suffixes (Prometheus' {@code _total}, {@code _seconds}).
 *
 * <pre>{@code
 * SessionFeedMetrics metrics = SessionFeedMetrics.builder(feed).source(source).endpoint(endpoint).build();
 * metrics.bindTo(registry);   // Spring Boot: declare it as a MeterBinder bean instead
 * ...
 * metrics.close();            // or just close the feed: its meters are removed with it
 * }</pre>
 *
 * <p>Lazy and cheap: every meter is function-based (counters, timers and gauges that read a stats snapshot when
 * the registry publishes or is scraped); nothing runs in between, and there is no thread. Micrometer holds the
 * parts weakly; this binder holds them until it is closed.
 *
 * <p>Lifetime: {@link #bindTo} may be called for several registries (Spring Boot calls it once per registry).
 * {@link #close()} removes every meter it registered from every registry; so does closing the feed (the binder
 * listens for it as a {@link Broadcaster}), so a feed that is closed and replaced leaves no stale meters. Binding
 * after close is refused. To bind two feeds to one registry, give each its own {@link Builder#tag(String, String)
 * tag} (for example {@code feed=orders}); the same names with the same tags would clash.
 *
 * <p>Thread-safe: {@code bindTo} and {@code close} may be called from any thread; the meters are read by the
 * registry's threads.
 */
public final class SessionFeedMetrics implements MeterBinder, AutoCloseable {

    /** The default prefix of every meter name. */
    public static final String DEFAULT_PREFIX = "sessionfeed";

    private static final Logger log = LoggerFactory.getLogger(SessionFeedMetrics.class);
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    private final SessionFeed feed;
    private final SessionChangeSource source;
    private final Supplier<WebSocketStats> endpoint;
    private final String prefix;
    private final Tags tags;
    private final Object lock = new Object();
    /** One per {@link #bindTo} call; guarded by {@link #lock}. */
    private final List<MeterSet> bound = new ArrayList<>();
    private boolean closed;
    /** The feed's registration of {@link #onFeedClose}; set once right after construction. */
    private volatile AutoCloseable closeListener;

    private SessionFeedMetrics(Builder b) {
        this.feed = b.feed;
        this.source = b.source;
        SessionFeedEndpoint e = b.endpoint;
        this.endpoint = e == null ? null : new EndpointStats(e);
        this.prefix = b.prefix;
        this.tags = b.tags;
    }

    /** Listens for the feed's close (after construction: the listener must not see a half-built binder). */
    private SessionFeedMetrics listen() {
        closeListener = feed.addBroadcaster(new Broadcaster() {
            @Override
            public void onClose() {
                log.debug("feed {} closed: removing its meters", feed.epoch());
                close();
            }

            @Override
            public String toString() {
                return "SessionFeedMetrics(removes its meters when the feed closes)";
            }
        });
        return this;
    }

    /**
     * Starts a builder for the meters of {@code feed}.
     *
     * @param feed the feed; its meters are always bound
     * @return a new builder
     * @throws NullPointerException if {@code feed} is null
     */
    public static Builder builder(SessionFeed feed) {
        return new Builder(Objects.requireNonNull(feed, "feed"));
    }

    /**
     * Registers every meter in {@code registry}. Calling it again for the same registry registers nothing new
     * (Micrometer returns the existing meters) but is harmless.
     *
     * @param registry the registry
     * @throws NullPointerException  if {@code registry} is null
     * @throws IllegalStateException if this binder is closed (or its feed was), or another binder already
     *                               registered the same names with the same tags in {@code registry} (two feeds
     *                               need different tags or prefixes)
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("SessionFeedMetrics for feed " + feed.epoch() + " is closed (it was closed, "
                        + "or its feed was): build a new one for the new feed");
            }
            // Meters of others: Micrometer hands back an existing meter with the same id, which would read another
            // feed. Such a clash is refused instead (binding this binder again to the same registry is harmless).
            Set<Meter> others = new HashSet<>(registry.getMeters());
            for (MeterSet s : bound) {
                if (s.registry() == registry) {
                    s.meters().forEach(others::remove);
                }
            }
            MeterSet set = new MeterSet(registry, prefix, tags, others);
            try {
                FeedMeters.bind(set, feed);
                if (source != null) {
                    SourceMeters.bind(set, source);
                }
                if (endpoint != null) {
                    WebSocketMeters.bind(set, endpoint);
                }
            } catch (RuntimeException e) {
                set.removeAll();
                throw e;
            }
            if (set.clash() != null) {
                set.removeAll();
                throw new IllegalStateException("a meter " + set.clash().getId() + " is already registered in this "
                        + "registry (another SessionFeedMetrics with the same prefix '" + prefix + "' and tags " + tags
                        + "?): give each feed its own tag (builder.tag(\"feed\", \"...\")) or prefix");
            }
            bound.add(set);
        }
    }

    /**
     * The meters this binder registered in {@code registry} and that are still there.
     *
     * @param registry a registry this binder was bound to
     * @return the meters, in registration order; empty if never bound to it, or closed
     */
    public List<Meter> meters(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        List<Meter> out = new ArrayList<>();
        synchronized (lock) {
            for (MeterSet s : bound) {
                if (s.registry() == registry) {
                    out.addAll(s.meters());
                }
            }
        }
        return out;
    }

    /**
     * Removes every meter this binder registered, from every registry, and stops listening to the feed.
     * Idempotent; the feed, source and endpoint are not closed (they are the host's).
     */
    @Override
    public void close() {
        List<MeterSet> sets;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            sets = List.copyOf(bound);
            bound.clear();
        }
        // Outside the lock: a registry may call meter filters or listeners of its own while removing.
        for (MeterSet s : sets) {
            s.removeAll();
        }
        try {
            AutoCloseable l = closeListener;
            if (l != null) {
                l.close();
            }
        } catch (Exception e) {
            log.debug("removing the close listener of feed {} failed", feed.epoch(), e);
        }
        log.debug("SessionFeedMetrics of feed {} closed: meters removed from {} registry binding(s)", feed.epoch(), sets.size());
    }

    @Override
    public String toString() {
        return "SessionFeedMetrics{prefix=" + prefix + ", tags=" + tags + ", source=" + (source != null)
                + ", endpoint=" + (endpoint != null) + '}';
    }

    /** Reads an endpoint's stats; keeps the endpoint type out of the meters' lambdas. */
    private static final class EndpointStats implements Supplier<WebSocketStats> {
        private final SessionFeedEndpoint endpoint;

        EndpointStats(SessionFeedEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public WebSocketStats get() {
            return endpoint.stats();
        }
    }

    /**
     * Configures a {@link SessionFeedMetrics}: which parts to bind besides the feed, the name prefix and the common
     * tags. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private final SessionFeed feed;
        private SessionChangeSource source;
        private SessionFeedEndpoint endpoint;
        private String prefix = DEFAULT_PREFIX;
        private Tags tags = Tags.empty();

        private Builder(SessionFeed feed) {
            this.feed = feed;
        }

        /**
         * Also binds the change source's meters ({@code <prefix>.source.*}). Default: none (the feed does not expose
         * its source; pass the one given to {@code SessionFeed.builder}).
         *
         * @param source the feed's change source
         * @return this builder
         * @throws NullPointerException if {@code source} is null
         */
        public Builder source(SessionChangeSource source) {
            this.source = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * Also binds the WebSocket endpoint's meters ({@code <prefix>.websocket.*}). Default: none.
         *
         * @param endpoint the endpoint serving this feed
         * @return this builder
         * @throws NullPointerException if {@code endpoint} is null
         */
        public Builder endpoint(SessionFeedEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * The prefix of every meter name. Default {@value SessionFeedMetrics#DEFAULT_PREFIX}.
         *
         * @param prefix lower-case dot-separated words ({@code [a-z][a-z0-9_]*}), for example {@code chat.feed}
         * @return this builder
         * @throws IllegalArgumentException if {@code prefix} is not of that form (the message names it)
         */
        public Builder prefix(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            if (!PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("prefix must be lower-case dot-separated words like 'sessionfeed' or "
                        + "'chat.feed', was '" + prefix + "'");
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * Adds tags to every meter (for example the feed's name when several feeds share a registry). Default none.
         *
         * @param tags the tags; a key given again replaces the earlier value
         * @return this builder
         * @throws NullPointerException if {@code tags} or an element is null
         */
        public Builder tags(Iterable<Tag> tags) {
            Objects.requireNonNull(tags, "tags");
            for (Tag t : tags) {
                Objects.requireNonNull(t, "tags element");
            }
            this.tags = this.tags.and(tags);
            return this;
        }

        /**
         * Adds one tag to every meter.
         *
         * @param key   the tag key, not blank
         * @param value the tag value, not null
         * @return this builder
         * @throws IllegalArgumentException if {@code key} is blank
         * @throws NullPointerException     if {@code key} or {@code value} is null
         */
        public Builder tag(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isBlank()) {
                throw new IllegalArgumentException("tag key must not be blank, was '" + key + "'");
            }
            this.tags = this.tags.and(key, value);
            return this;
        }

        /**
         * Creates the binder (it registers nothing until {@link SessionFeedMetrics#bindTo} is called) and starts
         * listening for the feed's close.
         *
         * @return a new binder
         */
        public SessionFeedMetrics build() {
            return new SessionFeedMetrics(this).listen();
        }
    }
}
