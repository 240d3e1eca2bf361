package dev.sessionfeed.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a JUnit 5 test class a real PostgreSQL: a fresh database per test class on the
 * {@linkplain PostgresServer#shared() shared server}, injected as a {@link TestDatabase} parameter into
 * constructors, {@code @BeforeAll}/{@code @BeforeEach} methods and tests. The database is dropped after the
 * class.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(PostgresExtension.class)
public @interface SessionFeedPostgres {

    /**
     * Whether to install SessionFeed's default schema into the fresh database.
     *
     * @return true by default
     */
    boolean installSchema() default true;
}
