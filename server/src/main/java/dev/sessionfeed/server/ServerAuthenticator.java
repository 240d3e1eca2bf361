package dev.sessionfeed.server;

import dev.sessionfeed.websocket.AdminAuthenticator;
import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect: the token from the {@code Authorization: Bearer} header, else the {@code access_token} query
 * parameter (what the browser client sends), else the configured cookie; checked against the static tokens
 * (constant time), else verified as a JWT ({@link JwtVerifier}) and mapped to an identity: the name claim, every
 * permission for the admin role, none (read-only) for the viewer role, refused with neither. A JWT's connection is
 * closed with 1008 when the token expires ({@link ExpiryCloser}).
 *
 * <p>Thread-safe.
 */
final class ServerAuthenticator implements AdminAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(ServerAuthenticator.class);
    private static final Set<String> ALL = Set.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS);

    private final byte[] adminToken;
    private final byte[] viewerToken;
    private final JwtVerifier jwt;
    private final String cookie;
    private final String adminRole;
    private final String viewerRole;
    private final Scopes scopes;
    private final ExpiryCloser expiry;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();

    ServerAuthenticator(ServerConfig config, JwtVerifier jwt, Scopes scopes, ExpiryCloser expiry) {
        this.adminToken = bytes(config.adminToken());
        this.viewerToken = bytes(config.viewerToken());
        this.jwt = config.hs256Secret() != null || config.jwksUrl() != null ? jwt : null;
        this.cookie = config.value(Setting.SESSIONFEED_TOKEN_COOKIE);
        this.adminRole = config.value(Setting.SESSIONFEED_JWT_ADMIN_ROLE);
        this.viewerRole = config.value(Setting.SESSIONFEED_JWT_VIEWER_ROLE);
        this.scopes = scopes;
        this.expiry = expiry;
    }

    @Override
    public Optional<AdminIdentity> authenticate(HandshakeInfo handshake) {
        String token = handshake.bearerToken()
                .or(() -> handshake.queryParameter("access_token"))
                .or(() -> handshake.cookie(cookie))
                .orElse(null);
        if (token == null || token.isEmpty()) {
            return refuse("no token");
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        if (adminToken != null && MessageDigest.isEqual(presented, adminToken)) {
            return accept(new AdminIdentity("admin", ALL));
        }
        if (viewerToken != null && MessageDigest.isEqual(presented, viewerToken)) {
            return accept(AdminIdentity.readOnly("viewer"));
        }
        if (jwt == null || token.chars().filter(c -> c == '.').count() != 2) {
            return refuse("not a configured token");
        }
        JwtVerifier.Verified v;
        try {
            v = jwt.verify(token);
        } catch (JwtVerifier.InvalidTokenException e) {
            return refuse(e.getMessage());
        }
        Set<String> permissions;
        if (v.roles().contains(adminRole)) {
            permissions = ALL;
        } else if (v.roles().contains(viewerRole)) {
            permissions = Set.of();
        } else {
            return refuse("token of " + v.name() + " has neither role " + adminRole + " nor " + viewerRole);
        }
        Optional<AdminIdentity> identity = scopes.identity(v.name(), permissions, v.tenant());
        if (identity.isEmpty()) {
            return refuse("token of " + v.name() + " has a " + "tenant the server cannot enforce");
        }
        expiry.closeAtExpiry(identity.get(), v.expiresAt());
        return accept(identity.get());
    }

    private Optional<AdminIdentity> accept(AdminIdentity identity) {
        accepted.increment();
        return Optional.of(identity);
    }

    private Optional<AdminIdentity> refuse(String reason) {
        refused.increment();
        log.debug("Handshake refused: {}", LogText.of(reason));
        return Optional.empty();
    }

    /** @return handshakes accepted (each is checked twice: before the upgrade and at it) */
    long accepted() {
        return accepted.sum();
    }

    /** @return handshakes refused */
    long refused() {
        return refused.sum();
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
