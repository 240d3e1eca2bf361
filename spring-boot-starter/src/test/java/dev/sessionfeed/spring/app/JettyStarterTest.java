package dev.sessionfeed.spring.app;

/**
 * The starter's contract on embedded Jetty. Runs in its own surefire execution whose class path has no Tomcat
 * (see the module's pom), as an application with {@code spring-boot-starter-jetty} instead of Tomcat has.
 */
class JettyStarterTest extends StarterContract {

    @Override
    String expectedServer() {
        return "Jetty";
    }
}
