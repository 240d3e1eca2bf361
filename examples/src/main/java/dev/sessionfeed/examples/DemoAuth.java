package dev.sessionfeed.examples;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's authentication: two long-lived tokens, one for an admin who may end and archive sessions, one for a
 * read-only viewer, and the browser logins made with them ({@link LoginStore}). A real host app plugs its own session
 * or SSO check in the same place. Thread-safe.
 *
 * <p>A caller is recognized, in this order, by an {@code Authorization: Bearer} token, an {@code access_token} query
 * parameter (both for non-browser clients and the page's one-time link), or the {@value #COOKIE} cookie that the
 * page's login sets. The cookie holds a random login id, never a token: logging out ends the login, and the token
 * itself never sits in the browser.
 */
final class DemoAuth {

    /** The cookie the dashboard's login sets (HttpOnly, SameSite=Strict): a {@link LoginStore} login id. */
    static final String COOKIE = "sessionfeed_session";
    /** Permission to end sessions (the websocket-adapter's {@code AdminIdentity.END_SESSIONS}). */
    static final String END = "sessions:end";
    /** Permission to archive sessions ({@code AdminIdentity.ARCHIVE_SESSIONS}). */
    static final String ARCHIVE = "sessions:archive";

    private static final Logger log = LoggerFactory.getLogger(DemoAuth.class);

    /**
     * Who a token belongs to.
     *
     * @param name        display name
     * @param permissions the permissions
     */
    record Identity(String name, Set<String> permissions) {
        Identity {
            Objects.requireNonNull(name, "name");
            permissions = Set.copyOf(permissions);
        }

        boolean readOnly() {
            return permissions.isEmpty();
        }
    }

    /**
     * A recognized caller.
     *
     * @param identity       who it is
     * @param connectionName the name its WebSocket connections carry: the identity's name for a token, {@code name#tag}
     *                       for a browser login (so that a logout revokes exactly that login's connections)
     */
    record Caller(Identity identity, String connectionName) {
        Caller {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(connectionName, "connectionName");
        }
    }

    private static final Identity ADMIN = new Identity("admin", Set.of(END, ARCHIVE));
    private static final Identity VIEWER = new Identity("viewer", Set.of());

    private final byte[] adminToken;
    private final byte[] viewerToken;
    private final String adminTokenText;
    private final String viewerTokenText;
    private final boolean adminGenerated;
    private final boolean viewerGenerated;
    private final LoginStore logins;

    /**
     * @param adminToken  the admin token, or null to generate one
     * @param viewerToken the viewer token, or null to generate one
     * @param logins      where browser logins are kept
     */
    DemoAuth(String adminToken, String viewerToken, LoginStore logins) {
        this.adminGenerated = adminToken == null;
        this.viewerGenerated = viewerToken == null;
        this.adminTokenText = adminToken != null ? adminToken : generate();
        this.viewerTokenText = viewerToken != null ? viewerToken : generate();
        this.adminToken = adminTokenText.getBytes(StandardCharsets.UTF_8);
        this.viewerToken = viewerTokenText.getBytes(StandardCharsets.UTF_8);
        this.logins = Objects.requireNonNull(logins, "logins");
    }

    String adminToken() {
        return adminTokenText;
    }

    String viewerToken() {
        return viewerTokenText;
    }

    /** @return whether the admin token was generated here (only then is it printed: a supplied one never is) */
    boolean adminTokenGenerated() {
        return adminGenerated;
    }

    /** @return whether the viewer token was generated here */
    boolean viewerTokenGenerated() {
        return viewerGenerated;
    }

    /**
     * Checks one token.
     *
     * @param token the token, may be null
     * @return the identity, or empty
     */
    Optional<Identity> identify(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        // Constant-time comparisons, both always evaluated.
        boolean admin = MessageDigest.isEqual(t, adminToken);
        boolean viewer = MessageDigest.isEqual(t, viewerToken);
        return admin ? Optional.of(ADMIN) : viewer ? Optional.of(VIEWER) : Optional.empty();
    }

    /**
     * Finds the caller of a request or handshake from its header, query parameter or login cookie.
     *
     * @param authorization the Authorization header, or null
     * @param queryToken    the access_token query parameter, or null
     * @param cookies       the cookies by name
     * @return the caller, or empty
     */
    Optional<Caller> identify(String authorization, String queryToken, Map<String, String> cookies) {
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<Identity> id = identify(authorization.substring(7).trim());
            if (id.isPresent()) {
                return id.map(i -> new Caller(i, i.name()));
            }
        }
        Optional<Identity> byQuery = identify(queryToken);
        if (byQuery.isPresent()) {
            return byQuery.map(i -> new Caller(i, i.name()));
        }
        String session = cookies.get(COOKIE);
        if (session == null) {
            return Optional.empty();
        }
        try {
            return logins.find(session).flatMap(login -> byName(login.name()).map(i -> new Caller(i, login.connectionName())));
        } catch (SQLException e) {
            log.warn("Cannot check a login: {}", e.toString());
            return Optional.empty();
        }
    }

    /**
     * Starts a browser login.
     *
     * @param identity who logged in (from {@link #identify(String)})
     * @return the login; its id goes into the cookie
     * @throws SQLException if the database fails
     */
    LoginStore.Login login(Identity identity) throws SQLException {
        return logins.create(identity.name());
    }

    /**
     * Ends a browser login.
     *
     * @param sessionId the cookie's value, may be null
     * @return the ended login, or empty
     * @throws SQLException if the database fails
     */
    Optional<LoginStore.Login> logout(String sessionId) throws SQLException {
        return logins.delete(sessionId);
    }

    private static Optional<Identity> byName(String name) {
        return name.equals(ADMIN.name()) ? Optional.of(ADMIN) : name.equals(VIEWER.name()) ? Optional.of(VIEWER) : Optional.empty();
    }

    private static String generate() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
