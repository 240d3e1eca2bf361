package dev.sessionfeed.websocket;

import jakarta.websocket.server.ServerContainer;

/** Finding a web application's {@link ServerContainer}, and the one message for when there is none. */
final class ServerContainers {

    /** The servlet context attribute under which a servlet container publishes its WebSocket container. */
    static final String ATTRIBUTE = ServerContainer.class.getName();

    private ServerContainers() {
    }

    /**
     * What to say when there is no container: where it comes from and what to do about it.
     *
     * @param found what was found instead (null, or the attribute's value)
     * @return the message
     */
    static String missing(Object found) {
        return "no Jakarta WebSocket container in this web application (servlet context attribute " + ATTRIBUTE
                + " is " + (found == null ? "null" : found.getClass().getName()) + "): the container's WebSocket "
                + "support must be on the class path and initialized first (Tomcat: tomcat-embed-websocket and its WsSci; "
                + "Jetty: JakartaWebSocketServletContainerInitializer; Undertow: a WebSocketDeploymentInfo attribute), "
                + "and the endpoint registered after it, e.g. from a ServletContainerInitializer "
                + "(SessionFeedServlets.initializer) or a ServletContextListener (SessionFeedServletListener)";
    }

    /**
     * The container published in a servlet context.
     *
     * @param attribute the value of {@link #ATTRIBUTE}
     * @return the container
     * @throws IllegalStateException if it is not a {@link ServerContainer}
     */
    static ServerContainer require(Object attribute) {
        if (attribute instanceof ServerContainer) {
            return (ServerContainer) attribute;
        }
        throw new IllegalStateException(missing(attribute));
    }
}
