package dev.sessionfeed.jdbc;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.command.CommandException;
import dev.sessionfeed.command.CommandFailure;
import dev.sessionfeed.command.CommandHandler;
import dev.sessionfeed.command.CommandResult;
import dev.sessionfeed.command.SessionCommand;
import dev.sessionfeed.internal.Checks;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.jdbc.SessionTable.Column;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;

/**
 * Carries out {@code end_session} and {@code archive_session} as status updates of the sessions table, exactly
 * once per command id.
 *
 * <ul>
 *   <li>{@value #END_SESSION}: sets the status to {@code ended} (configurable) and {@code ended_at = now()} unless
 *       already set. Outcome {@code ended}, or {@code already_ended} (nothing changed) when the session is already
 *       ended or archived.</li>
 *   <li>{@value #ARCHIVE_SESSION}: archives only what has ended. A session whose status is one of the
 *       {@linkplain Builder#archivableStatuses archivable statuses} (default: the {@code endedStatus}) gets the
 *       status {@code archived} (configurable) and, when {@linkplain Builder#archivedAtColumn configured} (default
 *       {@code archived_at}), that column set to {@code now()}: outcome {@code archived}. An already archived session:
 *       {@code already_archived}. Any other status (a {@code waiting} or {@code active} chat): {@link CommandException}
 *       with {@link CommandFailure#INVALID} naming the status; nothing is changed or recorded, so the same command id
 *       works once the chat has ended. (Archiving a live chat would hide it from every dashboard while it goes on,
 *       and would let an admin allowed to archive but not to end get around that.)</li>
 *   <li>Every change also sets {@code updated_at = now()}, so polling and NOTIFY triggers see it.</li>
 *   <li>An unknown session: {@link CommandException} with {@link CommandFailure#NOT_FOUND}; nothing is recorded, so
 *       the same command id may be retried.</li>
 * </ul>
 *
 * <p>Any key type of {@link SessionKey}: the session id is bound with the key column's type (read from the catalog on
 * the first command or by {@link #verify()}), and an id that no row of that type can have ({@code "abc"} for a
 * {@code bigint} key) is {@link CommandFailure#NOT_FOUND}. An enum status is written untyped (PostgreSQL takes the
 * column's type), a {@linkplain SessionTable.Builder#statusCodes coded} one as its code; {@code ended_at} and
 * {@code updated_at} are written only when they are columns, not expressions. With a
 * {@linkplain SessionTable.Builder#view view}, commands update the base {@linkplain SessionTable#qualifiedTable() table}.
 * {@link #verify()} checks both tables at start-up and names the SQL that creates a missing commands table;
 * {@link #installTable()} creates it.
 *
 * <p>Idempotency: each command runs in one {@code READ COMMITTED} transaction that first inserts its id into the
 * commands table ({@code sessionfeed_commands} of the shipped schema, primary key {@code command_id}) with
 * {@code ON CONFLICT DO NOTHING}, locks the session row, changes it and stores the outcome. A command whose id is
 * already recorded is not applied again: the stored outcome is returned with {@code replayed = true}. Concurrent
 * commands with the same id are serialized by the primary key (the second insert waits for the first
 * transaction, then sees its row). Reusing an id for a different action or session is rejected with
 * {@link CommandFailure#INVALID}.
 *
 * <p>Commands that cannot hang: the transaction sets PostgreSQL's {@code lock_timeout} ({@linkplain Builder#lockTimeout
 * default 2 s}) and {@code statement_timeout} ({@linkplain Builder#statementTimeout default 5 s}, per statement) with
 * {@code SET LOCAL} semantics, so they end with it and never leak into the pool's connection. A command whose session
 * row stays locked by another transaction (a host's {@code SELECT ... FOR UPDATE}, a long batch update), or whose
 * statement runs too long, is rolled back and refused with {@link CommandFailure#BUSY}; nothing is recorded, so the
 * client may retry the same command id. A deadlock or serialization failure is refused the same way.
 *
 * <p>One hot row cannot take every worker: at most {@linkplain Builder#maxCommandsPerSession one command per session}
 * (default) runs at a time in this handler; a further command on the same session is refused at once with
 * {@link CommandFailure#BUSY}, before it borrows a connection. Commands on one session are serialized by its row lock
 * anyway, so letting more of them run would only let them wait inside the database, each holding a caller's thread
 * (the WebSocket adapter's command workers) and a pooled connection. The limit lives here rather than in a transport
 * because the handler is what knows that a command addresses a session, and every transport gets it.
 *
 * <p>Thread-safe: the configuration is immutable; the only mutable state is the count of commands in flight per
 * session (a concurrent map, an entry only while a command on that session runs). Each call borrows its own
 * connection from the data source: bound the pool's own wait for a connection there (for example HikariCP's
 * {@code connectionTimeout}).
 */
public final class JdbcCommandHandler implements CommandHandler {

    /** The action that ends a session. */
    public static final String END_SESSION = "end_session";
    /** The action that archives a session. */
    public static final String ARCHIVE_SESSION = "archive_session";

    private static final Set<String> ACTIONS = Set.of(END_SESSION, ARCHIVE_SESSION);
    /** PostgreSQL SQLSTATEs after which nothing was changed and a retry may succeed: lock_not_available (the
     * lock_timeout), query_canceled (the statement_timeout), deadlock_detected, serialization_failure. */
    private static final Set<String> RETRYABLE_STATES = Set.of("55P03", "57014", "40P01", "40001");

    private final DataSource dataSource;
    private final SessionTable table;
    private final String endedStatus;
    private final String archivedStatus;
    private final Set<String> archivableStatuses;
    private final Duration lockTimeout;
    private final Duration statementTimeout;
    private final InFlight inFlight;
    private final String commandsTable;
    private final String insertCommandSql;
    private final String selectCommandSql;
    private final String updateCommandSql;
    private final String lockSessionSql;
    private final String endSql;
    private final String archiveSql;
    private final String archivedAtColumn;
    /** The key types of the sessions table and of the commands table's session_id, once checked. */
    private final AtomicReference<SessionKey[]> keys = new AtomicReference<>();

    private JdbcCommandHandler(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.endedStatus = b.endedStatus;
        this.archivedStatus = b.archivedStatus;
        this.archivableStatuses = b.archivableStatuses != null ? b.archivableStatuses : Set.of(b.endedStatus);
        this.lockTimeout = b.lockTimeout;
        this.statementTimeout = b.statementTimeout;
        this.inFlight = new InFlight(b.maxCommandsPerSession);
        this.archivedAtColumn = b.archivedAtColumn;
        this.commandsTable = b.commandsSchema == null ? SqlIdentifiers.quote(b.commandsTable)
                : SqlIdentifiers.quote(b.commandsSchema) + "." + SqlIdentifiers.quote(b.commandsTable);
        String t = table.qualifiedTable();
        String id = table.quoted(Column.ID);
        String status = table.quoted(Column.STATUS);
        // Fields mapped to expressions are not written (the status cannot be one: see Builder.build()).
        String ended = table.column(Column.ENDED_AT) == null ? null : table.quoted(Column.ENDED_AT);
        String updated = table.column(Column.UPDATED_AT) == null ? null : ", " + table.quoted(Column.UPDATED_AT) + " = now()";
        String touch = updated == null ? "" : updated;
        this.insertCommandSql = "INSERT INTO " + commandsTable + " (command_id, action, session_id, actor, outcome)"
                + " VALUES (?, ?, ?, ?, 'pending') ON CONFLICT (command_id) DO NOTHING";
        this.selectCommandSql = "SELECT action, session_id, outcome FROM " + commandsTable + " WHERE command_id = ?";
        this.updateCommandSql = "UPDATE " + commandsTable + " SET outcome = ?, executed_at = now() WHERE command_id = ?";
        this.lockSessionSql = "SELECT " + table.statusText() + " FROM " + t + " WHERE " + id + " = ? FOR UPDATE";
        this.endSql = "UPDATE " + t + " SET " + status + " = ?"
                + (ended == null ? "" : ", " + ended + " = coalesce(" + ended + ", now())") + touch + " WHERE " + id + " = ?";
        this.archiveSql = "UPDATE " + t + " SET " + status + " = ?"
                + (b.archivedAtColumn == null ? "" : ", " + SqlIdentifiers.quote(b.archivedAtColumn) + " = now()")
                + touch + " WHERE " + id + " = ?";
    }

    /**
     * Starts a builder.
     *
     * @param dataSource where the sessions and the commands table live
     * @return a builder with the defaults documented on its setters
     * @throws NullPointerException if {@code dataSource} is null
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The actions: {@value #END_SESSION} and {@value #ARCHIVE_SESSION}.
     *
     * @return an unmodifiable set
     */
    @Override
    public Set<String> actions() {
        return ACTIONS;
    }

    /**
     * Carries out the command once; a repeated command id returns the first outcome with {@code replayed = true}.
     *
     * @param command the command
     * @param actor   who asked; stored in the commands table
     * @return the outcome: {@code ended}, {@code already_ended}, {@code archived} or {@code already_archived}
     * @throws NullPointerException if an argument is null
     * @throws CommandException     {@link CommandFailure#NOT_FOUND} for an unknown session, {@link CommandFailure#INVALID}
     *                              for an unknown action, a command id reused for another command, or an
     *                              {@code archive_session} of a session that has not ended; {@link CommandFailure#BUSY}
     *                              when the session already has {@code maxCommandsPerSession} commands running, its
     *                              row stayed locked past {@code lockTimeout}, or a statement ran past
     *                              {@code statementTimeout} (nothing changed; retry with the same id)
     * @throws SessionFeedException when the database fails, with the command id, action, session and table
     */
    @Override
    public CommandResult handle(SessionCommand command, String actor) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(actor, "actor");
        if (!ACTIONS.contains(command.action())) {
            throw new CommandException(CommandFailure.INVALID, "unknown action: " + command.action());
        }
        if (!inFlight.tryEnter(command.sessionId())) {
            throw new CommandException(CommandFailure.BUSY, "another command on session '"
                    + SessionColumns.sample(command.sessionId()) + "' is still running; retry later with the same id");
        }
        try {
            return handleOnConnection(command, actor);
        } finally {
            inFlight.exit(command.sessionId());
        }
    }

    private CommandResult handleOnConnection(SessionCommand command, String actor) {
        try (Connection c = dataSource.getConnection()) {
            SessionKey[] k = keys(c);
            if (k[0].canonical(command.sessionId()).isEmpty()) {
                // No row can have this key (a word for a bigint key): nothing to record, as for any unknown session.
                throw new CommandException(CommandFailure.NOT_FOUND, "session not found: '" + SessionColumns.sample(command.sessionId())
                        + "' (the session key is " + k[0].sqlType() + ")");
            }
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            Exception failure = null;
            try {
                CommandResult r = handleInTransaction(c, command, actor);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                failure = e;
                JdbcSnapshotBuilder.rollbackQuietly(c, e);
                throw e;
            } finally {
                if (autoCommit) {
                    JdbcSnapshotBuilder.restoreAutoCommit(c, failure);
                }
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && RETRYABLE_STATES.contains(e.getSQLState())) {
                throw new CommandException(CommandFailure.BUSY, "session '" + SessionColumns.sample(command.sessionId())
                        + "' is busy (" + busyReason(e.getSQLState()) + "); nothing was changed, retry later with the same id");
            }
            throw new SessionFeedException("command " + command.id() + " (" + command.action() + " of session '"
                    + SessionColumns.sample(command.sessionId()) + "') failed on " + table.qualifiedTable() + " / " + commandsTable + ": "
                    + e.getMessage(), e);
        }
    }

    /** Why a retryable failure happened, in words for the client (no driver text). */
    private String busyReason(String sqlState) {
        switch (sqlState) {
            case "55P03":
                return "its row is locked by another transaction; waited " + lockTimeout.toMillis() + " ms";
            case "57014":
                return "the database did not answer within " + statementTimeout.toMillis() + " ms";
            default:
                return "it conflicted with another transaction";
        }
    }

    private CommandResult handleInTransaction(Connection c, SessionCommand command, String actor) throws SQLException {
        SessionKey[] k = keys(c);
        String canonicalId = k[0].canonical(command.sessionId()).orElseThrow();
        SessionCommand cmd = new SessionCommand(command.id(), command.action(), canonicalId, command.arguments());
        // set_config(..., true) is SET LOCAL with bound values: both end with this transaction.
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT set_config('lock_timeout', ?, true), set_config('statement_timeout', ?, true)")) {
            ps.setString(1, lockTimeout.toMillis() + "ms");
            ps.setString(2, statementTimeout.toMillis() + "ms");
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement(insertCommandSql)) {
            ps.setString(1, cmd.id());
            ps.setString(2, cmd.action());
            k[1].bind(ps, 3, cmd.sessionId());
            ps.setString(4, actor);
            if (ps.executeUpdate() == 0) {
                return replay(c, cmd);
            }
        }
        String status;
        try (PreparedStatement ps = c.prepareStatement(lockSessionSql)) {
            k[0].bind(ps, 1, cmd.sessionId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new CommandException(CommandFailure.NOT_FOUND, "session not found: '" + SessionColumns.sample(cmd.sessionId()) + "'");
                }
                status = rs.getString(1);
            }
        }
        String outcome;
        if (cmd.action().equals(END_SESSION)) {
            outcome = endedStatus.equals(status) || archivedStatus.equals(status) ? "already_ended" : "ended";
            if (outcome.equals("ended")) {
                update(c, endSql, endedStatus, k[0], cmd.sessionId());
            }
        } else if (archivedStatus.equals(status)) {
            outcome = "already_archived";
        } else if (archivableStatuses.contains(status)) {
            outcome = "archived";
            update(c, archiveSql, archivedStatus, k[0], cmd.sessionId());
        } else {
            throw new CommandException(CommandFailure.INVALID, "session '" + SessionColumns.sample(cmd.sessionId())
                    + "' is '" + SessionColumns.sample(String.valueOf(status)) + "': only an ended chat can be archived"
                    + " (end it first with end_session)");
        }
        try (PreparedStatement ps = c.prepareStatement(updateCommandSql)) {
            ps.setString(1, outcome);
            ps.setString(2, cmd.id());
            ps.executeUpdate();
        }
        return new CommandResult(outcome, command.sessionId(), false);
    }

    private void update(Connection c, String sql, String status, SessionKey key, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Map<String, Integer> codes = table.statusCodes();
            if (codes != null) {
                ps.setInt(1, codes.get(status));
            } else {
                // Untyped: PostgreSQL takes the column's type, so an enum status works as a text one does.
                ps.setObject(1, status, Types.OTHER);
            }
            key.bind(ps, 2, id);
            ps.executeUpdate();
        }
    }

    /**
     * Checks the sessions table and the commands table against the database's catalog now, instead of on the first
     * command: the table exists with the id (of a supported {@linkplain SessionKey key type}), status and written
     * columns, and the commands table exists with its columns. Call it at start-up to fail fast; the first command
     * does the same check otherwise (and fails {@code internal}, with the message in the server log). Passes once
     * per handler; a failed check is repeated by the next call or command.
     *
     * @return this handler
     * @throws SessionFeedException naming the table and the column when the sessions table does not fit, and naming
     *                              the commands table with the SQL that creates it ({@link #createTableSql(SessionKey)})
     *                              when it is missing or lacks a column, or when the database cannot be reached
     */
    public JdbcCommandHandler verify() {
        CatalogCheck.onOwnConnection(dataSource, table.qualifiedTable() + " and " + commandsTable, this::keys);
        return this;
    }

    /**
     * Creates the commands table if it does not exist ({@link #createTableSql(SessionKey)} with the sessions table's
     * key type, read from the catalog unless configured), then {@linkplain #verify() checks} both tables. Idempotent:
     * safe on every start, for applications without a migration tool.
     *
     * @return this handler
     * @throws SessionFeedException naming the tables when the sessions table does not fit, the statement fails or the
     *                              database cannot be reached
     */
    public JdbcCommandHandler installTable() {
        try (Connection c = dataSource.getConnection()) {
            SessionKey key = table.keyType();
            if (key == null) {
                key = sessionKey(c);
            }
            try (java.sql.Statement st = c.createStatement()) {
                st.execute(createTableSql(key));
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
            keys(c);
            return this;
        } catch (SQLException e) {
            throw new SessionFeedException("cannot create the commands table " + commandsTable + ": " + e.getMessage(), e);
        }
    }

    /**
     * The SQL that creates the commands table ({@code CREATE TABLE IF NOT EXISTS}, idempotent) with a
     * {@code session_id} of the key's type: what {@link #installTable()} runs and what a migration should hold.
     *
     * @param key the sessions table's key type
     * @return one statement, without a trailing semicolon
     */
    public String createTableSql(SessionKey key) {
        Objects.requireNonNull(key, "key");
        return "CREATE TABLE IF NOT EXISTS " + commandsTable + " (\n"
                + "    command_id  text        PRIMARY KEY,\n"
                + "    action      text        NOT NULL,\n"
                + "    session_id  " + String.format(java.util.Locale.ROOT, "%-11s", key.sqlType()) + " NOT NULL,\n"
                + "    actor       text        NOT NULL,\n"
                + "    outcome     text        NOT NULL,\n"
                + "    executed_at timestamptz NOT NULL DEFAULT now()\n"
                + ")";
    }

    /** The sessions table's key type from its id column (no other check). */
    private SessionKey sessionKey(Connection c) throws SQLException {
        Map<String, String> base = CatalogCheck.requireTable(c, table);
        String type = base.get(table.column(Column.ID));
        if (type == null) {
            throw CatalogCheck.missing(table.qualifiedTable(), table.column(Column.ID), Column.ID, base);
        }
        try {
            return SessionKey.forSqlType(type);
        } catch (IllegalArgumentException e) {
            throw CatalogCheck.mismatch("column \"" + table.column(Column.ID) + "\" of " + table.qualifiedTable() + " is " + type
                    + ": SessionFeed supports session keys of type text, varchar, char, uuid, bigint, integer and smallint");
        }
    }

    /** {sessions key, commands.session_id key}, checking both tables once. */
    private SessionKey[] keys(Connection c) throws SQLException {
        SessionKey[] k = keys.get();
        if (k == null) {
            k = check(c);
            keys.compareAndSet(null, k);
        }
        return k;
    }

    private SessionKey[] check(Connection c) throws SQLException {
        Map<String, String> base = CatalogCheck.requireTable(c, table);
        SessionKey key = sessionKey(c);
        if (table.keyType() != null && table.keyType() != key) {
            throw CatalogCheck.mismatch("column \"" + table.column(Column.ID) + "\" of " + table.qualifiedTable() + " is "
                    + base.get(table.column(Column.ID)) + " but SessionTable.keyType is " + table.keyType().sqlType());
        }
        for (Column col : List.of(Column.STATUS, Column.ENDED_AT, Column.UPDATED_AT)) {
            String name = table.column(col);
            if (name != null && !base.containsKey(name)) {
                throw CatalogCheck.missing(table.qualifiedTable() + " (the table commands update)", name, col, base);
            }
        }
        if (archivedAtColumn != null && !base.containsKey(archivedAtColumn)) {
            throw CatalogCheck.mismatch(table.qualifiedTable() + " has no column \"" + archivedAtColumn + "\" (JdbcCommandHandler's"
                    + " archivedAtColumn; set it to null when the table has none); its columns: " + base.keySet());
        }
        String create = createTableSql(key);
        Map<String, String> commands = CatalogCheck.columns(c, commandsTable);
        if (commands == null) {
            throw CatalogCheck.mismatch("the commands table " + commandsTable + " does not exist; create it (JdbcCommandHandler."
                    + "installTable() does, or add it to a migration) with:\n" + create + ";");
        }
        for (String col : List.of("command_id", "action", "session_id", "actor", "outcome", "executed_at")) {
            if (!commands.containsKey(col)) {
                throw CatalogCheck.mismatch("the commands table " + commandsTable + " has no column \"" + col + "\"; its columns: "
                        + commands.keySet() + ". It should be:\n" + create + ";");
            }
        }
        SessionKey stored;
        try {
            stored = SessionKey.forSqlType(commands.get("session_id"));
        } catch (IllegalArgumentException e) {
            stored = null;
        }
        if (stored == null || stored != key && stored != SessionKey.text()) {
            throw CatalogCheck.mismatch("column \"session_id\" of the commands table " + commandsTable + " is "
                    + commands.get("session_id") + " but the sessions' key " + table.qualifiedTable() + "." + table.column(Column.ID)
                    + " is " + base.get(table.column(Column.ID)) + ": it must be " + key.sqlType() + " (or text). It should be:\n"
                    + create + ";");
        }
        return new SessionKey[] {key, stored};
    }

    private CommandResult replay(Connection c, SessionCommand cmd) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectCommandSql)) {
            ps.setString(1, cmd.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("command id " + cmd.id() + " conflicted but its row is gone");
                }
                if (!cmd.action().equals(rs.getString(1)) || !cmd.sessionId().equals(rs.getString(2))) {
                    // Both sides canonical: the command's id was canonicalized, the stored one is the column's text.
                    throw new CommandException(CommandFailure.INVALID, "command id " + cmd.id()
                            + " was already used for another command");
                }
                return new CommandResult(rs.getString(3), cmd.sessionId(), true);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcCommandHandler{" + table.qualifiedTable() + ", commands=" + commandsTable + ", lockTimeout="
                + lockTimeout.toMillis() + "ms, statementTimeout=" + statementTimeout.toMillis() + "ms, maxCommandsPerSession="
                + inFlight.max + '}';
    }

    /**
     * Counts the commands running per session and refuses one beyond the cap. Thread-safe: every change is one
     * atomic {@link ConcurrentHashMap#compute} on the session's entry; an entry exists only while a command on that
     * session runs, so the map holds at most as many entries as there are callers in {@code handle}.
     */
    private static final class InFlight {
        private final int max;
        private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();

        InFlight(int max) {
            this.max = max;
        }

        /** Counts a command in, unless its session is at the cap. */
        boolean tryEnter(String sessionId) {
            boolean[] entered = {false};
            running.compute(sessionId, (id, n) -> {
                int count = n == null ? 0 : n;
                if (count >= max) {
                    return n;
                }
                entered[0] = true;
                return count + 1;
            });
            return entered[0];
        }

        /** Counts a command out (only after {@link #tryEnter} returned true). */
        void exit(String sessionId) {
            running.computeIfPresent(sessionId, (id, n) -> n <= 1 ? null : n - 1);
        }
    }

    /**
     * Builds a {@link JdbcCommandHandler}. Not thread-safe; every setter validates its value and names the
     * property and value when it rejects it.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private SessionTable table = SessionTable.defaults();
        private String archivedAtColumn = "archived_at";
        private String commandsSchema;
        private String commandsTable = "sessionfeed_commands";
        private String endedStatus = "ended";
        private String archivedStatus = "archived";
        private Set<String> archivableStatuses;
        private Duration lockTimeout = Duration.ofSeconds(2);
        private Duration statementTimeout = Duration.ofSeconds(5);
        private int maxCommandsPerSession = 1;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * The sessions table mapping. Default {@link SessionTable#defaults()}.
         *
         * @param table the mapping
         * @return this builder
         */
        public Builder table(SessionTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * The column set to {@code now()} when a session is archived, or null when the table has none. Default
         * {@code archived_at}.
         *
         * @param column a valid identifier, or null
         * @return this builder
         */
        public Builder archivedAtColumn(String column) {
            this.archivedAtColumn = column == null ? null : SqlIdentifiers.validate("archivedAtColumn", column);
            return this;
        }

        /**
         * The table that records executed commands (columns {@code command_id} (unique), {@code action},
         * {@code session_id}, {@code actor}, {@code outcome}, {@code executed_at}, as in the shipped schema).
         * Default {@code sessionfeed_commands} on the search path.
         *
         * @param schema a valid identifier, or null for the search path
         * @param table  a valid identifier
         * @return this builder
         */
        public Builder commandsTable(String schema, String table) {
            String s = schema == null ? null : SqlIdentifiers.validate("commandsSchema", schema);
            this.commandsTable = SqlIdentifiers.validate("commandsTable", table);
            this.commandsSchema = s;
            return this;
        }

        /**
         * The status {@code end_session} sets. Default {@code ended}.
         *
         * @param status not blank, at most 64 characters
         * @return this builder
         */
        public Builder endedStatus(String status) {
            this.endedStatus = status("endedStatus", status);
            return this;
        }

        /**
         * The status {@code archive_session} sets. Default {@code archived}; it should be one of the table's
         * {@linkplain SessionTable#hiddenStatuses() hidden statuses}.
         *
         * @param status not blank, at most 64 characters
         * @return this builder
         */
        public Builder archivedStatus(String status) {
            this.archivedStatus = status("archivedStatus", status);
            return this;
        }

        /**
         * The statuses {@code archive_session} accepts: a chat with any other status (other than the archived status
         * itself, answered {@code already_archived}) is refused with {@link CommandFailure#INVALID}. Default: only the
         * {@link #endedStatus(String) endedStatus}. Give more when the table has several end states (for example
         * {@code ended}, {@code missed}, {@code abandoned}).
         *
         * @param statuses not empty; each not blank, at most 64 characters, not the archived status
         * @return this builder
         */
        public Builder archivableStatuses(Set<String> statuses) {
            Objects.requireNonNull(statuses, "archivableStatuses");
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("archivableStatuses must not be empty");
            }
            for (String s : statuses) {
                status("archivableStatuses element", s);
            }
            this.archivableStatuses = Set.copyOf(statuses);
            return this;
        }

        /**
         * How long a command waits for a lock (its session row, or the commands table row of a concurrent command with
         * the same id) before it gives up with {@link CommandFailure#BUSY}: PostgreSQL's {@code lock_timeout}, set for
         * the command's transaction only. Default 2 s; between 10 ms and 5 min.
         *
         * @param timeout the wait
         * @return this builder
         */
        public Builder lockTimeout(Duration timeout) {
            this.lockTimeout = Checks.durationBetween("lockTimeout", timeout, Duration.ofMillis(10), Duration.ofMinutes(5));
            return this;
        }

        /**
         * How long one statement of a command may run (a lock wait included) before PostgreSQL cancels it and the
         * command gives up with {@link CommandFailure#BUSY}: {@code statement_timeout}, set for the command's
         * transaction only. A command runs up to five short statements. Default 5 s; between 10 ms and 10 min. Keep it
         * above {@code lockTimeout} so that a lock wait ends as a lock timeout.
         *
         * @param timeout the limit per statement
         * @return this builder
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = Checks.durationBetween("statementTimeout", timeout, Duration.ofMillis(10),
                    Duration.ofMinutes(10));
            return this;
        }

        /**
         * How many commands on one session may run at once in this handler; a further one is refused at once with
         * {@link CommandFailure#BUSY}, so commands piling up on one hot session cannot occupy every thread that calls
         * the handler. Default 1 (commands on one session are serialized by its row lock anyway); between 1 and 64.
         *
         * @param max the cap per session
         * @return this builder
         */
        public Builder maxCommandsPerSession(int max) {
            this.maxCommandsPerSession = Checks.intBetween("maxCommandsPerSession", max, 1, 64);
            return this;
        }

        private static String status(String property, String value) {
            Checks.notBlank(property, value);
            if (value.length() > 64) {
                throw new IllegalArgumentException(property + " must be at most 64 characters, was: '"
                        + value.substring(0, 64) + "...' (" + value.length() + " characters)");
            }
            return value;
        }

        /**
         * Creates the handler.
         *
         * @return an immutable, thread-safe handler
         * @throws IllegalArgumentException when {@code endedStatus} equals {@code archivedStatus}, or
         *                                  {@code archivableStatuses} contains {@code archivedStatus}
         */
        public JdbcCommandHandler build() {
            if (endedStatus.equals(archivedStatus)) {
                throw new IllegalArgumentException("endedStatus and archivedStatus must differ, both were: '" + endedStatus + "'");
            }
            if (archivableStatuses != null && archivableStatuses.contains(archivedStatus)) {
                throw new IllegalArgumentException("archivableStatuses must not contain archivedStatus '" + archivedStatus
                        + "', was: " + archivableStatuses);
            }
            if (table.column(Column.STATUS) == null) {
                throw new IllegalArgumentException("the status must be a column for commands to write it, but SessionTable maps it to"
                        + " the expression '" + SessionColumns.sample(table.expression(Column.STATUS)) + "'");
            }
            Map<String, Integer> codes = table.statusCodes();
            if (codes != null) {
                for (String s : List.of(endedStatus, archivedStatus)) {
                    if (!codes.containsKey(s)) {
                        throw new IllegalArgumentException("SessionTable.statusCodes must have a code for every status commands write,"
                                + " but has none for '" + s + "' (endedStatus / archivedStatus); codes: " + codes);
                    }
                }
            }
            return new JdbcCommandHandler(this);
        }
    }
}
