/**
 * SessionFeed's Micrometer binder: {@link dev.sessionfeed.micrometer.SessionFeedMetrics} binds the stats of a feed,
 * its change source and its WebSocket endpoint to any {@code MeterRegistry}. Exports only
 * {@code dev.sessionfeed.micrometer}.
 */
module dev.sessionfeed.micrometer {
    requires transitive dev.sessionfeed.core;
    requires transitive dev.sessionfeed.websocket;
    requires transitive micrometer.core;
    requires org.slf4j;

    exports dev.sessionfeed.micrometer;
}
