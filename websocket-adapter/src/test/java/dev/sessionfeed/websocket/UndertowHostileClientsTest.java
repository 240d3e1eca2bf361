package dev.sessionfeed.websocket;

import java.util.List;

/** {@link HostileClientsKit} on embedded Undertow. */
class UndertowHostileClientsTest extends HostileClientsKit {

    @Override
    protected ContainerCompatibilityKit.RunningServer start(List<ContainerCompatibilityKit.Mount> mounts) throws Exception {
        return UndertowCompatibilityTest.startServer(mounts);
    }

    @Override
    protected java.util.Set<Integer> refusedBinaryCodes() {
        return java.util.Set.of(1003, 1009); // its own frame-size check (the 1 KiB binary buffer) may close first
    }
}
