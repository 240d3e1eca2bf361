package dev.sessionfeed.examples.boot;

import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;

/**
 * The sample's security, as an application would write it; the starter only reads the result. Form login with two
 * users: {@code admin} (role CHAT_ADMIN: may end and archive chats) and {@code viewer} (role CHAT_VIEWER: watches).
 * Passwords come from {@code demo.admin-password} / {@code demo.viewer-password} (environment
 * {@code DEMO_ADMIN_PASSWORD}, ...) or are generated and printed once at start.
 *
 * <p>The WebSocket path is permitted here because the starter's handshake filter answers an unauthenticated or
 * unmapped handshake with 401 itself (a redirect to the login page means nothing to a WebSocket). {@code /api/**}
 * answers 401 instead of redirecting, for the page's {@code fetch} calls.
 */
@Configuration(proxyBeanMethods = false)
class DemoSecurity {

    private static final Logger log = LoggerFactory.getLogger(DemoSecurity.class);

    @Bean
    SecurityFilterChain demoSecurityFilterChain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/ws/admin/chat", "/actuator/health", "/error").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults())
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED),
                        request -> request.getRequestURI().startsWith("/api/")))
                // The page signs out with a same-origin JSON POST (DemoApiController checks both), like the plain sample.
                .csrf(csrf -> csrf.ignoringRequestMatchers(request -> "/api/logout".equals(request.getRequestURI())));
        return http.build();
    }

    @Bean
    UserDetailsService demoUsers(@Value("${demo.admin-password:}") String adminPassword,
                                 @Value("${demo.viewer-password:}") String viewerPassword) {
        return new InMemoryUserDetailsManager(
                User.withUsername("admin").password("{noop}" + password("admin", adminPassword)).roles("CHAT_ADMIN").build(),
                User.withUsername("viewer").password("{noop}" + password("viewer", viewerPassword)).roles("CHAT_VIEWER").build());
    }

    private static String password(String user, String configured) {
        if (!configured.isBlank()) {
            return configured;
        }
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        log.info("Sign in as {} with password {} (set demo.{}-password to choose it)", user, generated, user);
        return generated;
    }
}
