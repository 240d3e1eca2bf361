package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoAuthTest {

    private final DemoAuth auth = new DemoAuth("admin-token-123", "viewer-token-123");

    @Test
    void acceptsTheAdminTokenFromHeaderQueryOrCookie() {
        assertThat(auth.identify("Bearer admin-token-123", null, Map.of())).get()
                .extracting(DemoAuth.Identity::name).isEqualTo("admin");
        assertThat(auth.identify("bearer admin-token-123", null, Map.of())).isPresent();
        assertThat(auth.identify(null, "admin-token-123", Map.of())).isPresent();
        assertThat(auth.identify(null, null, Map.of(DemoAuth.COOKIE, "admin-token-123"))).isPresent();
        assertThat(auth.identify("admin-token-123").orElseThrow().permissions())
                .containsExactlyInAnyOrder(DemoAuth.END, DemoAuth.ARCHIVE);
    }

    @Test
    void theViewerIsReadOnly() {
        DemoAuth.Identity viewer = auth.identify(null, "viewer-token-123", Map.of()).orElseThrow();
        assertThat(viewer.name()).isEqualTo("viewer");
        assertThat(viewer.readOnly()).isTrue();
        assertThat(viewer.permissions()).isEmpty();
    }

    @Test
    void refusesUnknownMissingOrMalformedTokens() {
        assertThat(auth.identify("Bearer nope", "nope", Map.of(DemoAuth.COOKIE, "nope"))).isEmpty();
        assertThat(auth.identify(null, null, Map.of())).isEmpty();
        assertThat(auth.identify("Basic admin-token-123", null, Map.of())).isEmpty();
        assertThat(auth.identify("admin-token-123")).isPresent();
        assertThat(auth.identify("admin-token-12")).isEmpty();
    }

    @Test
    void generatesDistinctTokensWhenNoneGiven() {
        DemoAuth generated = new DemoAuth(null, null);
        assertThat(generated.adminToken()).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo(generated.viewerToken());
        assertThat(generated.identify(generated.viewerToken()).orElseThrow().readOnly()).isTrue();
    }
}
