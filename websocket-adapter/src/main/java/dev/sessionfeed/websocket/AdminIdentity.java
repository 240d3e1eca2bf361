package dev.sessionfeed.websocket;

import java.util.Objects;
import java.util.Set;

/**
 * Who is connected: an authenticated admin, as returned by an {@link AdminAuthenticator}.
 *
 * <p>{@code name} appears in audit events and is what {@link SessionFeedEndpoint#revoke(String)} matches; it
 * must not be a secret. {@code permissions} decide which commands the admin may send (see
 * {@link WebSocketOptions.Builder#commandPermission(String, String)}); an admin with no permissions can
 * watch but not act. Immutable and thread-safe.
 *
 * @param name        a stable, non-secret name for the admin (user id or login); not blank
 * @param permissions the admin's permissions, for example {@code sessions:end}; copied, unmodifiable
 */
public record AdminIdentity(String name, Set<String> permissions) {

    /** Permission to send {@code end_session}. */
    public static final String END_SESSIONS = "sessions:end";
    /** Permission to send {@code archive_session}. */
    public static final String ARCHIVE_SESSIONS = "sessions:archive";

    /**
     * Validates and copies.
     *
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public AdminIdentity {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
        }
        permissions = Set.copyOf(Objects.requireNonNull(permissions, "permissions"));
    }

    /**
     * An identity that may watch but not send commands.
     *
     * @param name the admin's name
     * @return the identity
     */
    public static AdminIdentity readOnly(String name) {
        return new AdminIdentity(name, Set.of());
    }

    /**
     * Tells whether the admin holds a permission.
     *
     * @param permission the permission
     * @return true when held
     */
    public boolean has(String permission) {
        return permissions.contains(permission);
    }
}
