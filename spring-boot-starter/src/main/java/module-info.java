/**
 * SessionFeed's Spring Boot starter: auto-configuration of the feed, its change source and its WebSocket endpoint
 * from the application's DataSource and {@code sessionfeed.*} properties. Exports only
 * {@code dev.sessionfeed.spring}; Spring reads the configuration classes reflectively, so the package is open to it.
 */
module dev.sessionfeed.spring {
    requires transitive dev.sessionfeed.core;
    requires transitive dev.sessionfeed.websocket;
    requires dev.sessionfeed.pg;
    requires java.sql;
    requires org.slf4j;
    requires spring.core;
    requires spring.beans;
    requires spring.context;
    requires spring.boot;
    requires spring.boot.autoconfigure;
    requires static jakarta.servlet;
    requires static spring.security.core;
    requires static spring.boot.actuator;
    requires static dev.sessionfeed.micrometer;
    requires static micrometer.core;

    exports dev.sessionfeed.spring;
    opens dev.sessionfeed.spring to spring.core, spring.beans, spring.context;
}
