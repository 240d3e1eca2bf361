package dev.sessionfeed.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a new connection adjusts the container's idle timeout. Changing Tyrus's "no timeout" (0) into a timeout
 * races with Tyrus's own idle check, which then closes the new session at once, so "none" must stay none.
 */
class FeedEndpointIdleTimeoutTest {

    /** A session that only knows its idle timeout and records every change to it. */
    private static final class IdleTimeoutSession {
        final List<Long> set = new ArrayList<>();
        final Session session;

        IdleTimeoutSession(long initial) {
            long[] current = {initial};
            session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                    (proxy, method, args) -> {
                        switch (method.getName()) {
                            case "getMaxIdleTimeout":
                                return current[0];
                            case "setMaxIdleTimeout":
                                current[0] = (Long) args[0];
                                set.add(current[0]);
                                return null;
                            default:
                                throw new UnsupportedOperationException(method.getName());
                        }
                    });
        }
    }

    @Test
    void leavesAContainerWithoutIdleTimeoutWithout() {
        IdleTimeoutSession s = new IdleTimeoutSession(0);
        FeedEndpoint.raiseContainerIdleTimeout(s.session, 85_000);
        assertThat(s.set).isEmpty();
    }

    @Test
    void raisesAShorterContainerIdleTimeout() {
        IdleTimeoutSession s = new IdleTimeoutSession(30_000);
        FeedEndpoint.raiseContainerIdleTimeout(s.session, 85_000);
        assertThat(s.set).containsExactly(85_000L);
    }

    @Test
    void leavesALongerContainerIdleTimeout() {
        IdleTimeoutSession s = new IdleTimeoutSession(300_000);
        FeedEndpoint.raiseContainerIdleTimeout(s.session, 85_000);
        assertThat(s.set).isEmpty();
    }
}
