package dev.sessionfeed.pg;

import dev.sessionfeed.jdbc.SessionTable;
import dev.sessionfeed.source.ChangeAction;
import dev.sessionfeed.source.ChangeListener;
import dev.sessionfeed.source.ChangeSignal;
import dev.sessionfeed.source.RowChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * One established logical replication session: a <em>control</em> connection (ordinary SQL: the preflight checks,
 * the heartbeat probes, the slot and publication checks) and a <em>replication</em> connection streaming
 * {@code pgoutput} from a slot. {@link #open} proves the server can do it (or throws
 * {@link ListenUnavailableException} naming the setting and the fix), creates the slot and starts the stream;
 * {@link #stream} then reads, decodes ({@link PgOutputDecoder}) and reports each committed transaction's rows to the
 * feed, until the source stops (returns) or something fails (throws).
 *
 * <p>Liveness: every {@code probeInterval} the control connection emits a non-transactional logical decoding message
 * with a fresh token ({@code pg_logical_emit_message}); it must come back through the stream within
 * {@code probeDeadline}. That proves the whole path (WAL, walsender, network, this thread), and the same message is
 * the heartbeat that lets the slot's confirmed position advance on a database whose sessions table is quiet. A read
 * that stalls in the middle of a message is aborted the same way: the probe does not come back.
 *
 * <p>Threading: {@link #open} and {@link #stream} run on the stream thread; {@code stream} runs a control thread for
 * the probes and checks (the control connection is used by it alone once streaming); {@link #abort()} may be called
 * from any thread. The fields the two threads share are volatile.
 */
final class LogicalSession {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgLogicalChangeSource.class);

    /** Fixed status sentences: what the server lacks. They reach dashboards; the log has the details. */
    static final String WAL_LEVEL = "logical replication unavailable: wal_level is not logical";
    static final String PRIVILEGE = "logical replication unavailable: the role lacks the REPLICATION privilege";
    static final String HBA = "logical replication unavailable: replication connections are refused (pg_hba.conf)";
    static final String SLOTS = "logical replication unavailable: no free replication slot (max_replication_slots)";
    static final String SENDERS = "logical replication unavailable: no free WAL sender (max_wal_senders)";
    static final String STANDBY = "logical replication unavailable: the database server is a standby";
    static final String VERSION = "logical replication unavailable: PostgreSQL 14 or later is needed";
    static final String PUBLICATION = "publication missing or incomplete";
    static final String IDENTITY = "replica identity of the sessions table unusable";
    static final String TABLE = "sessions table missing";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long SLOT_CREATE_TIMEOUT_MILLIS = 30_000;

    private final LogicalConfig config;
    private final PgPublicationInstaller publication;
    private final ListenerMetrics metrics;
    private final ChangeListener listener;
    private final LogicalWarnings warnings;
    private final PgOutputDecoder decoder = new PgOutputDecoder();
    private final String idColumn;

    private Connection control;
    private Connection replication;
    private PGReplicationStream stream;
    private String slot;
    private int serverVersion;
    private int walsenderPid;
    private volatile long tableOid;
    private volatile char replicaIdentity;

    // The transaction being received.
    private final List<Object> pending = new ArrayList<>();
    private boolean overflow;
    private String resyncReason;

    // The probe in flight: written by the control thread, read by the stream thread when a message arrives.
    private volatile String outstanding;
    private volatile long probeSentNanos;
    /** What the control thread found wrong (it then aborted the connections); null while all is well. */
    private volatile Throwable controlFailure;
    /** Set by the stream thread when a Relation message shows another replica identity; the control thread checks. */
    private volatile boolean identityChanged;
    private final java.util.concurrent.CountDownLatch controlDone = new java.util.concurrent.CountDownLatch(1);

    LogicalSession(LogicalConfig config, PgPublicationInstaller publication, ListenerMetrics metrics, ChangeListener listener,
            LogicalWarnings warnings) {
        this.warnings = warnings;
        this.config = config;
        this.publication = publication;
        this.metrics = metrics;
        this.listener = listener;
        this.idColumn = config.table().column(SessionTable.Column.ID);
    }

    /** The replication connection's server process (the walsender). */
    int walsenderPid() {
        return walsenderPid;
    }

    /** The slot streamed from. */
    String slot() {
        return slot;
    }

    /**
     * Connects both connections, checks what the server offers, creates (or reuses) the slot and starts the stream.
     *
     * @param opened receives each raw connection as soon as it is open (for aborting it from close)
     * @throws ListenUnavailableException when the server lacks what the source needs (the message names the fix)
     * @throws SQLException               on any other failure (the caller closes this session)
     */
    void open(java.util.function.Consumer<Connection> opened) throws SQLException {
        control = DriverManager.getConnection(config.url(), properties(false));
        opened.accept(control);
        control.setAutoCommit(true);
        preflight();
        replication = connectReplication();
        opened.accept(replication);
        PGConnection pg = replication.unwrap(PGConnection.class);
        try (Statement st = replication.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            walsenderPid = rs.getInt(1);
        }
        slot = prepareSlot(pg);
        int proto = serverVersion >= 160000 ? 4 : serverVersion >= 150000 ? 3 : 2;
        stream = pg.getReplicationAPI().replicationStream().logical()
                .withSlotName(slot)
                .withSlotOption("proto_version", proto)
                .withSlotOption("publication_names", dev.sessionfeed.internal.SqlIdentifiers.quote(config.publication()))
                .withSlotOption("messages", true)
                .withStatusInterval((int) config.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                .start();
        // From here on a read blocks without a socket timeout (pgjdbc would take a timeout for a keepalive, also in the
        // middle of a message); the control thread's probe deadline bounds it instead.
        replication.setNetworkTimeout(Runnable::run, 0);
    }

    private Properties properties(boolean replicationConnection) {
        Properties p = new Properties();
        if (config.user() != null) {
            PGProperty.USER.set(p, config.user());
        }
        if (config.password() != null) {
            PGProperty.PASSWORD.set(p, config.password());
        }
        PGProperty.APPLICATION_NAME.set(p, config.applicationName());
        PGProperty.CONNECT_TIMEOUT.set(p, (int) ceilSeconds(config.connectTimeout().toMillis()));
        PGProperty.SOCKET_TIMEOUT.set(p, (int) ceilSeconds(Math.max(config.probeDeadline().toMillis(), config.connectTimeout().toMillis())));
        PGProperty.TCP_KEEP_ALIVE.set(p, true);
        if (replicationConnection) {
            PGProperty.REPLICATION.set(p, "database");
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
            PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        }
        return p;
    }

    private static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }

    /** Checks the server, the role, the publication and the table on the control connection. */
    private void preflight() throws SQLException {
        String walLevel;
        boolean replicationRole;
        boolean standby;
        String syncCommit;
        String walWriterDelay;
        String keepSize;
        try (Statement st = control.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT current_setting('server_version_num')::int, current_setting('wal_level'), "
                        + "(SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user), pg_is_in_recovery(), "
                        + "current_setting('synchronous_commit'), current_setting('wal_writer_delay'), "
                        + "current_setting('max_slot_wal_keep_size', true), current_user")) {
            rs.next();
            serverVersion = rs.getInt(1);
            walLevel = rs.getString(2);
            replicationRole = rs.getBoolean(3);
            standby = rs.getBoolean(4);
            syncCommit = rs.getString(5);
            walWriterDelay = rs.getString(6);
            keepSize = rs.getString(7);
            if (serverVersion < 140000) {
                throw new ListenUnavailableException("the server runs PostgreSQL " + serverVersion + "; the logical source needs 14 or "
                        + "later (it probes the stream with logical decoding messages): use PgNotifyChangeSource there", VERSION);
            }
            if (!"logical".equals(walLevel)) {
                throw new ListenUnavailableException("wal_level is '" + walLevel + "'; logical replication needs wal_level = logical: "
                        + "set it in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart PostgreSQL", WAL_LEVEL);
            }
            if (!replicationRole) {
                throw new ListenUnavailableException("role " + rs.getString(8) + " has no REPLICATION privilege: "
                        + "ALTER ROLE " + rs.getString(8) + " REPLICATION (or connect the source as a role that has it)", PRIVILEGE);
            }
            if (standby) {
                throw new ListenUnavailableException("the server is a hot standby (pg_is_in_recovery() = true); the logical source "
                        + "streams from the primary: point it at the primary", STANDBY);
            }
        }
        checkPublication();
        if ("off".equals(syncCommit)) {
            warnings.synchronousCommitOff(walWriterDelay);
        }
        if (config.slotName() != null && (keepSize == null || "-1".equals(keepSize))) {
            warnings.unlimitedSlot(config.slotName());
        }
    }

    /**
     * Checks the publication and the table's replica identity; throws {@link ListenUnavailableException} when the
     * stream cannot deliver the table's changes. Also (re)reads the table's oid.
     */
    void checkPublication() throws SQLException {
        PgPublicationInstaller.State state = publication.check(control);
        if (state != PgPublicationInstaller.State.CURRENT) {
            String reason = state == PgPublicationInstaller.State.TABLE_MISSING ? TABLE
                    : state == PgPublicationInstaller.State.REPLICA_IDENTITY_UNUSABLE ? IDENTITY : PUBLICATION;
            throw new ListenUnavailableException(publication.describe(state), reason);
        }
        try (PreparedStatement ps = control.prepareStatement("SELECT c.oid, c.relreplident FROM pg_class c WHERE c.oid = to_regclass(?)")) {
            ps.setString(1, config.table().qualifiedTable());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ListenUnavailableException(publication.describe(PgPublicationInstaller.State.TABLE_MISSING), TABLE);
                }
                long oid = rs.getLong(1);
                if (tableOid != 0 && oid != tableOid) {
                    throw new SQLException("the sessions table " + config.table().qualifiedTable() + " was recreated (oid " + tableOid
                            + " -> " + oid + ")");
                }
                tableOid = oid;
                replicaIdentity = rs.getString(2).charAt(0);
            }
        }
    }

    private Connection connectReplication() throws SQLException {
        try {
            return DriverManager.getConnection(config.url(), properties(true));
        } catch (SQLException e) {
            String state = e.getSQLState();
            String m = String.valueOf(e.getMessage());
            if ("28000".equals(state) && m.contains("replication")) {
                throw new ListenUnavailableException("the server refuses replication connections for this role and host: " + m
                        + "; add a 'host <database> <role> <address> <method>' line to pg_hba.conf (logical replication matches "
                        + "the database name) and reload", HBA);
            }
            if ("42501".equals(state)) {
                throw new ListenUnavailableException("the role may not start a WAL sender: " + m
                        + "; ALTER ROLE <role> REPLICATION", PRIVILEGE);
            }
            if (m.contains("max_wal_senders")) {
                throw new ListenUnavailableException("all WAL senders are in use: " + m
                        + "; raise max_wal_senders in postgresql.conf (restart needed) or stop an unused replication client", SENDERS);
            }
            throw e;
        }
    }

    /** Creates a temporary slot, or reuses (or creates, or replaces an invalidated) permanent one. */
    private String prepareSlot(PGConnection pg) throws SQLException {
        String name = config.slotName();
        boolean temporary = name == null;
        if (temporary) {
            byte[] b = new byte[8];
            RANDOM.nextBytes(b);
            name = "sessionfeed_" + HexFormat.of().formatHex(b);
        } else {
            try (PreparedStatement ps = control.prepareStatement(
                    "SELECT plugin, wal_status, active_pid FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        if (!"pgoutput".equals(rs.getString(1))) {
                            throw new ListenUnavailableException("replication slot " + name + " exists with plugin " + rs.getString(1)
                                    + ", not pgoutput: choose another slotName, or drop it (SELECT pg_drop_replication_slot('" + name
                                    + "'))", PUBLICATION);
                        }
                        int active = rs.getInt(3);
                        if (!rs.wasNull()) {
                            throw new SQLException("replication slot " + name + " is in use by server process " + active
                                    + " (another instance of the application, or a connection not yet gone)");
                        }
                        if ("lost".equals(rs.getString(2))) {
                            LOG.error("replication slot {} was invalidated by PostgreSQL (wal_status = lost: it retained more WAL than "
                                    + "max_slot_wal_keep_size while the application was away); dropping and recreating it, then resyncing",
                                    name);
                            dropSlot(name);
                        } else {
                            return name;
                        }
                    }
                }
            }
        }
        int timeout = replication.getNetworkTimeout();
        // CREATE_REPLICATION_SLOT waits for the transactions running at the time to end (a consistent point).
        replication.setNetworkTimeout(Runnable::run, (int) Math.max(timeout, SLOT_CREATE_TIMEOUT_MILLIS));
        try {
            var b = pg.getReplicationAPI().createReplicationSlot().logical().withSlotName(name).withOutputPlugin("pgoutput");
            if (temporary) {
                b.withTemporaryOption();
            }
            b.make();
        } catch (SQLException e) {
            if ("53400".equals(e.getSQLState()) || String.valueOf(e.getMessage()).contains("max_replication_slots")) {
                throw new ListenUnavailableException("all replication slots are in use: " + e.getMessage()
                        + "; raise max_replication_slots in postgresql.conf (restart needed) or drop an unused slot "
                        + "(SELECT slot_name, active FROM pg_replication_slots)", SLOTS);
            }
            throw e;
        } finally {
            replication.setNetworkTimeout(Runnable::run, timeout);
        }
        if (!temporary) {
            LOG.info("created permanent replication slot {} (it retains WAL while the application is away; see max_slot_wal_keep_size)", name);
        }
        return name;
    }

    private void dropSlot(String name) throws SQLException {
        try (PreparedStatement ps = control.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, name);
            ps.execute();
        }
    }

    /**
     * Streams until {@code stopped} (returns) or a failure (throws). This thread blocks in pgjdbc's
     * {@code PGReplicationStream.read()} (no polling: an idle stream costs no CPU, and a message is handled the moment
     * its bytes arrive) and reports each committed transaction. A control thread (from {@code threads}) sends a
     * heartbeat probe every {@code probeInterval} and checks that it came back within {@code probeDeadline}, and checks
     * the slot and the publication every {@code checkInterval}; on any failure it records it and aborts both
     * connections, so that the blocked read fails at once and this method throws what the control thread found.
     */
    void stream(BooleanSupplier stopped, java.util.concurrent.ThreadFactory threads) throws SQLException {
        Thread controlThread = threads.newThread(() -> control(stopped));
        if (controlThread == null) {
            throw new IllegalStateException("threadFactory returned null");
        }
        controlThread.start();
        try {
            while (!stopped.getAsBoolean() && controlFailure == null) {
                ByteBuffer b = stream.read();
                if (b == null) {
                    throw new SQLException("the replication stream ended");
                }
                decode(b);
            }
        } catch (SQLException | RuntimeException e) {
            Throwable found = controlFailure;
            if (found instanceof ListenUnavailableException) {
                throw (ListenUnavailableException) found;
            }
            if (found != null) {
                throw new SQLException(found.getMessage(), found instanceof SQLException ? ((SQLException) found).getSQLState() : null, found);
            }
            throw e;
        } finally {
            controlDone.countDown();
            abortControl();
            dev.sessionfeed.internal.Threads.joinBounded(controlThread, config.probeDeadline().plusSeconds(1), LOG,
                    "its current probe or check");
        }
        Throwable found = controlFailure;
        if (found instanceof ListenUnavailableException) {
            throw (ListenUnavailableException) found;
        }
        if (found != null) {
            throw new SQLException(found.getMessage(), found instanceof SQLException ? ((SQLException) found).getSQLState() : null, found);
        }
    }

    private void abortControl() {
        Connection c = control;
        if (c != null) {
            ListenerConnection.abort(c);
        }
    }

    /** The control thread's loop: probes, deadlines and checks, until the session ends or fails. */
    private void control(BooleanSupplier stopped) {
        long probeInterval = config.probeInterval().toNanos();
        long probeDeadline = config.probeDeadline().toNanos();
        long checkInterval = config.checkInterval().toNanos();
        long now = System.nanoTime();
        long nextProbe = now;
        long nextCheck = now + checkInterval; // checked just before the stream started
        try {
            while (!stopped.getAsBoolean() && controlDone.getCount() > 0) {
                now = System.nanoTime();
                String token = outstanding;
                if (token != null && now - probeSentNanos > probeDeadline) {
                    throw new SQLException("heartbeat probe not delivered by the replication stream within "
                            + config.probeDeadline().toMillis() + " ms: the stream delivers nothing (walsender gone, half-open or frozen "
                            + "connection, or a read stalled in the middle of a message)");
                }
                if (token == null && now - nextProbe >= 0) {
                    sendProbe();
                    nextProbe = probeSentNanos + probeInterval;
                }
                if (now - nextCheck >= 0 || identityChanged) {
                    boolean resync = identityChanged;
                    identityChanged = false;
                    checkSlot();
                    checkPublication();
                    if (resync) {
                        LOG.info("replica identity of {} changed (now '{}'); resyncing", config.table().qualifiedTable(), replicaIdentity);
                        metrics.resync();
                        listener.onResync("replica identity of the sessions table changed");
                    }
                    nextCheck = System.nanoTime() + checkInterval;
                }
                long wait = Math.min(outstanding != null ? probeSentNanos + probeDeadline : nextProbe, nextCheck) - System.nanoTime();
                controlDone.await(Math.max(1_000_000, Math.min(wait, 50_000_000)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            if (controlDone.getCount() > 0 && !stopped.getAsBoolean()) {
                controlFailure = e;
                abort();
            }
        }
    }

    private void decode(ByteBuffer b) throws SQLException {
        long received = System.nanoTime();
        try {
            decoder.decode(b, new PgOutputDecoder.Events() {
                @Override
                public void relation(PgOutputDecoder.Relation r) {
                    if (r.id() == tableOid && r.replicaIdentity() != replicaIdentity) {
                        // REPLICA IDENTITY changed: the control thread asks the catalog whether it still carries the id.
                        identityChanged = true;
                    }
                }

                @Override
                public void change(char kind, PgOutputDecoder.Relation r, PgOutputDecoder.Tuple oldKey, PgOutputDecoder.Tuple newRow) {
                    if (r.id() == tableOid) {
                        onChange(kind, r, oldKey, newRow, received);
                    }
                }

                @Override
                public void truncate(int[] relationIds) {
                    for (int id : relationIds) {
                        if (id == tableOid) {
                            pending.add(ChangeAction.TRUNCATE);
                        }
                    }
                }

                @Override
                public void commit(long endLsn) {
                    onCommit(endLsn, received);
                }

                @Override
                public void message(boolean transactional, long lsn, String prefix, byte[] content) {
                    String token = outstanding;
                    if (LogicalConfig.PROBE_PREFIX.equals(prefix) && token != null
                            && token.equals(new String(content, StandardCharsets.UTF_8))) {
                        metrics.probe(received - probeSentNanos);
                        outstanding = null;
                    }
                    if (!transactional) {
                        confirm(lsn);
                    }
                }
            });
        } catch (IllegalStateException e) {
            metrics.rejected();
            throw new SQLException("the replication stream sent what this decoder does not understand: " + e.getMessage(), e);
        }
        if (resyncReason != null && pending.isEmpty()) {
            String why = resyncReason;
            resyncReason = null;
            LOG.info("{} ({}); resyncing", why, config.table().qualifiedTable());
            metrics.resync();
            listener.onResync(why);
        }
    }

    private void onChange(char kind, PgOutputDecoder.Relation r, PgOutputDecoder.Tuple oldKey, PgOutputDecoder.Tuple newRow, long received) {
        if (overflow) {
            return;
        }
        if (pending.size() >= config.maxTransactionRows()) {
            overflow = true;
            pending.clear();
            return;
        }
        int idAt = r.indexOf(idColumn);
        if (idAt < 0) {
            resyncReason = "the stream's sessions table has no column " + idColumn;
            return;
        }
        if (kind == 'D') {
            String id = oldKey.values().get(idAt);
            if (id == null || id == PgOutputDecoder.Tuple.UNCHANGED) {
                resyncReason = "a DELETE without the id in its old key";
                return;
            }
            add(new RowChange(ChangeAction.DELETE, id, Map.of(), Map.of(), received));
            return;
        }
        String id = newRow.values().get(idAt);
        if (id == null || id == PgOutputDecoder.Tuple.UNCHANGED || id.isBlank()) {
            metrics.rejected(); // a row the feed cannot show anyway (blank id)
            return;
        }
        if (kind == 'U' && oldKey != null) {
            String oldId = oldKey.values().get(idAt);
            if (oldId != null && oldId != PgOutputDecoder.Tuple.UNCHANGED && !oldId.equals(id) && !oldId.isBlank()) {
                add(new RowChange(ChangeAction.DELETE, oldId, Map.of(), Map.of(), received));
            }
        }
        Map<String, String> columns = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        List<String> values = newRow.values();
        for (int i = 0; i < r.columns().size() && i < values.size(); i++) {
            String v = values.get(i);
            if (v != PgOutputDecoder.Tuple.UNCHANGED) { // left out: the feed re-reads the row
                columns.put(r.columns().get(i), v);
            }
            types.put(r.columns().get(i), decoder.typeName(r.typeOids()[i]));
        }
        add(new RowChange(kind == 'I' ? ChangeAction.INSERT : ChangeAction.UPDATE, id, columns, types, received));
    }

    private void add(RowChange change) {
        pending.add(change);
    }

    private void onCommit(long endLsn, long received) {
        try {
            if (overflow) {
                metrics.resync();
                listener.onResync("a transaction changed more than " + config.maxTransactionRows() + " sessions");
            } else {
                for (Object o : pending) {
                    metrics.received();
                    if (o instanceof RowChange) {
                        listener.onRowChange((RowChange) o);
                    } else {
                        listener.onChange(new ChangeSignal(ChangeAction.TRUNCATE, null, received));
                    }
                }
            }
        } finally {
            pending.clear();
            overflow = false;
        }
        confirm(endLsn);
    }

    /** Tells the server it may forget the WAL up to {@code lsn} (sent with the next status update). */
    private void confirm(long lsn) {
        LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
        stream.setAppliedLSN(l);
        stream.setFlushedLSN(l);
    }

    private void sendProbe() throws SQLException {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        String token = HexFormat.of().formatHex(b);
        // PostgreSQL 17 can flush the message at once (flush = true); before, the WAL writer flushes it within
        // wal_writer_delay, which the probe deadline covers.
        String sql = serverVersion >= 170000 ? "SELECT pg_logical_emit_message(false, ?, ?, true)"
                : "SELECT pg_logical_emit_message(false, ?, ?)";
        probeSentNanos = System.nanoTime();
        // Set before the message is emitted: it may come back through the stream before execute() returns.
        outstanding = token;
        try (PreparedStatement ps = control.prepareStatement(sql)) {
            ps.setString(1, LogicalConfig.PROBE_PREFIX);
            ps.setString(2, token);
            ps.execute();
        } catch (SQLException e) {
            throw new SQLException("heartbeat probe failed on the control connection within its " + config.probeDeadline().toMillis()
                    + " ms socket timeout: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** Reads the slot's lag; a slot that is gone or invalidated ends the session (the next one recreates it). */
    private void checkSlot() throws SQLException {
        try (PreparedStatement ps = control.prepareStatement(
                "SELECT pg_current_wal_lsn() - confirmed_flush_lsn, wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("replication slot " + slot + " is gone (dropped by someone else)");
                }
                long lag = rs.getLong(1);
                metrics.slotLagBytes(rs.wasNull() ? -1 : Math.max(0, lag));
                if ("lost".equals(rs.getString(2))) {
                    throw new SQLException("replication slot " + slot + " was invalidated (wal_status = lost, max_slot_wal_keep_size)");
                }
            }
        }
    }

    /** Aborts both connections so that blocked calls fail at once. Any thread; never throws. */
    void abort() {
        Connection r = replication;
        if (r != null) {
            ListenerConnection.abort(r);
        }
        Connection c = control;
        if (c != null) {
            ListenerConnection.abort(c);
        }
    }

    /** Closes both connections quietly (a temporary slot goes with the replication connection). */
    void close() {
        ListenerConnection.closeQuietly(replication);
        ListenerConnection.closeQuietly(control);
    }
}
