package dev.sessionfeed.examples.jakartaee;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deregisters the JDBC drivers a web application's own jars registered with the JVM-wide {@link DriverManager}.
 * pgjdbc registers itself when its class is first loaded; from {@code WEB-INF/lib} that pins the undeployed
 * application's class loader (and every class and static of it) for as long as the server runs. Tomcat does
 * this for its applications; WildFly and Payara do not.
 */
final class BundledDrivers {

    private static final Logger log = LoggerFactory.getLogger(BundledDrivers.class);

    private BundledDrivers() {
    }

    /** Deregisters every driver whose class {@code loader} defined (not the server's drivers). */
    static int deregister(ClassLoader loader) {
        int n = 0;
        for (Driver d : Collections.list(DriverManager.getDrivers())) {
            if (d.getClass().getClassLoader() == loader) {
                try {
                    DriverManager.deregisterDriver(d);
                    n++;
                } catch (SQLException | SecurityException e) {
                    log.warn("cannot deregister the JDBC driver {} of this application: {}", d.getClass().getName(), e.toString());
                }
            }
        }
        return n;
    }
}
