package dev.sessionfeed.spring.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeAll;

/** The starter's contract on embedded Tomcat (Boot's default container). */
class TomcatStarterTest extends StarterContract {

    @BeforeAll
    static void onThisContainersClassPath() {
        assumeTrue(tomcatOnTheClassPath(), "SKIPPED here: the Tomcat contract runs where Tomcat is on the class path (the default surefire execution)");
    }

    @Override
    String expectedServer() {
        return "Tomcat";
    }
}
