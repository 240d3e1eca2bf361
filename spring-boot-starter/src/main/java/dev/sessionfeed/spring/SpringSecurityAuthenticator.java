package dev.sessionfeed.spring;

import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import java.security.Principal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Turns the handshake's Spring Security {@link Authentication} (the principal of the request the application's
 * filter chain authenticated: a session cookie, HTTP Basic, a resource-server JWT, ...) into an
 * {@link AdminIdentity}: its name, and the permissions of every mapped role it holds. Anonymous, unauthenticated
 * and unmapped principals are refused. Immutable, thread-safe.
 */
final class SpringSecurityAuthenticator implements AdminAuthenticator {

    private static final String ROLE_PREFIX = "ROLE_";

    private final Map<String, Set<String>> permissionsByRole;

    SpringSecurityAuthenticator(Map<String, List<String>> rolePermissions) {
        Map<String, Set<String>> roles = new HashMap<>();
        rolePermissions.forEach((role, permissions) -> {
            if (role == null || normalized(role).isEmpty()) {
                throw new IllegalArgumentException("sessionfeed.security.role-permissions must name roles, was '" + role + "'");
            }
            roles.computeIfAbsent(normalized(role), r -> new HashSet<>()).addAll(permissions == null ? List.of() : permissions);
        });
        this.permissionsByRole = Map.copyOf(roles);
    }

    @Override
    public Optional<AdminIdentity> authenticate(HandshakeInfo handshake) {
        Optional<Principal> principal = handshake.principal();
        if (principal.isEmpty() || !(principal.get() instanceof Authentication authentication)
                || !authentication.isAuthenticated() || authentication instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        Set<String> permissions = new HashSet<>();
        boolean mapped = false;
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            String name = authority.getAuthority();
            if (name == null || !name.startsWith(ROLE_PREFIX)) {
                continue;
            }
            Set<String> granted = permissionsByRole.get(normalized(name.substring(ROLE_PREFIX.length())));
            if (granted != null) {
                mapped = true;
                permissions.addAll(granted);
            }
        }
        String name = authentication.getName();
        if (!mapped || name == null || name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new AdminIdentity(name, permissions));
    }

    /** Boot drops characters other than letters, digits, '-' and '.' from map keys; compare without them. */
    private static String normalized(String role) {
        return role.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
    }
}
