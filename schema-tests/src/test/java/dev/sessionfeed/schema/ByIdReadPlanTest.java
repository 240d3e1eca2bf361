package dev.sessionfeed.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.jdbc.JdbcSnapshotBuilder;
import dev.sessionfeed.testkit.PostgresServer;
import dev.sessionfeed.testkit.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The by-id read binds the key's own type, so PostgreSQL finds the rows through the primary key's index (casting the
 * column to text would read every row): the statement the snapshot builder sends for a refresh, with the parameters
 * it bound, is explained on a table of 20,000 sessions. The plan's cost and the catalog check's time are logged for
 * the record (no timing assertion).
 */
class ByIdReadPlanTest {

    private static final Logger LOG = LoggerFactory.getLogger(ByIdReadPlanTest.class);
    private static final int ROWS = 20_000;

    @ParameterizedTest
    @EnumSource(Schema.class)
    void theByIdReadUsesThePrimaryKeyIndex(Schema schema) throws Exception {
        TestDatabase db = PostgresServer.shared().createDatabase("plan_" + schema.name().toLowerCase(java.util.Locale.ROOT));
        schema.install(db);
        fill(db, schema);
        List<Recorded> statements = new ArrayList<>();
        JdbcSnapshotBuilder snapshots = JdbcSnapshotBuilder.builder(recording(db.dataSource(), statements)).table(schema.table()).build();

        long t0 = System.nanoTime();
        snapshots.verify();
        long checkMicros = (System.nanoTime() - t0) / 1000;
        String id = snapshots.buildFull().sessions().get(0).id();
        statements.clear();
        assertThat(snapshots.refresh(Set.of(id)).sessions()).hasSize(1);
        Recorded byId = statements.get(0);

        String plan = explain(db, byId);
        String pkey = schema.baseTable + "_pkey";
        assertThat(plan).as("plan of the by-id read on %s", schema).contains("\"Index Name\": \"" + pkey + "\"");
        String casted = explainCasted(db, schema, id);
        LOG.info("{}: key {}, catalog check {} us; by-id read statement {}, its id lookup {}; the same lookup with the column"
                + " cast to text: {}", schema, schema.key.sqlType(), checkMicros, totalCost(plan), nodeCost(plan, pkey), totalCost(casted));
    }

    private static void fill(TestDatabase db, Schema schema) {
        switch (schema) {
            case SHIPPED:
                db.execute("INSERT INTO chat_sessions (session_id, status, created_at) SELECT 's-' || g, 'active',"
                        + " now() - g * INTERVAL '1 second' FROM generate_series(1, " + ROWS + ") g");
                db.executeScript("ANALYZE chat_sessions");
                break;
            case UUID_RENAMED_ENUM:
                db.execute("INSERT INTO conversations (state, opened_at) SELECT 'active', now() - g * INTERVAL '1 second'"
                        + " FROM generate_series(1, " + ROWS + ") g");
                db.executeScript("ANALYZE conversations");
                break;
            default:
                db.execute("INSERT INTO support_chats (status_code, visitor_id, created_at) SELECT 1, 1 + g % 2,"
                        + " now() - g * INTERVAL '1 second' FROM generate_series(1, " + ROWS + ") g");
                db.executeScript("ANALYZE support_chats; ANALYZE visitors");
                break;
        }
    }

    private static String explain(TestDatabase db, Recorded r) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) " + r.sql)) {
            for (Object[] call : r.binds) {
                Method m = (Method) call[0];
                m.invoke(ps, (Object[]) call[1]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** What the same lookup costs when the key column is cast to text (the pre-issue-17 way to compare with a string). */
    private static String explainCasted(TestDatabase db, Schema schema, String id) throws Exception {
        String col = schema.table().quoted(dev.sessionfeed.jdbc.SessionTable.Column.ID);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("EXPLAIN (FORMAT JSON) SELECT * FROM "
                + schema.table().qualifiedTable() + " WHERE CAST(" + col + " AS text) = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", new String[] {id}));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The plan node that reads the given index: its type and total cost. */
    private static String nodeCost(String planJson, String index) throws Exception {
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(planJson);
        com.fasterxml.jackson.databind.JsonNode node = root.findParents("Index Name").stream()
                .filter(n -> index.equals(n.get("Index Name").asText())).findFirst().orElseThrow();
        return node.get("Node Type").asText() + " on " + index + ", cost " + node.get("Total Cost").asText() + ", rows "
                + node.get("Plan Rows").asText();
    }

    private static String totalCost(String planJson) {
        int i = planJson.indexOf("\"Total Cost\": ");
        int end = planJson.indexOf(',', i);
        String node = planJson.substring(planJson.indexOf("\"Node Type\": ") + 13, planJson.indexOf(',', planJson.indexOf("\"Node Type\": ")));
        return "cost " + planJson.substring(i + 14, end) + " (top node " + node + ")";
    }

    /** A statement the builder prepared and the parameters it bound. */
    private static final class Recorded {
        final String sql;
        final List<Object[]> binds = new ArrayList<>();

        Recorded(String sql) {
            this.sql = sql;
        }
    }

    private static DataSource recording(DataSource real, List<Recorded> out) {
        return (DataSource) Proxy.newProxyInstance(ByIdReadPlanTest.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, args) -> {
                    Object v = invoke(real, m, args);
                    return m.getName().equals("getConnection") ? connection((Connection) v, out) : v;
                });
    }

    private static Connection connection(Connection real, List<Recorded> out) {
        return (Connection) Proxy.newProxyInstance(ByIdReadPlanTest.class.getClassLoader(), new Class<?>[] {Connection.class},
                (p, m, args) -> {
                    Object v = invoke(real, m, args);
                    if (m.getName().equals("prepareStatement") && args.length == 1) {
                        Recorded r = new Recorded((String) args[0]);
                        synchronized (out) {
                            out.add(r);
                        }
                        return statement((PreparedStatement) v, r);
                    }
                    return v;
                });
    }

    private static PreparedStatement statement(PreparedStatement real, Recorded r) {
        return (PreparedStatement) Proxy.newProxyInstance(ByIdReadPlanTest.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (p, m, args) -> {
                    if (m.getName().startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
                        r.binds.add(new Object[] {m, args});
                    }
                    return invoke(real, m, args);
                });
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
