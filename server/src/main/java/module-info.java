/**
 * The standalone SessionFeed server. Exports its entry points only ({@code Main}, {@code SessionFeedServer},
 * {@code ServerConfig}); the rest of the package is package-private.
 */
module dev.sessionfeed.server {
    exports dev.sessionfeed.server;

    requires transitive dev.sessionfeed.core;
    requires dev.sessionfeed.pg;
    requires dev.sessionfeed.websocket;
    requires dev.sessionfeed.micrometer;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires com.fasterxml.jackson.databind;
    requires com.nimbusds.jose.jwt;
    requires com.zaxxer.hikari;
    requires java.sql;
    requires jakarta.servlet;
    requires jakarta.websocket;
    requires org.eclipse.jetty.server;
    requires org.eclipse.jetty.util;
    requires org.eclipse.jetty.io;
    requires org.eclipse.jetty.ee10.servlet;
    requires org.eclipse.jetty.ee10.websocket.jakarta.server;
    requires org.slf4j;
}
