package dev.sessionfeed.spring.app;

/** The starter's contract on embedded Tomcat (Boot's default container). */
class TomcatStarterTest extends StarterContract {

    @Override
    String expectedServer() {
        return "Tomcat";
    }
}
