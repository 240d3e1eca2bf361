package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandshakeInfoRolesTest {

    private static final Principal ADA = () -> "ada";

    @Test
    void asksTheContainersRoleCheckForTheAuthenticatedUser() {
        Set<String> containerRoles = Set.of("chat-admin");
        HandshakeInfo info = new HandshakeInfo(ADA, Map.of(), Map.of(), null, containerRoles::contains);

        assertThat(info.isUserInRole("chat-admin")).isTrue();
        assertThat(info.isUserInRole("chat-viewer")).isFalse();
    }

    @Test
    void hasNoRolesWithoutAPrincipalWhateverTheContainerSays() {
        HandshakeInfo info = new HandshakeInfo(null, Map.of("Origin", List.of("https://a.test")), Map.of(), null, role -> true);

        assertThat(info.isUserInRole("chat-admin")).isFalse();
    }

    @Test
    void theConstructorWithoutRolesAnswersFalse() {
        assertThat(new HandshakeInfo(ADA, Map.of(), Map.of(), null).isUserInRole("chat-admin")).isFalse();
    }

    @Test
    void refusesANullRoleOrRoleCheck() {
        assertThatNullPointerException().isThrownBy(() -> new HandshakeInfo(ADA, Map.of(), Map.of(), null, null)).withMessage("roles");
        assertThatNullPointerException().isThrownBy(() -> new HandshakeInfo(ADA, Map.of(), Map.of(), null).isUserInRole(null)).withMessage("role");
    }
}
