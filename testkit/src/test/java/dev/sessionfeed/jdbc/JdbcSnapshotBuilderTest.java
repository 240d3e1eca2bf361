package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.sessionfeed.ChatMetrics;
import dev.sessionfeed.ChatSession;
import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.SnapshotRead;
import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.SessionFixtures;
import dev.sessionfeed.testkit.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@SessionFeedPostgres
class JdbcSnapshotBuilderTest {

    private final TestDatabase db;
    private final JdbcSnapshotBuilder builder;

    JdbcSnapshotBuilderTest(TestDatabase db) {
        this.db = db;
        this.builder = JdbcSnapshotBuilder.builder(db.dataSource()).build();
    }

    @BeforeEach
    void emptyTable() {
        SessionFixtures.deleteAll(db);
    }

    @Test
    void fullReadReturnsExactlyTheSessionsInScopeNewestFirst() {
        SessionFixtures.seed(db, 120, new Random(42));

        SnapshotRead read = builder.buildFull();

        assertThat(read.sessions()).isNotEmpty().isEqualTo(expectedFromTable(null));
        assertThat(read.sessions()).extracting(ChatSession::status).doesNotContain("archived");
    }

    @Test
    void capsAFullReadAtMaxSessionsKeepingTheNewest() {
        SessionFixtures.seed(db, 40, new Random(7));
        JdbcSnapshotBuilder capped = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().maxSessions(5).build()).build();

        assertThat(capped.buildFull().sessions()).isEqualTo(expectedFromTable(null).subList(0, 5));
    }

    @Test
    void refreshReadsOnlyTheRequestedSessionsThatAreInScope() {
        SessionFixtures.insertSession(db, "w", "waiting");
        SessionFixtures.insertSession(db, "a", "active");
        SessionFixtures.insertSession(db, "x", "archived");
        SessionFixtures.insertSession(db, "old", "ended", Duration.ofDays(3));

        SnapshotRead read = builder.refresh(Set.of("a", "x", "old", "missing"));

        assertThat(read.sessions()).extracting(ChatSession::id).containsExactly("a");
        assertThat(read.sessions()).isEqualTo(expectedFromTable(Set.of("a")));
        assertThat(read.metrics().get("totalSessions")).isEqualTo(2L);
    }

    @Test
    void refreshWithNoIdsReadsOnlyMetrics() {
        SessionFixtures.insertSession(db, "w", "waiting");

        SnapshotRead read = builder.refresh(Set.of());

        assertThat(read.sessions()).isEmpty();
        assertThat(read.metrics().get("waitingNow")).isEqualTo(1L);
    }

    @Test
    void mapsEveryColumnOfASession() {
        db.execute("INSERT INTO chat_sessions (session_id, status, visitor_id, visitor_name, agent_id, agent_name, subject,"
                + " created_at, updated_at, ended_at, first_response_at, message_count, last_message_at) VALUES"
                + " ('m1', 'ended', 'v1', 'Ada', 'ag1', 'Alice', 'Hi ☕', '2026-01-01T10:00:00Z', '2026-01-01T11:00:00.123456Z',"
                + " now(), '2026-01-01T10:00:05Z', 17, '2026-01-01T10:59:00Z')");

        ChatSession s = builder.refresh(Set.of("m1")).sessions().get(0);

        assertThat(s.id()).isEqualTo("m1");
        assertThat(s.status()).isEqualTo("ended");
        assertThat(s.visitorId()).isEqualTo("v1");
        assertThat(s.visitorName()).isEqualTo("Ada");
        assertThat(s.agentId()).isEqualTo("ag1");
        assertThat(s.agentName()).isEqualTo("Alice");
        assertThat(s.subject()).isEqualTo("Hi ☕");
        assertThat(s.createdAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(s.updatedAt()).isEqualTo(Instant.parse("2026-01-01T11:00:00.123456Z"));
        assertThat(s.endedAt()).isNotNull();
        assertThat(s.firstResponseAt()).isEqualTo(Instant.parse("2026-01-01T10:00:05Z"));
        assertThat(s.messageCount()).isEqualTo(17);
        assertThat(s.lastMessageAt()).isEqualTo(Instant.parse("2026-01-01T10:59:00Z"));
        assertThat(s.attributes()).isEmpty();
    }

    @Test
    void defaultMetricsMatchHandComputedValues() {
        // created / first response / ended, relative to the insert's now(); differences are exact.
        insert("w1", "waiting", null, "10 minutes", null, null);
        insert("w2", "waiting", null, "30 minutes", null, null);
        insert("a1", "active", "agent-1", "20 minutes", "18 minutes", null);
        insert("a2", "active", "agent-1", "40 minutes", "36 minutes", null);
        insert("a3", "active", "agent-2", "2 hours", "1 hour 59 minutes", null);
        insert("e1", "ended", "agent-2", "3 hours", "2 hours 59 minutes 30 seconds", "2 hours");
        insert("e2", "ended", "agent-3", "30 hours", "29 hours 59 minutes 50 seconds", "20 hours");
        insert("e3", "ended", "agent-3", "30 hours", "29 hours", "25 hours");   // ended too long ago: out of scope
        insert("x1", "archived", "agent-4", "1 hour", "59 minutes", null);       // hidden: out of scope

        ChatMetrics m = builder.buildFull().metrics();

        assertThat(m.values().keySet()).containsExactlyElementsOf(ChatMetrics.DEFAULT_KEYS);
        assertThat(m.get("countsByStatus")).isEqualTo(Map.of("waiting", 2, "active", 3, "ended", 2));
        assertThat(m.get("totalSessions")).isEqualTo(7L);
        assertThat(m.get("waitingNow")).isEqualTo(2L);
        assertThat(m.get("activeNow")).isEqualTo(3L);
        Instant w2Created = builder.refresh(Set.of("w2")).sessions().get(0).createdAt();
        assertThat(m.get("longestWaitingSince")).isEqualTo(w2Created.toString());
        assertThat((Double) m.get("avgFirstResponseSeconds")).isCloseTo((120 + 240 + 60 + 30) / 4.0, within(1e-6));
        assertThat((Double) m.get("avgDurationSeconds")).isCloseTo(3600.0, within(1e-6));
        assertThat(m.get("startedLast24h")).isEqualTo(6L);
        assertThat(m.get("endedLast24h")).isEqualTo(2L);
        assertThat(m.get("activeAgents")).isEqualTo(2L);
    }

    @Test
    void defaultMetricsOfAnEmptyTableAreZeroesAndNulls() {
        ChatMetrics m = builder.buildFull().metrics();

        assertThat(m.get("countsByStatus")).isEqualTo(Map.of());
        assertThat(m.get("totalSessions")).isEqualTo(0L);
        assertThat(m.get("longestWaitingSince")).isNull();
        assertThat(m.get("avgFirstResponseSeconds")).isNull();
        assertThat(m.get("avgDurationSeconds")).isNull();
        assertThat(m.get("activeAgents")).isEqualTo(0L);
    }

    @Test
    void readAtIsTheNowOfTheStatementThatReadSessionsAndMetrics() {
        SessionFixtures.insertSession(db, "w", "waiting");
        JdbcSnapshotBuilder probing = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT (SELECT count(*) FROM chat_sessions) AS n, now() AS \"txnNow\"")
                .build();

        SnapshotRead read = probing.buildFull();

        assertThat(read.sessions()).extracting(ChatSession::id).containsExactly("w");
        assertThat(read.metrics().get("n")).isEqualTo(1L);
        assertThat(read.readAt().toString()).isEqualTo(read.metrics().get("txnNow"));
    }

    @Test
    void everyReadIsExactlyOneStatementOnAnAutoCommitConnection() {
        SessionFixtures.seed(db, 20, new Random(5));
        List<String> events = new ArrayList<>();
        JdbcSnapshotBuilder counted = JdbcSnapshotBuilder.builder(recording(db.dataSource(), events, false)).build();
        String someId = builder.buildFull().sessions().get(0).id();
        counted.verify();   // the one-time catalog check of the mapping, before the reads counted here
        events.clear();

        SnapshotRead full = counted.buildFull();
        List<String> fullEvents = List.copyOf(events);
        events.clear();
        SnapshotRead byId = counted.refresh(Set.of(someId, "missing"));
        List<String> refreshEvents = List.copyOf(events);
        events.clear();
        SnapshotRead metricsOnly = counted.refresh(Set.of());
        List<String> metricsEvents = List.copyOf(events);

        assertThat(full.sessions()).isEqualTo(expectedFromTable(null));
        assertThat(byId.sessions()).extracting(ChatSession::id).containsExactly(someId);
        assertThat(metricsOnly.metrics().get("totalSessions")).isEqualTo(full.metrics().get("totalSessions"));
        for (List<String> e : List.of(fullEvents, refreshEvents, metricsEvents)) {
            assertThat(e).as("statements and transaction calls of one read")
                    .filteredOn(s -> s.startsWith("execute")).hasSize(1);
            assertThat(e).noneMatch(s -> s.startsWith("commit") || s.startsWith("rollback")
                    || s.startsWith("setAutoCommit") || s.startsWith("setTransactionIsolation") || s.startsWith("setReadOnly"));
            assertThat(e).last().isEqualTo("close");
        }
    }

    @Test
    void aConnectionWithAutoCommitOffIsLeftOutsideATransactionWithAutoCommitStillOff() throws Exception {
        SessionFixtures.insertSession(db, "w", "waiting");
        try (Connection physical = db.connect(); Connection watcher = db.connect()) {
            long pid = backendPid(physical);
            physical.setAutoCommit(false);
            List<String> events = new ArrayList<>();
            JdbcSnapshotBuilder onIt = JdbcSnapshotBuilder.builder(borrowing(physical, events)).build();
            onIt.verify();   // the one-time catalog check of the mapping, before the reads counted here
            events.clear();

            SnapshotRead read = onIt.buildFull();
            SnapshotRead refreshed = onIt.refresh(Set.of("w"));

            assertThat(read.sessions()).extracting(ChatSession::id).containsExactly("w");
            assertThat(refreshed.sessions()).extracting(ChatSession::id).containsExactly("w");
            assertThat(events).filteredOn(s -> s.startsWith("execute")).hasSize(2);
            assertThat(events).filteredOn(s -> s.equals("commit")).hasSize(2);
            assertThat(events).noneMatch(s -> s.startsWith("setAutoCommit"));
            assertThat(physical.getAutoCommit()).isFalse();
            assertThat(backendState(watcher, pid)).isEqualTo("idle");
            // SET TRANSACTION works only as the first statement of a transaction: none is open.
            try (Statement st = physical.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                try (ResultSet rs = st.executeQuery("SHOW transaction_isolation")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("serializable");
                }
            }
            physical.rollback();
        }
    }

    @Test
    void aFailedReadOnAConnectionWithAutoCommitOffRollsBack() throws Exception {
        try (Connection physical = db.connect(); Connection watcher = db.connect()) {
            long pid = backendPid(physical);
            physical.setAutoCommit(false);
            JdbcSnapshotBuilder twoRows = JdbcSnapshotBuilder.builder(borrowing(physical, new ArrayList<>()))
                    .metricsQuery("SELECT x AS n FROM generate_series(1, 2) AS x").build();

            assertThatThrownBy(twoRows::buildFull).isInstanceOf(SessionFeedException.class);

            assertThat(physical.getAutoCommit()).isFalse();
            assertThat(backendState(watcher, pid)).isEqualTo("idle");
        }
    }

    @Test
    void sessionsAndMetricsOfFullReadsAndRefreshesAgreeWhileAWriterChangesThem() throws Exception {
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pool.add("k-" + i);
        }
        Set<String> all = Set.copyOf(pool);
        AtomicLong writes = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random random = new Random(17);
            try {
                while (!stop.get()) {
                    String id = pool.get(random.nextInt(pool.size()));
                    // An insert, a status change (archived leaves the scope) or a delete, each its own transaction.
                    if (SessionFixtures.updateStatus(db, id, SessionFixtures.randomStatus(random)) == 0) {
                        SessionFixtures.insertSession(db, id, SessionFixtures.randomStatus(random));
                    } else if (random.nextInt(10) == 0) {
                        SessionFixtures.deleteSession(db, id);
                    }
                    writes.incrementAndGet();
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        }, "test-writer");
        writer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= 10);
            long before = writes.get();
            // Read until the writer has committed at least 10 times meanwhile (otherwise the reads proved nothing);
            // at least 40 reads, and a cap so a starved writer fails with a message instead of hanging.
            int reads = 0;
            while (reads < 40 || writes.get() - before < 10) {
                assertThat(reads).as("reads while waiting for 10 concurrent writes").isLessThan(10_000);
                SnapshotRead read = reads % 2 == 0 ? builder.buildFull() : builder.refresh(all);
                assertAgree(read, "read " + reads);
                reads++;
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(writerFailure.get()).isNull();
    }

    private static void assertAgree(SnapshotRead read, String what) {
        Map<String, Long> counted = read.sessions().stream()
                .collect(Collectors.groupingBy(ChatSession::status, Collectors.counting()));
        @SuppressWarnings("unchecked")
        Map<String, Number> reported = (Map<String, Number>) read.metrics().get("countsByStatus");
        assertThat(reported.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().longValue())))
                .as(what).isEqualTo(counted);
        assertThat(read.metrics().get("totalSessions")).as(what).isEqualTo((long) read.sessions().size());
        assertThat(read.metrics().get("waitingNow")).as(what).isEqualTo(counted.getOrDefault("waiting", 0L));
    }

    @Test
    void metricsAlwaysAgreeWithTheSessionsReadUnderConcurrentWrites() throws Exception {
        SessionFixtures.seed(db, 30, new Random(3));
        List<String> ids = new ArrayList<>(SessionFixtures.seed(db, "c", 0, new Random()));
        Random random = new Random(11);
        Thread writer = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                SessionFixtures.randomChange(db, ids, random, "c");
            }
        }, "test-writer");
        writer.start();
        try {
            for (int i = 0; i < 40; i++) {
                SnapshotRead read = builder.buildFull();
                Map<String, Long> counted = read.sessions().stream()
                        .collect(Collectors.groupingBy(ChatSession::status, Collectors.counting()));
                @SuppressWarnings("unchecked")
                Map<String, Number> reported = (Map<String, Number>) read.metrics().get("countsByStatus");
                assertThat(reported.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().longValue())))
                        .as("read %d", i).isEqualTo(counted);
                assertThat(read.metrics().get("totalSessions")).isEqualTo((long) read.sessions().size());
            }
        } finally {
            writer.interrupt();
            writer.join();
        }
    }

    @Test
    void customMappingReadsAnotherSchemaTableColumnsAndAttributes() {
        db.executeScript("CREATE SCHEMA IF NOT EXISTS support;"
                + " CREATE TABLE IF NOT EXISTS support.\"Conversations\" (cid text PRIMARY KEY, state text NOT NULL,"
                + " who text, who_name text, agent text, agent_name text, topic text, opened timestamptz, changed timestamptz,"
                + " closed timestamptz, answered timestamptz, msgs bigint, last_msg timestamptz,"
                + " priority int, tags text[], meta jsonb, vip boolean);"
                + " DELETE FROM support.\"Conversations\";"
                + " INSERT INTO support.\"Conversations\" VALUES"
                + " ('c1', 'open', 'v', 'Vi', 'g', 'Gus', 'T', now() - interval '1 hour', now(), NULL, NULL, 3, NULL,"
                + "  2, ARRAY['a','b'], '{\"lang\":\"de\",\"score\":[1,2.5]}', true),"
                + " ('c2', 'closed', NULL, NULL, NULL, NULL, NULL, now(), now(), NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL),"
                + " ('c3', 'open', NULL, NULL, NULL, NULL, NULL, now() - interval '2 hours', now(), NULL, NULL, 0, NULL,"
                + "  NULL, NULL, NULL, NULL)");
        SessionTable table = SessionTable.builder().schema("support").table("Conversations")
                .column(SessionTable.Column.ID, "cid").column(SessionTable.Column.STATUS, "state")
                .column(SessionTable.Column.VISITOR_ID, "who").column(SessionTable.Column.VISITOR_NAME, "who_name")
                .column(SessionTable.Column.AGENT_ID, "agent").column(SessionTable.Column.SUBJECT, "topic")
                .column(SessionTable.Column.CREATED_AT, "opened").column(SessionTable.Column.UPDATED_AT, "changed")
                .column(SessionTable.Column.ENDED_AT, "closed").column(SessionTable.Column.FIRST_RESPONSE_AT, "answered")
                .column(SessionTable.Column.MESSAGE_COUNT, "msgs").column(SessionTable.Column.LAST_MESSAGE_AT, "last_msg")
                .attributeColumn("priority").attributeColumn("tags").attributeColumn("meta").attributeColumn("vip")
                .hiddenStatuses(Set.of("closed"))
                .build();
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource()).table(table).build();

        SnapshotRead read = custom.buildFull();

        assertThat(read.sessions()).extracting(ChatSession::id).containsExactly("c1", "c3");
        ChatSession c1 = read.sessions().get(0);
        assertThat(c1.status()).isEqualTo("open");
        assertThat(c1.visitorName()).isEqualTo("Vi");
        assertThat(c1.agentId()).isEqualTo("g");
        assertThat(c1.agentName()).isEqualTo("Gus");
        assertThat(c1.subject()).isEqualTo("T");
        assertThat(c1.messageCount()).isEqualTo(3);
        Map<String, Object> expectedAttributes = new LinkedHashMap<>();
        expectedAttributes.put("priority", 2);
        expectedAttributes.put("tags", List.of("a", "b"));
        expectedAttributes.put("meta", Map.of("lang", "de", "score", List.of(1, 2.5)));
        expectedAttributes.put("vip", true);
        assertThat(c1.attributes()).containsExactlyEntriesOf(expectedAttributes);
        assertThat(read.sessions().get(1).attributes()).containsOnlyKeys("priority", "tags", "meta", "vip")
                .allSatisfy((k, v) -> assertThat(v).isNull());
        assertThat(read.metrics().get("countsByStatus")).isEqualTo(Map.of("open", 2));
        assertThat(custom.refresh(Set.of("c2", "c3")).sessions()).extracting(ChatSession::id).containsExactly("c3");
    }

    @Test
    void customMetricsQueryColumnsBecomeTheMetrics() {
        SessionFixtures.insertSession(db, "w1", "waiting");
        SessionFixtures.insertSession(db, "w2", "waiting");
        SessionFixtures.insertSession(db, "a1", "active");
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT count(*) FILTER (WHERE status = 'waiting') AS queue,"
                        + " jsonb_build_object('active', count(*) FILTER (WHERE status = 'active')) AS \"byKind\","
                        + " 'ok'::text AS label, 1.5::numeric AS ratio FROM chat_sessions")
                .build();

        ChatMetrics m = custom.buildFull().metrics();

        assertThat(m.values()).containsExactly(
                Map.entry("queue", 2L), Map.entry("byKind", Map.of("active", 1)), Map.entry("label", "ok"),
                Map.entry("ratio", new java.math.BigDecimal("1.5")));
    }

    @Test
    void customMetricsKeepTheirSqlTypesWhetherOrNotSessionsAreInScope() {
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT TIMESTAMPTZ '2026-01-02 03:04:05.123456+00' AS at,"
                        + " TIMESTAMP '2026-01-02 03:04:05' AS local, DATE '2026-01-02' AS day,"
                        + " '{\"a\": [1, 2.5, null], \"b\": {\"c\": true}}'::jsonb AS doc, 1.50::numeric AS ratio,"
                        + " 2.5::float8 AS f, 7::int AS i, ARRAY[1, 2] AS arr, true AS yes, NULL::text AS nothing")
                .build();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("at", "2026-01-02T03:04:05.123456Z");
        expected.put("local", "2026-01-02T03:04:05");
        expected.put("day", "2026-01-02");
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("a", java.util.Arrays.asList(1, 2.5, null));
        doc.put("b", Map.of("c", true));
        expected.put("doc", doc);
        expected.put("ratio", new java.math.BigDecimal("1.50"));
        expected.put("f", 2.5);
        expected.put("i", 7);
        expected.put("arr", List.of(1, 2));
        expected.put("yes", true);
        expected.put("nothing", null);

        assertThat(custom.buildFull().metrics().values()).as("no session in scope").containsExactlyEntriesOf(expected);
        SessionFixtures.seed(db, 12, new Random(9));
        assertThat(custom.buildFull().metrics().values()).as("sessions in scope").containsExactlyEntriesOf(expected);
        assertThat(custom.refresh(Set.of("s-1", "s-2")).metrics().values()).containsExactlyEntriesOf(expected);
        assertThat(custom.refresh(Set.of()).metrics().values()).containsExactlyEntriesOf(expected);
    }

    @Test
    void customMetricsQueryReturningTwoRowsFailsEveryKindOfReadWithSessionsInScope() {
        SessionFixtures.seed(db, 5, new Random(2));
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT x AS n FROM generate_series(1, 2) AS x").build();

        assertThatThrownBy(custom::buildFull).isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("full read").hasMessageContaining("at most one row");
        assertThatThrownBy(() -> custom.refresh(Set.of("s-0", "s-1"))).isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("refresh of 2 ids").hasMessageContaining("at most one row");
        assertThatThrownBy(() -> custom.refresh(Set.of())).isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("refresh of 0 ids").hasMessageContaining("at most one row");
    }

    @Test
    void customMetricsQueryReturningNoRowStillReadsTheSessions() {
        SessionFixtures.seed(db, 8, new Random(4));
        Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT 1 AS one WHERE false")
                .clock(java.time.Clock.fixed(fixed, java.time.ZoneOffset.UTC))
                .build();

        SnapshotRead read = custom.buildFull();

        assertThat(read.sessions()).isNotEmpty().isEqualTo(expectedFromTable(null));
        assertThat(read.metrics()).isEqualTo(ChatMetrics.EMPTY);
        assertThat(read.readAt()).isEqualTo(fixed);
    }

    @Test
    void readsAttributeColumnsThatAreAlsoModelColumns() {
        SessionFixtures.insertSession(db, "a", "active");
        SessionFixtures.insertSession(db, "w", "waiting");
        JdbcSnapshotBuilder withAttributes = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().attributeColumn("status").attributeColumn("created_at")
                        .attributeColumn("archived_at").build())
                .build();

        SnapshotRead read = withAttributes.buildFull();

        assertThat(read.sessions()).extracting(ChatSession::id).containsExactlyElementsOf(
                expectedFromTable(null).stream().map(ChatSession::id).collect(Collectors.toList()));
        for (ChatSession s : read.sessions()) {
            assertThat(s.attributes()).containsOnlyKeys("status", "created_at", "archived_at");
            assertThat(s.attributes().get("status")).isEqualTo(s.status());
            assertThat(s.attributes().get("created_at")).isEqualTo(s.createdAt().toString());
            assertThat(s.attributes().get("archived_at")).isNull();
        }
        assertThat(withAttributes.refresh(Set.of("w")).sessions()).singleElement()
                .satisfies(s -> assertThat(s.attributes().get("status")).isEqualTo("waiting"));
    }

    @Test
    void customMetricsQueryReturningNoRowGivesEmptyMetricsAndClockTime() {
        Instant fixed = Instant.parse("2030-01-01T00:00:00Z");
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT 1 AS one WHERE false")
                .clock(java.time.Clock.fixed(fixed, java.time.ZoneOffset.UTC))
                .build();

        SnapshotRead read = custom.buildFull();

        assertThat(read.metrics()).isEqualTo(ChatMetrics.EMPTY);
        assertThat(read.readAt()).isEqualTo(fixed);
    }

    @Test
    void customMetricsQueryReturningTwoRowsFailsWithTheTableInTheMessage() {
        JdbcSnapshotBuilder custom = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT x AS n FROM generate_series(1, 2) AS x").build();

        assertThatThrownBy(custom::buildFull)
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("\"chat_sessions\"")
                .hasMessageContaining("at most one row");
    }

    @Test
    void failingReadNamesTableAndNumberOfIds() {
        JdbcSnapshotBuilder missing = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().table("no_such_table").build()).build();

        assertThatThrownBy(() -> missing.refresh(Set.of("a", "b", "c")))
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("\"no_such_table\"")
                .hasMessageContaining("refresh of 3 ids")
                .hasCauseInstanceOf(SQLException.class);
        assertThatThrownBy(missing::buildFull)
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("full read");
    }

    @Test
    void aConnectionDyingMidTransactionReportsTheOriginalFailure() {
        JdbcSnapshotBuilder dying = JdbcSnapshotBuilder.builder(db.dataSource())
                .metricsQuery("SELECT pg_terminate_backend(pg_backend_pid()) AS killed").build();

        assertThatThrownBy(dying::buildFull)
                .isInstanceOf(SessionFeedException.class)
                .hasMessageContaining("full read")
                .hasMessageContaining("terminating connection");
    }

    @Test
    void hostileValuesAreBoundNotInterpolated() {
        String hostile = "x'); DROP TABLE chat_sessions; --";
        SessionFixtures.insertSession(db, hostile, "waiting");
        JdbcSnapshotBuilder hiding = JdbcSnapshotBuilder.builder(db.dataSource())
                .table(SessionTable.builder().hiddenStatuses(Set.of("archived", "x' OR '1'='1")).build()).build();

        assertThat(hiding.refresh(Set.of(hostile, "' OR '1'='1")).sessions()).extracting(ChatSession::id).containsExactly(hostile);
        assertThat(db.queryForLong("SELECT count(*) FROM chat_sessions")).isEqualTo(1);
    }

    @Test
    void rejectsHostileIdentifiersNamingPropertyAndValue() {
        String hostile = "x\"; DROP TABLE y; --";
        assertThatThrownBy(() -> SessionTable.builder().table(hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table").hasMessageContaining(hostile);
        assertThatThrownBy(() -> SessionTable.builder().schema(hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema").hasMessageContaining(hostile);
        assertThatThrownBy(() -> SessionTable.builder().column(SessionTable.Column.STATUS, hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("column.status").hasMessageContaining(hostile);
        assertThatThrownBy(() -> SessionTable.builder().attributeColumn(hostile))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attributeColumn").hasMessageContaining(hostile);
    }

    @Test
    void rejectsBadBuilderValuesNamingPropertyAndValue() {
        JdbcSnapshotBuilder.Builder b = JdbcSnapshotBuilder.builder(db.dataSource());
        assertThatThrownBy(() -> b.metricsQuery("  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metricsQuery");
        assertThatThrownBy(() -> b.metricsQuery("SELECT 1; DROP TABLE chat_sessions;"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metricsQuery")
                .hasMessageContaining("DROP TABLE chat_sessions");
        assertThatThrownBy(() -> b.metricsQuery(null)).isInstanceOf(NullPointerException.class).hasMessage("metricsQuery");
        assertThatThrownBy(() -> b.table(null)).isInstanceOf(NullPointerException.class).hasMessage("table");
        assertThatThrownBy(() -> b.clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> JdbcSnapshotBuilder.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("dataSource");
        assertThatThrownBy(() -> builder.refresh(null)).isInstanceOf(NullPointerException.class).hasMessage("ids");
    }

    private static long backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String backendState(Connection watcher, long pid) throws SQLException {
        try (java.sql.PreparedStatement ps = watcher.prepareStatement("SELECT state FROM pg_stat_activity WHERE pid = ?")) {
            ps.setLong(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("backend %d is connected", pid).isTrue();
                return rs.getString(1);
            }
        }
    }

    /**
     * A data source over the real one whose connections record, in {@code events}, every statement executed and
     * every transaction call made through them; {@code autoCommitOff} hands them out with auto-commit off.
     */
    private static DataSource recording(DataSource real, List<String> events, boolean autoCommitOff) {
        return proxy(DataSource.class, (p, m, a) -> {
            if (m.getName().equals("getConnection")) {
                Connection c = (Connection) invoke(real, m, a);
                c.setAutoCommit(!autoCommitOff);
                return recordingConnection(c, events, true);
            }
            return invoke(real, m, a);
        });
    }

    /** A data source that lends the same real connection every time, like a pool: closing it only records "close". */
    private static DataSource borrowing(Connection physical, List<String> events) {
        return proxy(DataSource.class, (p, m, a) -> {
            if (m.getName().equals("getConnection")) {
                return recordingConnection(physical, events, false);
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    private static Connection recordingConnection(Connection c, List<String> events, boolean closeReally) {
        return proxy(Connection.class, (p, m, a) -> {
            String name = m.getName();
            switch (name) {
                case "close":
                    events.add("close");
                    return closeReally ? invoke(c, m, a) : null;
                case "commit": case "rollback": case "setAutoCommit": case "setTransactionIsolation": case "setReadOnly":
                case "setSavepoint": case "releaseSavepoint":
                    events.add(name + (a == null ? "" : java.util.Arrays.toString(a)));
                    return invoke(c, m, a);
                case "createStatement": case "prepareStatement": case "prepareCall": {
                    Object st = invoke(c, m, a);
                    Class<?> type = name.equals("createStatement") ? Statement.class
                            : name.equals("prepareCall") ? java.sql.CallableStatement.class : java.sql.PreparedStatement.class;
                    String sql = a == null || a.length == 0 ? "" : String.valueOf(a[0]);
                    return proxy(type, (sp, sm, sa) -> {
                        if (sm.getName().startsWith("execute")) {
                            events.add(sm.getName() + ": " + (sa != null && sa.length > 0 ? sa[0] : sql));
                        }
                        return invoke(st, sm, sa);
                    });
                }
                default:
                    return invoke(c, m, a);
            }
        });
    }

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(JdbcSnapshotBuilderTest.class.getClassLoader(),
                new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void insert(String id, String status, String agent, String age, String firstResponseAge, String endedAge) {
        db.execute("INSERT INTO chat_sessions (session_id, status, agent_id, created_at, updated_at, first_response_at, ended_at)"
                        + " VALUES (?, ?, ?, now() - CAST(? AS interval), now(), now() - CAST(? AS interval), now() - CAST(? AS interval))",
                id, status, agent, age, firstResponseAge, endedAge);
    }

    /** An independent oracle: reads all rows and applies the default scope in Java. */
    private List<ChatSession> expectedFromTable(Set<String> ids) {
        List<ChatSession> all = new ArrayList<>();
        Instant now;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT now()")) {
                rs.next();
                now = rs.getObject(1, OffsetDateTime.class).toInstant();
            }
            try (ResultSet rs = st.executeQuery("SELECT * FROM chat_sessions")) {
                while (rs.next()) {
                    all.add(new ChatSession(rs.getString("session_id"), rs.getString("status"), rs.getString("visitor_id"),
                            rs.getString("visitor_name"), rs.getString("agent_id"), rs.getString("agent_name"),
                            rs.getString("subject"), ts(rs, "created_at"), ts(rs, "updated_at"), ts(rs, "ended_at"),
                            ts(rs, "first_response_at"), rs.getLong("message_count"), ts(rs, "last_message_at"), Map.of()));
                }
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
        Instant cutoff = now.minus(Duration.ofHours(24));
        return all.stream()
                .filter(s -> !s.status().equals("archived"))
                .filter(s -> s.endedAt() == null || s.endedAt().isAfter(cutoff))
                .filter(s -> ids == null || ids.contains(s.id()))
                .sorted(Comparator.comparing(ChatSession::createdAt).reversed().thenComparing(ChatSession::id))
                .collect(Collectors.toList());
    }

    private static Instant ts(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
