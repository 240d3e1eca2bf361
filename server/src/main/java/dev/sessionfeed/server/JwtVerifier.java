package dev.sessionfeed.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.security.Key;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies the host app's JWTs with nimbus-jose-jwt: the signature (HS256 with the shared secret; the configured
 * asymmetric algorithms with keys from the JWKS URL, cached, refreshed on an unknown key id, rate-limited), then
 * {@code exp} (required), {@code nbf}, {@code iss} and {@code aud} with the clock skew. The accepted algorithms are
 * fixed per key source, so a token's {@code alg} header never chooses how it is checked: {@code HS256} is only
 * ever checked with the secret (an RS256 public key used as an HMAC secret fails), RS/ES only with the JWKS, and
 * unsecured ({@code alg: none}) tokens are always refused.
 *
 * <p>Thread-safe (nimbus's processor and JWK source are).
 */
final class JwtVerifier {

    /** A verified token: who, with which roles, for which tenant, until when. */
    record Verified(String name, Set<String> roles, String tenant, Instant expiresAt) { }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final String nameClaim;
    private final String rolesClaim;
    private final String tenantClaim;

    JwtVerifier(ServerConfig config) {
        this(config, null);
    }

    /** With a JWK source of the test's (null: from the configured URL). */
    JwtVerifier(ServerConfig config, JWKSource<SecurityContext> jwks) {
        this.nameClaim = config.value(Setting.SESSIONFEED_JWT_NAME_CLAIM);
        this.rolesClaim = config.value(Setting.SESSIONFEED_JWT_ROLES_CLAIM);
        this.tenantClaim = config.value(Setting.SESSIONFEED_JWT_TENANT_CLAIM);
        byte[] secret = config.hs256Secret();
        JWSKeySelector<SecurityContext> hs = secret == null ? null
                : new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret));
        JWKSource<SecurityContext> source = jwks != null ? jwks : config.jwksUrl() == null ? null : jwkSource(config);
        JWSKeySelector<SecurityContext> asymmetric = source == null ? null
                : new JWSVerificationKeySelector<>(config.jwksAlgorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet()), source);
        processor.setJWSKeySelector(new ByAlgorithm(hs, asymmetric));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        String issuer = config.value(Setting.SESSIONFEED_JWT_ISSUER);
        if (issuer != null) {
            exact.issuer(issuer);
        }
        String audience = config.value(Setting.SESSIONFEED_JWT_AUDIENCE);
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(audience, exact.build(),
                new HashSet<>(List.of("exp", nameClaim)));
        claims.setMaxClockSkew((int) Math.min(Integer.MAX_VALUE, config.clockSkew().toSeconds()));
        processor.setJWTClaimsSetVerifier(claims);
    }

    private static JWKSource<SecurityContext> jwkSource(ServerConfig config) {
        try {
            return JWKSourceBuilder.create(config.jwksUrl().toURL(), new DefaultResourceRetriever(2_000, 2_000, 256 * 1024))
                    .cache(config.jwksCacheTtl().toMillis(), 5_000)
                    .rateLimited(config.jwksRefreshMinInterval().toMillis())
                    .retrying(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("SESSIONFEED_JWT_JWKS_URL is not a valid URL: '" + config.jwksUrl() + "'", e);
        }
    }

    /**
     * Verifies a token.
     *
     * @param token the compact JWT
     * @return the verified claims
     * @throws InvalidTokenException why it was refused (the reason may quote token content: escape before logging)
     */
    Verified verify(String token) throws InvalidTokenException {
        Objects.requireNonNull(token, "token");
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
            throw new InvalidTokenException(e.getMessage());
        }
        Object name = claims.getClaim(nameClaim);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            throw new InvalidTokenException("claim " + nameClaim + " is not a non-blank string");
        }
        Object tenant = claims.getClaim(tenantClaim);
        if (tenant != null && !(tenant instanceof String)) {
            throw new InvalidTokenException("claim " + tenantClaim + " is not a string");
        }
        return new Verified((String) name, roles(claims.getClaim(rolesClaim)), (String) tenant,
                claims.getExpirationTime().toInstant());
    }

    private static Set<String> roles(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof String) {
            for (String r : ((String) claim).split("[ ,]+")) {
                out.add(r);
            }
        } else if (claim instanceof List) {
            for (Object r : (List<?>) claim) {
                if (r instanceof String) {
                    out.add((String) r);
                }
            }
        }
        return Set.copyOf(out);
    }

    /** Chooses the key source by the header's algorithm: HS256 → the secret only; the JWKS algorithms → the JWKS only. */
    private static final class ByAlgorithm implements JWSKeySelector<SecurityContext> {
        private final JWSKeySelector<SecurityContext> hs;
        private final JWSKeySelector<SecurityContext> asymmetric;

        ByAlgorithm(JWSKeySelector<SecurityContext> hs, JWSKeySelector<SecurityContext> asymmetric) {
            this.hs = hs;
            this.asymmetric = asymmetric;
        }

        @Override
        public List<? extends Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws com.nimbusds.jose.KeySourceException {
            if (JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
                return hs == null ? List.of() : hs.selectJWSKeys(header, context);
            }
            return asymmetric == null ? List.of() : asymmetric.selectJWSKeys(header, context);
        }
    }

    /** A refused token; the message says why. */
    static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String reason) {
            super(reason == null ? "invalid token" : reason);
        }
    }

}
