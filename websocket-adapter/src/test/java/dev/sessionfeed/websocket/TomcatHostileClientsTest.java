package dev.sessionfeed.websocket;

import java.util.List;

/** {@link HostileClientsKit} on embedded Tomcat. */
class TomcatHostileClientsTest extends HostileClientsKit {

    @Override
    protected ContainerCompatibilityKit.RunningServer start(List<ContainerCompatibilityKit.Mount> mounts) throws Exception {
        return TomcatCompatibilityTest.startServer(mounts);
    }
}
