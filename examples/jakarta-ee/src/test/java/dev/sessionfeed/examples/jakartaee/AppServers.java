package dev.sessionfeed.examples.jakartaee;

import dev.sessionfeed.testkit.TestDatabase;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What every server of the tests gets: the test users, the sample's settings, and where things are. */
final class AppServers {

    static final String ADMIN = "ada";
    static final String ADMIN_PASSWORD = "ada-secret-1";
    static final String VIEWER = "victor";
    static final String VIEWER_PASSWORD = "victor-secret-1";
    /** Authenticated by the realm, but in neither of the WAR's roles. */
    static final String OUTSIDER = "oscar";
    static final String OUTSIDER_PASSWORD = "oscar-secret-1";

    private AppServers() {
    }

    static Map<String, String> users() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ADMIN, ADMIN_PASSWORD);
        m.put(VIEWER, VIEWER_PASSWORD);
        m.put(OUTSIDER, OUTSIDER_PASSWORD);
        return m;
    }

    /** Realm groups (WildFly: roles of application-roles.properties; Payara: file-realm groups). */
    static Map<String, String> groups() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ADMIN, "chat-admin");
        m.put(VIEWER, "chat-viewer");
        m.put(OUTSIDER, "support");
        return m;
    }

    static String origin(int httpPort) {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The sample's own settings ({@code FeedSettings}) as system properties. */
    static Map<String, String> sampleProperties(TestDatabase db, int httpPort) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sessionfeed.allowedOrigins", origin(httpPort));
        m.put("sessionfeed.listen.jdbcUrl", db.jdbcUrl());
        m.put("sessionfeed.listen.user", db.user());
        m.put("sessionfeed.listen.password", db.password());
        return m;
    }

    static Path path(String property) {
        String v = System.getProperty(property);
        if (v == null) {
            throw new IllegalStateException("system property " + property + " is not set: run these tests with Maven "
                    + "(mvn -pl examples/jakarta-ee -am verify), which provisions the servers");
        }
        return Path.of(v);
    }
}
