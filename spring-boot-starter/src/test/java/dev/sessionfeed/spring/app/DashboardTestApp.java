package dev.sessionfeed.spring.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application the starter's tests run: form login and HTTP Basic, an admin (CHAT_ADMIN) and a viewer
 * (CHAT_VIEWER), everything authenticated but the WebSocket path, which the starter's handshake filter guards
 * (401 before the upgrade). Nothing SessionFeed-specific but the permitted path: the starter does the rest.
 */
@SpringBootApplication
public class DashboardTestApp {

    public static final String ADMIN = "admin";
    public static final String VIEWER = "viewer";
    public static final String PASSWORD = "test-password";

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                        .requestMatchers("/ws/admin/chat").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername(ADMIN).password("{noop}" + PASSWORD).roles("CHAT_ADMIN").build(),
                User.withUsername(VIEWER).password("{noop}" + PASSWORD).roles("CHAT_VIEWER").build(),
                User.withUsername("someone").password("{noop}" + PASSWORD).roles("USER").build());
    }
}
