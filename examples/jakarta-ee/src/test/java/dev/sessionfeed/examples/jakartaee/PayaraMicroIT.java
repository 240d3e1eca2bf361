package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.testkit.TestDatabase;
import java.io.IOException;
import java.nio.file.Path;

/** The sample WAR on Payara Micro (run on this build's JDK). */
class PayaraMicroIT extends DeployedWarKit {

    @Override
    AppServer startServer(TestDatabase db) throws IOException {
        return PayaraMicroServer.start(AppServers.path("sessionfeed.payara.jar"), AppServers.path("sessionfeed.pgjdbc.jar"),
                AppServers.path("sessionfeed.war"), Path.of("target", "it").toAbsolutePath(), db);
    }
}
