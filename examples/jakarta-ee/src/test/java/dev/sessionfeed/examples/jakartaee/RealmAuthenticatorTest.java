package dev.sessionfeed.examples.jakartaee;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.websocket.AdminIdentity;
import dev.sessionfeed.websocket.HandshakeInfo;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RealmAuthenticatorTest {

    private static Optional<AdminIdentity> as(String user, Set<String> roles) {
        Principal p = user == null ? null : () -> user;
        return new RealmAuthenticator().authenticate(new HandshakeInfo(p, Map.of(), Map.of(), null, roles::contains));
    }

    @Test
    void chatAdminsMayEndAndArchive() {
        assertThat(as("ada", Set.of("chat-admin"))).get().satisfies(id -> {
            assertThat(id.name()).isEqualTo("ada");
            assertThat(id.permissions()).containsExactlyInAnyOrder(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS);
        });
    }

    @Test
    void chatViewersOnlyWatch() {
        assertThat(as("victor", Set.of("chat-viewer"))).get().satisfies(id -> assertThat(id.permissions()).isEmpty());
    }

    @Test
    void otherUsersAndAnonymousHandshakesGetNoIdentity() {
        assertThat(as("oscar", Set.of("support"))).isEmpty();
        assertThat(as(null, Set.of("chat-admin"))).isEmpty();
    }
}
