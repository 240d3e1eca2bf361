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
import java.util.Objects;
import java.util.Set;
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
 * <p>Idempotency: each command runs in one {@code READ COMMITTED} transaction that first inserts its id into the
 * commands table ({@code sessionfeed_commands} of the shipped schema, primary key {@code command_id}) with
 * {@code ON CONFLICT DO NOTHING}, locks the session row, changes it and stores the outcome. A command whose id is
 * already recorded is not applied again: the stored outcome is returned with {@code replayed = true}. Concurrent
 * commands with the same id are serialized by the primary key (the second insert waits for the first
 * transaction, then sees its row). Reusing an id for a different action or session is rejected with
 * {@link CommandFailure#INVALID}.
 *
 * <p>Thread-safe: immutable; each call borrows its own connection.
 */
public final class JdbcCommandHandler implements CommandHandler {

    /** The action that ends a session. */
    public static final String END_SESSION = "end_session";
    /** The action that archives a session. */
    public static final String ARCHIVE_SESSION = "archive_session";

    private static final Set<String> ACTIONS = Set.of(END_SESSION, ARCHIVE_SESSION);

    private final DataSource dataSource;
    private final SessionTable table;
    private final String endedStatus;
    private final String archivedStatus;
    private final Set<String> archivableStatuses;
    private final String commandsTable;
    private final String insertCommandSql;
    private final String selectCommandSql;
    private final String updateCommandSql;
    private final String lockSessionSql;
    private final String endSql;
    private final String archiveSql;

    private JdbcCommandHandler(Builder b) {
        this.dataSource = b.dataSource;
        this.table = b.table;
        this.endedStatus = b.endedStatus;
        this.archivedStatus = b.archivedStatus;
        this.archivableStatuses = b.archivableStatuses != null ? b.archivableStatuses : Set.of(b.endedStatus);
        this.commandsTable = b.commandsSchema == null ? SqlIdentifiers.quote(b.commandsTable)
                : SqlIdentifiers.quote(b.commandsSchema) + "." + SqlIdentifiers.quote(b.commandsTable);
        String t = table.qualifiedTable();
        String id = table.quoted(Column.ID);
        String status = table.quoted(Column.STATUS);
        String ended = table.quoted(Column.ENDED_AT);
        String updated = table.quoted(Column.UPDATED_AT);
        this.insertCommandSql = "INSERT INTO " + commandsTable + " (command_id, action, session_id, actor, outcome)"
                + " VALUES (?, ?, ?, ?, 'pending') ON CONFLICT (command_id) DO NOTHING";
        this.selectCommandSql = "SELECT action, session_id, outcome FROM " + commandsTable + " WHERE command_id = ?";
        this.updateCommandSql = "UPDATE " + commandsTable + " SET outcome = ?, executed_at = now() WHERE command_id = ?";
        this.lockSessionSql = "SELECT " + status + " FROM " + t + " WHERE " + id + " = ? FOR UPDATE";
        this.endSql = "UPDATE " + t + " SET " + status + " = ?, " + ended + " = coalesce(" + ended + ", now()), "
                + updated + " = now() WHERE " + id + " = ?";
        this.archiveSql = "UPDATE " + t + " SET " + status + " = ?, "
                + (b.archivedAtColumn == null ? "" : SqlIdentifiers.quote(b.archivedAtColumn) + " = now(), ")
                + updated + " = now() WHERE " + id + " = ?";
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
     *                              {@code archive_session} of a session that has not ended
     * @throws SessionFeedException when the database fails, with the command id, action, session and table
     */
    @Override
    public CommandResult handle(SessionCommand command, String actor) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(actor, "actor");
        if (!ACTIONS.contains(command.action())) {
            throw new CommandException(CommandFailure.INVALID, "unknown action: " + command.action());
        }
        try (Connection c = dataSource.getConnection()) {
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
            throw new SessionFeedException("command " + command.id() + " (" + command.action() + " of session '"
                    + command.sessionId() + "') failed on " + table.qualifiedTable() + " / " + commandsTable + ": "
                    + e.getMessage(), e);
        }
    }

    private CommandResult handleInTransaction(Connection c, SessionCommand cmd, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertCommandSql)) {
            ps.setString(1, cmd.id());
            ps.setString(2, cmd.action());
            ps.setString(3, cmd.sessionId());
            ps.setString(4, actor);
            if (ps.executeUpdate() == 0) {
                return replay(c, cmd);
            }
        }
        String status;
        try (PreparedStatement ps = c.prepareStatement(lockSessionSql)) {
            ps.setString(1, cmd.sessionId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new CommandException(CommandFailure.NOT_FOUND, "session not found: " + cmd.sessionId());
                }
                status = rs.getString(1);
            }
        }
        String outcome;
        if (cmd.action().equals(END_SESSION)) {
            outcome = endedStatus.equals(status) || archivedStatus.equals(status) ? "already_ended" : "ended";
            if (outcome.equals("ended")) {
                update(c, endSql, endedStatus, cmd.sessionId());
            }
        } else if (archivedStatus.equals(status)) {
            outcome = "already_archived";
        } else if (archivableStatuses.contains(status)) {
            outcome = "archived";
            update(c, archiveSql, archivedStatus, cmd.sessionId());
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
        return new CommandResult(outcome, cmd.sessionId(), false);
    }

    private static void update(Connection c, String sql, String status, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    private CommandResult replay(Connection c, SessionCommand cmd) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectCommandSql)) {
            ps.setString(1, cmd.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("command id " + cmd.id() + " conflicted but its row is gone");
                }
                if (!cmd.action().equals(rs.getString(1)) || !cmd.sessionId().equals(rs.getString(2))) {
                    throw new CommandException(CommandFailure.INVALID, "command id " + cmd.id()
                            + " was already used for another command");
                }
                return new CommandResult(rs.getString(3), cmd.sessionId(), true);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcCommandHandler{" + table.qualifiedTable() + ", commands=" + commandsTable + '}';
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
            return new JdbcCommandHandler(this);
        }
    }
}
