package dev.sessionfeed.examples.boot;

import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import dev.sessionfeed.websocket.SessionFeedEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The two calls the dashboard page makes besides the WebSocket: who am I (the identity the starter's authenticator
 * gives this login, so the page shows exactly what the socket allows) and sign out (ends the login and closes its
 * WebSocket connections at once).
 */
@RestController
class DemoApiController {

    private final AdminAuthenticator authenticator;
    private final ObjectProvider<SessionFeedEndpoint> endpoint;

    DemoApiController(AdminAuthenticator authenticator, ObjectProvider<SessionFeedEndpoint> endpoint) {
        this.authenticator = authenticator;
        this.endpoint = endpoint;   // a provider: the starter makes the endpoint when the context starts
    }

    @GetMapping("/api/whoami")
    ResponseEntity<Map<String, Object>> whoami(Principal principal) {
        Optional<AdminIdentity> admin = authenticator.authenticate(new HandshakeInfo(principal, Map.of(), Map.of(), null));
        if (admin.isEmpty()) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "forbidden"));
        }
        return ResponseEntity.ok(Map.of("name", admin.get().name(), "permissions", List.copyOf(new TreeSet<>(admin.get().permissions()))));
    }

    @PostMapping("/api/logout")
    ResponseEntity<Map<String, Object>> logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        // CSRF is off for this call: a cross-site page cannot send a JSON body without a preflight, nor hide Sec-Fetch-Site.
        MediaType type = contentType(request);
        if (type == null || type.isWildcardType() || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            return ResponseEntity.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).body(Map.of("error", "unsupported_media_type"));
        }
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin")) {
            return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", "forbidden"));
        }
        new SecurityContextLogoutHandler().logout(request, response, authentication);
        int closed = endpoint.getObject().revoke(authentication.getName());
        return ResponseEntity.ok(Map.of("closed", closed));
    }

    private static MediaType contentType(HttpServletRequest request) {
        try {
            return request.getContentType() == null ? null : MediaType.parseMediaType(request.getContentType());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
