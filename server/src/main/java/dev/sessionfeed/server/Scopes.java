package dev.sessionfeed.server;

import dev.sessionfeed.websocket.AdminIdentity;
import java.util.Optional;
import java.util.Set;

/**
 * The seam between a token's tenant claim and the endpoint's views. This build's {@link AdminIdentity} has no scope
 * (scoped views have not landed here), so a token that names a tenant is refused rather than shown every tenant's
 * sessions (failing closed); a token without one sees everything its role allows. When identities gain a scope,
 * {@link #identity} maps the tenant to it and nothing else changes. Stateless, thread-safe.
 */
final class Scopes {

    /**
     * @param name        the admin's name
     * @param permissions the permissions from the roles
     * @param tenant      the tenant claim, or null
     * @return the identity, or empty when the tenant cannot be enforced
     */
    Optional<AdminIdentity> identity(String name, Set<String> permissions, String tenant) {
        if (tenant != null) {
            return Optional.empty();
        }
        // A new instance per handshake: the expiry close finds exactly this connection.
        return Optional.of(new AdminIdentity(name, permissions));
    }
}
