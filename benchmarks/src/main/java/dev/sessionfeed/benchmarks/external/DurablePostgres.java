package dev.sessionfeed.benchmarks.external;

import dev.sessionfeed.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts an embedded PostgreSQL 17 with {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on (as
 * in production; the testkit turns them off) and prints its JDBC URL, user and password, then runs until killed. For
 * measuring an app from outside ({@link ExternalProbe}): {@code java -cp benchmarks/target/sessionfeed-benchmarks.jar
 * dev.sessionfeed.benchmarks.external.DurablePostgres}.
 */
public final class DurablePostgres {

    private DurablePostgres() {
    }

    /**
     * Entry point.
     *
     * @param args none
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        PostgresServer pg = PostgresServer.embedded(Map.of("fsync", "on", "synchronous_commit", "on", "full_page_writes", "on"));
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "durable-postgres-stop"));
        String url = pg.jdbcUrl("postgres");
        StringBuilder settings = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password()); Statement st = c.createStatement()) {
            for (String name : new String[] {"server_version", "fsync", "synchronous_commit", "full_page_writes"}) {
                try (ResultSet rs = st.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.append(name).append('=').append(rs.getString(1)).append(' ');
                }
            }
        }
        System.out.println(settings.toString().trim());
        System.out.println("JDBC_URL=" + url + " DB_USER=" + pg.user() + " DB_PASSWORD=" + pg.password());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
