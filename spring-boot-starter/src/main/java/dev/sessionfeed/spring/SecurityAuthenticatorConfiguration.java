package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.AdminAuthenticator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** With Spring Security on the class path: the handshake's authenticated principal becomes the admin. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = "org.springframework.security.core.Authentication")
class SecurityAuthenticatorConfiguration {

    @Bean
    @ConditionalOnMissingBean
    AdminAuthenticator sessionFeedAdminAuthenticator(SessionFeedProperties properties) {
        return new SpringSecurityAuthenticator(properties.getSecurity().getRolePermissions());
    }
}
