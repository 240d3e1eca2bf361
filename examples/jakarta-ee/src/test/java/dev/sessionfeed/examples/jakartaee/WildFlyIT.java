package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;

/** The sample WAR on WildFly (unpacked {@code wildfly-dist}, default {@code standalone.xml} profile). */
class WildFlyIT extends DeployedWarKit {

    @Override
    AppServer startServer(TestDatabase db) throws IOException {
        return WildFlyServer.start(AppServers.path("sessionfeed.wildfly.home"), AppServers.path("sessionfeed.pgjdbc.jar"),
                AppServers.path("sessionfeed.war"), Path.of("target", "it").toAbsolutePath(), db, AppServers.users(), AppServers.groups());
    }
}
