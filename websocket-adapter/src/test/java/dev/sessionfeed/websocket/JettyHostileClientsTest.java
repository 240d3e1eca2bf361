package dev.sessionfeed.websocket;

import java.util.List;

/** {@link HostileClientsKit} on embedded Jetty. */
class JettyHostileClientsTest extends HostileClientsKit {

    @Override
    protected ContainerCompatibilityKit.RunningServer start(List<ContainerCompatibilityKit.Mount> mounts) throws Exception {
        return JettyCompatibilityTest.startServer(mounts);
    }
}
