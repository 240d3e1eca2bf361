package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerAuthenticatorTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final String ADMIN_TOKEN = "static-admin-token-0123";
    private final ExpiryCloser expiry = new ExpiryCloser(Duration.ZERO, Clock.systemUTC());
    private final ServerAuthenticator auth;

    ServerAuthenticatorTest() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:postgresql://localhost/app");
        env.put("SESSIONFEED_ALLOW_MISSING_ORIGIN", "true");
        env.put("SESSIONFEED_JWT_HS256_SECRET", SECRET);
        env.put("SESSIONFEED_ADMIN_TOKEN", ADMIN_TOKEN);
        ServerConfig config = ServerConfig.fromEnvironment(env);
        auth = new ServerAuthenticator(config, new JwtVerifier(config), new Scopes(), expiry);
    }

    @AfterEach
    void close() {
        expiry.close();
    }

    private static HandshakeInfo handshake(Map<String, List<String>> headers, Map<String, List<String>> query) {
        return new HandshakeInfo(null, headers, query, null);
    }

    private static String jwt(String role) {
        return Tokens.hs256(SECRET, Tokens.claims("ada", role, Duration.ofMinutes(5)).build());
    }

    @Test
    void readsTheTokenFromTheHeaderTheQueryOrTheCookie() {
        String token = jwt("chat-admin");
        assertThat(auth.authenticate(handshake(Map.of("Authorization", List.of("Bearer " + token)), Map.of()))).isPresent();
        assertThat(auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(token))))).isPresent();
        assertThat(auth.authenticate(handshake(Map.of("Cookie", List.of("other=1; sessionfeed_token=" + token)), Map.of()))).isPresent();
        assertThat(auth.authenticate(handshake(Map.of(), Map.of()))).isEmpty();
    }

    @Test
    void mapsRolesToPermissionsAndRefusesOtherRolesAndTenants() {
        Optional<AdminIdentity> admin = auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(jwt("chat-admin")))));
        assertThat(admin.orElseThrow().permissions()).containsExactlyInAnyOrder(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS);
        Optional<AdminIdentity> viewer = auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(jwt("chat-viewer")))));
        assertThat(viewer.orElseThrow().permissions()).isEmpty();
        assertThat(viewer.get().name()).isEqualTo("ada");
        assertThat(auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(jwt("billing")))))).isEmpty();
        String tenant = Tokens.hs256(SECRET, Tokens.claims("ada", "chat-admin", Duration.ofMinutes(5)).claim("tenant", "acme").build());
        assertThat(auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(tenant))))).isEmpty();
    }

    @Test
    void acceptsTheStaticTokenAndCountsChecks() {
        assertThat(auth.authenticate(handshake(Map.of("Authorization", List.of("Bearer " + ADMIN_TOKEN)), Map.of()))
                .orElseThrow().has(AdminIdentity.END_SESSIONS)).isTrue();
        assertThat(auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(ADMIN_TOKEN + "x"))))).isEmpty();
        assertThat(auth.accepted()).isEqualTo(1);
        assertThat(auth.refused()).isEqualTo(1);
    }

    @Test
    void eachHandshakeGetsItsOwnIdentityInstanceSoExpiryClosesOnlyItsConnection() {
        String token = jwt("chat-viewer");
        AdminIdentity first = auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(token)))).orElseThrow();
        AdminIdentity second = auth.authenticate(handshake(Map.of(), Map.of("access_token", List.of(token)))).orElseThrow();
        assertThat(first).isEqualTo(second).isNotSameAs(second);
    }

    @Test
    void statsSnapshotsRefuseNegativeCounts() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServerStats.builder().tokensRefused(-1))
                .hasMessage("tokensRefused must be at least 0, was -1");
        assertThat(ServerStats.builder().tokensAccepted(2).build()).isEqualTo(ServerStats.builder().tokensAccepted(2).build());
    }
}
