package dev.sessionfeed.examples;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The demo's authentication: two fixed tokens, one for an admin who may end and archive sessions, one for a
 * read-only viewer. A real host app plugs its own session or SSO check in the same place. Thread-safe.
 *
 * <p>A token is accepted, in this order, from an {@code Authorization: Bearer} header, the
 * {@code access_token} query parameter, or the {@value #COOKIE} cookie set by the page's login.
 */
final class DemoAuth {

    /** The cookie the dashboard's login sets (HttpOnly, SameSite=Strict). */
    static final String COOKIE = "sessionfeed_token";
    /** Permission to end sessions (the websocket-adapter's {@code AdminIdentity.END_SESSIONS}). */
    static final String END = "sessions:end";
    /** Permission to archive sessions ({@code AdminIdentity.ARCHIVE_SESSIONS}). */
    static final String ARCHIVE = "sessions:archive";

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

    private static final Identity ADMIN = new Identity("admin", Set.of(END, ARCHIVE));
    private static final Identity VIEWER = new Identity("viewer", Set.of());

    private final byte[] adminToken;
    private final byte[] viewerToken;
    private final String adminTokenText;
    private final String viewerTokenText;

    DemoAuth(String adminToken, String viewerToken) {
        this.adminTokenText = adminToken != null ? adminToken : generate();
        this.viewerTokenText = viewerToken != null ? viewerToken : generate();
        this.adminToken = adminTokenText.getBytes(StandardCharsets.UTF_8);
        this.viewerToken = viewerTokenText.getBytes(StandardCharsets.UTF_8);
    }

    String adminToken() {
        return adminTokenText;
    }

    String viewerToken() {
        return viewerTokenText;
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
     * Finds the identity of a request or handshake from its header, query parameter or cookie.
     *
     * @param authorization the Authorization header, or null
     * @param queryToken    the access_token query parameter, or null
     * @param cookies       the cookies by name
     * @return the identity, or empty
     */
    Optional<Identity> identify(String authorization, String queryToken, Map<String, String> cookies) {
        String bearer = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = authorization.substring(7).trim();
        }
        for (String candidate : List.of(nullToEmpty(bearer), nullToEmpty(queryToken), nullToEmpty(cookies.get(COOKIE)))) {
            Optional<Identity> id = identify(candidate);
            if (id.isPresent()) {
                return id;
            }
        }
        return Optional.empty();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String generate() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
