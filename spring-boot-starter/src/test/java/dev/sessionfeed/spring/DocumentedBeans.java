package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The beans docs/spring-boot.md shows for an application without Spring Security (compiled and started by tests). */
@Configuration(proxyBeanMethods = false)
class DocumentedBeans {

    /** Stands in for the application's own session store. */
    record Admin(String name, boolean mayAct) {
    }

    static final class AdminSessions {
        private static final Map<String, Admin> SESSIONS = Map.of("s3cr3t-session", new Admin("ada", true));

        static Optional<Admin> lookup(String sessionId) {
            return Optional.ofNullable(SESSIONS.get(sessionId));
        }
    }

    @Bean
    AdminAuthenticator adminAuthenticator() {
        return handshake -> handshake.cookie("ADMIN_SESSION")
                .flatMap(AdminSessions::lookup)                          // your own session store
                .map(admin -> admin.mayAct()
                        ? new AdminIdentity(admin.name(), Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS))
                        : AdminIdentity.readOnly(admin.name()));
    }

    @Bean
    WebSocketOptionsCustomizer slowerCommands() {
        return options -> options.commandRate(2, 4).maxFrameBytes(16 * 1024);
    }
}
