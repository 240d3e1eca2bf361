package dev.sessionfeed.testkit;

import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link SessionFeedPostgres}. Public for {@code @ExtendWith}; use the annotation.
 * Thread-safe (JUnit may run classes in parallel).
 */
public final class PostgresExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PostgresExtension.class);

    /** Creates the extension (JUnit does). */
    public PostgresExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestDatabase db = context.getRoot().getStore(NS).remove(context.getRequiredTestClass(), TestDatabase.class);
        if (db != null) {
            ((AbstractServer) db.server()).dropDatabase(db.databaseName());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == TestDatabase.class || type == PostgresServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        TestDatabase db = database(extensionContext);
        Class<?> type = parameterContext.getParameter().getType();
        if (type == TestDatabase.class) {
            return db;
        }
        if (type == PostgresServer.class) {
            return db.server();
        }
        throw new ParameterResolutionException("unsupported parameter type " + type);
    }

    private static TestDatabase database(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        // Keyed by class in the root store, so class-, instance- and method-level contexts share one database.
        return context.getRoot().getStore(NS).getOrComputeIfAbsent(testClass, c -> {
            TestDatabase db = PostgresServer.shared().createDatabase(prefix(testClass));
            SessionFeedPostgres ann = testClass.getAnnotation(SessionFeedPostgres.class);
            if (ann == null || ann.installSchema()) {
                db.installSchema();
            }
            return db;
        }, TestDatabase.class);
    }

    private static String prefix(Class<?> testClass) {
        String s = testClass.getSimpleName().replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT);
        return "sf_" + (s.length() > 30 ? s.substring(0, 30) : s);
    }
}
