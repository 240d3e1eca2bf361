package dev.sessionfeed.spring.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/**
 * The starter's contract on embedded Jetty. Runs in its own surefire execution whose class path has no Tomcat
 * (see the module's pom), as an application with {@code spring-boot-starter-jetty} instead of Tomcat has.
 */
class JettyStarterTest extends StarterContract {

    @BeforeAll
    static void onThisContainersClassPath() {
        assumeTrue(!tomcatOnTheClassPath(), "SKIPPED here: the Jetty contract runs where Tomcat is not on the class path (the jetty surefire execution)");
    }

    @Override
    String expectedServer() {
        return "Jetty";
    }
}
