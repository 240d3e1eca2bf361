/**
 * SessionFeed's endpoint for any Jakarta WebSocket 2.1+ container (Tomcat, Jetty, Tyrus, Undertow): the
 * protocol, authentication and Origin hooks, command dispatch and the per-client sender. Exports only
 * {@code dev.sessionfeed.websocket}.
 */
module dev.sessionfeed.websocket {
    requires transitive dev.sessionfeed.core;
    requires transitive jakarta.websocket;
    requires static transitive jakarta.servlet;
    requires org.slf4j;

    exports dev.sessionfeed.websocket;
}
