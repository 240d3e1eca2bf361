package dev.sessionfeed.spring;

import dev.sessionfeed.SessionFeed;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import dev.sessionfeed.websocket.WebSocketOptions;
import jakarta.servlet.Filter;
import jakarta.websocket.server.ServerContainer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;

/**
 * The WebSocket endpoint in a servlet web application (embedded Tomcat, Jetty or Undertow): the endpoint, its
 * registration on the container's {@link ServerContainer} once the container made it, the handshake filter
 * (HTTP 401/403 before the upgrade), and its 1001 close before the web server's graceful shutdown. A separate
 * auto-configuration, after {@link SessionFeedAutoConfiguration}, so that its conditions see the feed bean.
 */
@AutoConfiguration(after = SessionFeedAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ServerContainer.class, Filter.class, SessionFeedEndpoint.class})
@ConditionalOnBean(SessionFeed.class)
class EndpointConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EndpointConfiguration.class);

    static final String NO_AUTHENTICATOR = "SessionFeed's endpoint needs to know who is an admin, and the starter "
            + "never opens it to everyone: add Spring Security (org.springframework.boot:spring-boot-starter-security; "
            + "roles CHAT_ADMIN and CHAT_VIEWER map to permissions, see sessionfeed.security.role-permissions), or "
            + "declare a bean of type dev.sessionfeed.websocket.AdminAuthenticator, or set sessionfeed.enabled=false";

    /**
     * Lazy: made when the context starts ({@link EndpointRegistration}), after every singleton, so that the
     * command handler and the authenticator it resolves are made after database initialization too.
     */
    @Bean(destroyMethod = "close")
    @Lazy
    SessionFeedEndpoint sessionFeedEndpoint(SessionFeed feed, SessionFeedProperties properties,
                                            ObjectProvider<AdminAuthenticator> authenticator,
                                            ObjectProvider<CommandHandler> commandHandler,
                                            ObjectProvider<WebSocketOptionsCustomizer> customizers) {
        AdminAuthenticator admins = authenticator.getIfUnique();
        if (admins == null) {
            throw new IllegalStateException(NO_AUTHENTICATOR);
        }
        WebSocketOptions.Builder options = WebSocketOptions.builder(admins);
        applyProperties(options, properties);
        CommandHandler commands = commandHandler.getIfUnique();
        if (commands != null) {
            options.commandHandler(commands);
        }
        customizers.orderedStream().forEach(c -> c.customize(options));
        WebSocketOptions built = options.build();
        if (properties.getAllowedOrigins().isEmpty() && !properties.isAllowMissingOrigin()) {
            log.warn("sessionfeed.allowed-origins is empty: every browser's handshake on {} is refused (403); "
                    + "set it to the dashboard's origin, for example https://admin.example.com", properties.getPath());
        }
        return SessionFeedEndpoint.create(feed, built);
    }

    /** The {@code sessionfeed.*} part of the options; also run at start-up so a bad value fails before anything listens. */
    static void applyProperties(WebSocketOptions.Builder options, SessionFeedProperties properties) {
        PropertyChecks.apply("sessionfeed.path", properties.getPath(), (String path) -> {
            if (!path.startsWith("/") || path.contains("*") || path.contains("?")) {
                throw new IllegalArgumentException("path must start with '/' and contain no wildcard");
            }
        });
        PropertyChecks.apply("sessionfeed.allowed-origins", properties.getAllowedOrigins(), options::allowedOrigins);
        options.allowMissingOrigin(properties.isAllowMissingOrigin());
        SessionFeedProperties.Websocket ws = properties.getWebsocket();
        if (ws.getMaxConnections() != null) {
            PropertyChecks.apply("sessionfeed.websocket.max-connections", ws.getMaxConnections(), options::maxConnections);
        }
        if (ws.getMaxConnectionsPerAdmin() != null) {
            PropertyChecks.apply("sessionfeed.websocket.max-connections-per-admin", ws.getMaxConnectionsPerAdmin(),
                    options::maxConnectionsPerAdmin);
        }
        if (ws.getHeartbeatInterval() != null) {
            PropertyChecks.apply("sessionfeed.websocket.heartbeat-interval", ws.getHeartbeatInterval(), options::heartbeatInterval);
        }
        if (ws.getIdleTimeout() != null) {
            PropertyChecks.apply("sessionfeed.websocket.idle-timeout", ws.getIdleTimeout(), options::idleTimeout);
        }
    }

    @Bean
    ServletContextHolder sessionFeedServletContext() {
        return new ServletContextHolder();
    }

    /**
     * Made while the web server is created, so a missing authenticator or a refused {@code sessionfeed.*} value
     * fails the start before anything listens; checks bean names only (nothing is instantiated early).
     */
    @Bean
    FilterRegistrationBean<Filter> sessionFeedHandshakeFilter(ObjectProvider<SessionFeedEndpoint> endpoint,
                                                             SessionFeedProperties properties,
                                                             ListableBeanFactory beans) {
        if (beans.getBeanNamesForType(AdminAuthenticator.class, true, false).length == 0) {
            throw new IllegalStateException(NO_AUTHENTICATOR);
        }
        applyProperties(WebSocketOptions.builder(handshake -> Optional.empty()), properties);
        FilterRegistrationBean<Filter> filter = new FilterRegistrationBean<>(new LazyHandshakeFilter(endpoint::getObject));
        filter.setName("sessionFeedHandshakeFilter");
        filter.addUrlPatterns(properties.getPath());
        // After Spring Security's chain (-100) so the request's principal is the application's Authentication,
        // before the container's own WebSocket upgrade filter.
        filter.setOrder(LazyHandshakeFilter.ORDER);
        return filter;
    }

    @Bean
    EndpointRegistration sessionFeedEndpointRegistration(ObjectProvider<SessionFeedEndpoint> endpoint,
                                                         ServletContextHolder servletContext,
                                                         SessionFeedProperties properties) {
        return new EndpointRegistration(endpoint::getObject, servletContext, properties.getPath());
    }

    @Bean
    EndpointShutdown sessionFeedEndpointShutdown(ObjectProvider<SessionFeedEndpoint> endpoint) {
        return new EndpointShutdown(endpoint::getObject);
    }
}
