package dev.sessionfeed.websocket;

import java.util.List;

/** {@link HostileClientsKit} on embedded Tyrus. */
class TyrusHostileClientsTest extends HostileClientsKit {

    @Override
    protected ContainerCompatibilityKit.RunningServer start(List<ContainerCompatibilityKit.Mount> mounts) throws Exception {
        return TyrusCompatibilityTest.startServer(mounts);
    }

    @Override
    protected java.util.Set<Integer> refusedBinaryCodes() {
        return java.util.Set.of(1003, 1009, 1011); // its own frame-size check may close first
    }

    @Override
    protected boolean servletFilters() {
        return false;
    }
}
