package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Admins from the application server's own security: the server authenticates the upgrade request (BASIC or FORM
 * login against its realm, see {@code web.xml}) and maps realm groups to the WAR's roles; this authenticator only
 * maps roles to SessionFeed permissions. {@value #ADMIN_ROLE} may do everything, {@value #VIEWER_ROLE} may only
 * watch. A principal in neither role gets no identity (the handshake is refused). Stateless and thread-safe.
 */
final class RealmAuthenticator implements AdminAuthenticator {

    /** Sees the dashboard and may end and archive sessions. */
    static final String ADMIN_ROLE = "chat-admin";
    /** Sees the dashboard only. */
    static final String VIEWER_ROLE = "chat-viewer";

    private static final Set<String> ALL = Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS);

    @Override
    public Optional<AdminIdentity> authenticate(HandshakeInfo handshake) {
        Optional<Principal> principal = handshake.principal();
        if (principal.isEmpty()) {
            return Optional.empty();
        }
        String name = principal.get().getName();
        if (handshake.isUserInRole(ADMIN_ROLE)) {
            return Optional.of(new AdminIdentity(name, ALL));
        }
        if (handshake.isUserInRole(VIEWER_ROLE)) {
            return Optional.of(AdminIdentity.readOnly(name));
        }
        return Optional.empty();
    }
}
