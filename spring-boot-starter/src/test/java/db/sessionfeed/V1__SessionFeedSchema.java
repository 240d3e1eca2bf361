package db.sessionfeed;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A Flyway migration that creates SessionFeed's default schema from the SQL file core ships
 * ({@code sessionfeed/schema.sql}), as docs/spring-boot.md shows; the starter installs the trigger after it.
 */
public class V1__SessionFeedSchema extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        String sql;
        try (InputStream in = V1__SessionFeedSchema.class.getResourceAsStream("/sessionfeed/schema.sql")) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Statement statement = context.getConnection().createStatement()) {
            statement.execute(sql);
        }
    }
}
