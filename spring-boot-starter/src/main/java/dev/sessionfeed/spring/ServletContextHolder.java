package dev.sessionfeed.spring;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.springframework.boot.web.servlet.ServletContextInitializer;

/**
 * Keeps the embedded container's {@link ServletContext}. Boot runs its initializers before the container's own
 * WebSocket initializer (Tomcat's {@code WsSci}) made the {@link ServerContainer}, so the endpoint is registered
 * later, by {@link EndpointRegistration}, from the context kept here.
 */
final class ServletContextHolder implements ServletContextInitializer {

    private volatile ServletContext context;

    @Override
    public void onStartup(ServletContext servletContext) {
        this.context = servletContext;
    }

    /** Whether a servlet container started this application (not so in a mock web environment of a test). */
    boolean started() {
        return context != null;
    }

    /**
     * The container's WebSocket container.
     *
     * @throws IllegalStateException naming what is missing
     */
    ServerContainer serverContainer() {
        ServletContext c = context;
        if (c == null) {
            throw new IllegalStateException("no servlet container started this application");
        }
        Object container = c.getAttribute(ServerContainer.class.getName());
        if (!(container instanceof ServerContainer)) {
            throw new IllegalStateException("no Jakarta WebSocket container in this web application (servlet context attribute "
                    + ServerContainer.class.getName() + " is " + container + "): add the container's WebSocket support, "
                    + "for example org.apache.tomcat.embed:tomcat-embed-websocket (in spring-boot-starter-tomcat) or "
                    + "org.eclipse.jetty.ee10.websocket:jetty-ee10-websocket-jakarta-server (in spring-boot-starter-jetty)");
        }
        return (ServerContainer) container;
    }
}
