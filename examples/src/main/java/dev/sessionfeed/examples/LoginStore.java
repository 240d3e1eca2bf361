package dev.sessionfeed.examples;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The demo's login sessions, kept in the database (so a dashboard stays signed in across a restart of the app, and
 * every node of a cluster sees a logout). A login is a random 256-bit session id, sent to the browser in an HttpOnly
 * cookie; the table holds only its SHA-256, the identity's name and an expiry, so a leaked table grants nothing.
 * Logging out deletes the row.
 *
 * <p>Each login has a short public <em>tag</em> (the first 8 hex digits of the id's hash; it cannot be turned back
 * into the id). The WebSocket endpoint's identity for a login is {@code name#tag}, so a logout revokes exactly that
 * login's connections and the audit trail tells logins apart.
 *
 * <p>Thread-safe: stateless apart from the data source; every call uses its own connection.
 */
final class LoginStore {

    /** The table, created on {@link #install()}. */
    static final String TABLE = "sessionfeed_demo_logins";
    /** How long a login lasts, however active (the cookie's Max-Age too). */
    static final Duration LIFETIME = Duration.ofHours(12);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;

    /**
     * One login.
     *
     * @param sessionId the secret id (only in the cookie; never logged)
     * @param name      the identity's name ({@code admin}, {@code viewer})
     * @param tag       the public tag of this login
     */
    record Login(String sessionId, String name, String tag) {
        Login {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(tag, "tag");
        }

        /** @return the endpoint identity's name for this login, {@code name#tag} */
        String connectionName() {
            return name + "#" + tag;
        }

        @Override
        public String toString() {
            return "Login{" + connectionName() + "}"; // never the id
        }
    }

    LoginStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Creates the table if it is missing and deletes expired logins. Idempotent.
     *
     * @throws SQLException if the database fails
     */
    void install() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id_sha256 bytea PRIMARY KEY, name text NOT NULL,"
                    + " tag text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)");
            st.execute("DELETE FROM " + TABLE + " WHERE expires_at < now()");
        }
    }

    /**
     * Starts a login for an identity.
     *
     * @param name the identity's name
     * @return the new login
     * @throws SQLException if the database fails
     */
    Login create(String name) throws SQLException {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        byte[] hash = sha256(id);
        String tag = HexFormat.of().formatHex(hash, 0, 4);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (id_sha256, name, tag, expires_at) VALUES (?, ?, ?, now() + make_interval(secs => ?))")) {
            ps.setBytes(1, hash);
            ps.setString(2, name);
            ps.setString(3, tag);
            ps.setLong(4, LIFETIME.toSeconds());
            ps.executeUpdate();
        }
        return new Login(id, name, tag);
    }

    /**
     * Finds a login that has not expired.
     *
     * @param sessionId the id from the cookie, may be null or malformed
     * @return the login, or empty
     * @throws SQLException if the database fails
     */
    Optional<Login> find(String sessionId) throws SQLException {
        if (!wellFormed(sessionId)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT name, tag FROM " + TABLE + " WHERE id_sha256 = ? AND expires_at > now()")) {
            ps.setBytes(1, sha256(sessionId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Login(sessionId, rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /**
     * Ends a login.
     *
     * @param sessionId the id from the cookie, may be null or malformed
     * @return the login that was ended, or empty when there was none
     * @throws SQLException if the database fails
     */
    Optional<Login> delete(String sessionId) throws SQLException {
        if (!wellFormed(sessionId)) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + TABLE + " WHERE id_sha256 = ? RETURNING name, tag")) {
            ps.setBytes(1, sha256(sessionId));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Login(sessionId, rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    /** An id this store could have made: 43 characters of base64url (no database call for anything else). */
    private static boolean wellFormed(String sessionId) {
        return sessionId != null && sessionId.length() == 43 && sessionId.chars().allMatch(ch ->
                ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_');
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
