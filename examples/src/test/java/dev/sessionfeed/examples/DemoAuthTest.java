package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class DemoAuthTest {

    private final LoginStore logins;
    private final DemoAuth auth;

    DemoAuthTest(TestDatabase db) throws Exception {
        this.logins = new LoginStore(db.dataSource());
        logins.install();
        this.auth = new DemoAuth("admin-token-123", "viewer-token-123", logins);
    }

    @Test
    void acceptsTheAdminTokenFromHeaderOrQuery() {
        assertThat(auth.identify("Bearer admin-token-123", null, Map.of())).get()
                .extracting(c -> c.identity().name()).isEqualTo("admin");
        assertThat(auth.identify("bearer admin-token-123", null, Map.of())).isPresent();
        assertThat(auth.identify(null, "admin-token-123", Map.of())).get()
                .extracting(DemoAuth.Caller::connectionName).isEqualTo("admin");
        assertThat(auth.identify("admin-token-123").orElseThrow().permissions())
                .containsExactlyInAnyOrder(DemoAuth.END, DemoAuth.ARCHIVE);
    }

    @Test
    void aTokenInTheCookieIsNotALogin() {
        assertThat(auth.identify(null, null, Map.of(DemoAuth.COOKIE, "admin-token-123"))).isEmpty();
    }

    @Test
    void aLoginIsARandomIdNamedByItsTagUntilLogout() throws Exception {
        LoginStore.Login login = auth.login(auth.identify("viewer-token-123").orElseThrow());
        LoginStore.Login other = auth.login(auth.identify("viewer-token-123").orElseThrow());
        assertThat(login.sessionId()).hasSize(43).isNotEqualTo(other.sessionId()).doesNotContain("viewer-token-123");
        assertThat(login.connectionName()).matches("viewer#[0-9a-f]{8}").isNotEqualTo(other.connectionName());
        assertThat(login.toString()).doesNotContain(login.sessionId());

        DemoAuth.Caller caller = auth.identify(null, null, Map.of(DemoAuth.COOKIE, login.sessionId())).orElseThrow();
        assertThat(caller.identity().readOnly()).isTrue();
        assertThat(caller.connectionName()).isEqualTo(login.connectionName());

        assertThat(auth.logout(login.sessionId())).get().extracting(LoginStore.Login::tag).isEqualTo(login.tag());
        assertThat(auth.identify(null, null, Map.of(DemoAuth.COOKIE, login.sessionId()))).isEmpty();
        assertThat(auth.logout(login.sessionId())).isEmpty();
        assertThat(auth.identify(null, null, Map.of(DemoAuth.COOKIE, other.sessionId()))).isPresent();
        // Malformed ids never reach the database.
        assertThat(auth.identify(null, null, Map.of(DemoAuth.COOKIE, "x' OR '1'='1"))).isEmpty();
    }

    @Test
    void theViewerIsReadOnly() {
        DemoAuth.Identity viewer = auth.identify(null, "viewer-token-123", Map.of()).orElseThrow().identity();
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
        DemoAuth generated = new DemoAuth(null, null, logins);
        assertThat(generated.adminToken()).hasSizeGreaterThanOrEqualTo(20).isNotEqualTo(generated.viewerToken());
        assertThat(generated.identify(generated.viewerToken()).orElseThrow().readOnly()).isTrue();
        assertThat(generated.adminTokenGenerated()).isTrue();
        assertThat(auth.adminTokenGenerated()).isFalse();
    }
}
