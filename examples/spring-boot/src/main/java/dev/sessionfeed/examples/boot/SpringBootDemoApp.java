package dev.sessionfeed.examples.boot;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The SessionFeed dashboard as a Spring Boot application. SessionFeed itself is one dependency
 * ({@code sessionfeed-spring-boot-starter}) and one property ({@code sessionfeed.allowed-origins}); the rest is
 * what a Boot application has anyway: Spring Security's form login ({@link DemoSecurity}), Flyway
 * ({@code db/migration}), HikariCP, Actuator.
 *
 * <pre>
 * mvn -q -DskipTests package &amp;&amp; java -jar examples/spring-boot/target/sessionfeed-spring-boot-demo.jar
 * </pre>
 *
 * Without {@code spring.datasource.url} (or {@code SPRING_DATASOURCE_URL}) it starts an embedded PostgreSQL for
 * the run, so the one command above is enough; with it, it uses your database.
 */
@SpringBootApplication
public class SpringBootDemoApp {

    /**
     * Starts the sample.
     *
     * @param args Spring Boot arguments, for example {@code --server.port=9090}
     */
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(SpringBootDemoApp.class);
        if (!hasDatabase(args)) {
            app.setDefaultProperties(embeddedDatabase());
        }
        app.run(args);
    }

    private static boolean hasDatabase(String[] args) {
        for (String a : args) {
            if (a.startsWith("--spring.datasource.url=")) {
                return true;
            }
        }
        return System.getProperty("spring.datasource.url") != null || System.getenv("SPRING_DATASOURCE_URL") != null;
    }

    private static Map<String, Object> embeddedDatabase() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    // the JVM is exiting; the data directory is temporary
                }
            }, "demo-postgres-stop"));
            Map<String, Object> properties = new HashMap<>();
            properties.put("spring.datasource.url", postgres.getJdbcUrl("postgres", "postgres"));
            properties.put("spring.datasource.username", "postgres");
            properties.put("spring.datasource.password", "");
            System.out.println("Embedded PostgreSQL for this run: " + postgres.getJdbcUrl("postgres", "postgres")
                    + " (psql -h localhost -p " + postgres.getPort() + " -U postgres)");
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL; set spring.datasource.url to your own", e);
        }
    }
}
