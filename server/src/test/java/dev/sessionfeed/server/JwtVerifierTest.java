package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtVerifierTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private final RSAKey rsa = Tokens.rsaKey("r1");
    private final ECKey ec = Tokens.ecKey("e1");

    private JwtVerifier verifier(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "jdbc:postgresql://localhost/app");
        env.put("SESSIONFEED_ALLOW_MISSING_ORIGIN", "true");
        env.put("SESSIONFEED_JWT_HS256_SECRET", SECRET);
        env.put("SESSIONFEED_JWT_JWKS_URL", "https://issuer.example/jwks.json"); // replaced by the in-memory set below
        env.put("SESSIONFEED_JWT_ISSUER", Tokens.ISSUER);
        env.put("SESSIONFEED_JWT_AUDIENCE", Tokens.AUDIENCE);
        env.put("SESSIONFEED_JWT_CLOCK_SKEW", "5s");
        env.putAll(extra);
        return new JwtVerifier(ServerConfig.fromEnvironment(env), new ImmutableJWKSet<>(new JWKSet(java.util.List.of(rsa, ec))));
    }

    private JwtVerifier verifier() {
        return verifier(Map.of());
    }

    @Test
    void acceptsHs256Rs256AndEs256WithTheirClaims() throws Exception {
        JwtVerifier.Verified v = verifier().verify(Tokens.hs256(SECRET, Tokens.claims("ada", "chat-admin", Duration.ofMinutes(5)).build()));
        assertThat(v.name()).isEqualTo("ada");
        assertThat(v.roles()).containsExactly("chat-admin");
        assertThat(v.tenant()).isNull();
        assertThat(verifier().verify(Tokens.rs256(rsa, Tokens.claims("bo", "chat-viewer", Duration.ofMinutes(5)).build())).name()).isEqualTo("bo");
        assertThat(verifier().verify(Tokens.es256(ec, Tokens.claims("cy", "chat-viewer", Duration.ofMinutes(5))
                .claim("tenant", "acme").build())).tenant()).isEqualTo("acme");
    }

    @Test
    void rolesMayBeASpaceSeparatedStringAndClaimNamesAreConfigurable() throws Exception {
        JwtVerifier v = verifier(Map.of("SESSIONFEED_JWT_NAME_CLAIM", "email", "SESSIONFEED_JWT_ROLES_CLAIM", "perms"));
        String token = Tokens.hs256(SECRET, Tokens.claims("id-1", "x", Duration.ofMinutes(5))
                .claim("email", "ada@example.com").claim("perms", "reports chat-admin").build());
        JwtVerifier.Verified verified = v.verify(token);
        assertThat(verified.name()).isEqualTo("ada@example.com");
        assertThat(verified.roles()).isEqualTo(Set.of("reports", "chat-admin"));
    }

    @Test
    void refusesExpiredButToleratesTheClockSkew() throws Exception {
        assertThatThrownBy(() -> verifier().verify(Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", Duration.ofSeconds(-30)).build())))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class).hasMessageContaining("Expired");
        verifier().verify(Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", Duration.ofSeconds(-2)).build()));
    }

    @Test
    void refusesATokenNotYetValid() {
        String token = Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", Duration.ofMinutes(5))
                .notBeforeTime(java.util.Date.from(java.time.Instant.now().plusSeconds(60))).build());
        assertThatThrownBy(() -> verifier().verify(token)).isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }

    @Test
    void refusesWrongAudienceIssuerSignatureAndMissingExpiry() {
        Duration h = Duration.ofHours(1);
        for (String token : new String[] {
                Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", h).audience("other").build()),
                Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", h).issuer("https://evil.example").build()),
                Tokens.hs256(SECRET.toUpperCase(java.util.Locale.ROOT), Tokens.claims("a", "chat-admin", h).build()),
                Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", h).expirationTime(null).build()),
                Tokens.hs256(SECRET, Tokens.claims("a", "chat-admin", h).subject(null).build()),
                Tokens.rs256(Tokens.rsaKey("r1"), Tokens.claims("a", "chat-admin", h).build()),
        }) {
            assertThatThrownBy(() -> verifier().verify(token)).as(token).isInstanceOf(JwtVerifier.InvalidTokenException.class);
        }
    }

    @Test
    void refusesAlgNoneAndAlgorithmConfusion() {
        Duration h = Duration.ofHours(1);
        assertThatThrownBy(() -> verifier().verify(Tokens.unsecured(Tokens.claims("a", "chat-admin", h).build())))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class);
        assertThatThrownBy(() -> verifier().verify(Tokens.hs256WithPublicKey(rsa, Tokens.claims("a", "chat-admin", h).build())))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class);
        // Without a shared secret HS256 has no key at all, whatever the JWKS holds.
        JwtVerifier jwksOnly = verifier(Map.of("SESSIONFEED_JWT_HS256_SECRET", " "));
        assertThatThrownBy(() -> jwksOnly.verify(Tokens.hs256WithPublicKey(rsa, Tokens.claims("a", "chat-admin", h).build())))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class);
        // An algorithm not configured for the JWKS is refused even with a JWKS key.
        JwtVerifier rsOnly = verifier(Map.of("SESSIONFEED_JWT_JWKS_ALGORITHMS", "RS256"));
        assertThatThrownBy(() -> rsOnly.verify(Tokens.es256(ec, Tokens.claims("a", "chat-admin", h).build())))
                .isInstanceOf(JwtVerifier.InvalidTokenException.class);
    }
}
