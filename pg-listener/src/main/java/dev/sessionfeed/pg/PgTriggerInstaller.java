package dev.sessionfeed.pg;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.jdbc.SessionTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, checks and removes the trigger that makes PostgreSQL announce changes of the sessions table with
 * {@code pg_notify}, for {@link PgNotifyChangeSource} to hear.
 *
 * <p>Two {@linkplain Mode modes}:
 * <ul>
 *   <li>{@link Mode#ROW} (default): an {@code AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW} trigger sending
 *       {@code {"action":"UPDATE","session_id":"..."}} per row: the id only, no other row value (anyone allowed to
 *       LISTEN on the channel can read payloads).</li>
 *   <li>{@link Mode#STATEMENT}: {@code FOR EACH STATEMENT} triggers with transition tables sending one
 *       {@code {"action":"UPDATE","ids":["...",...]}} per statement, or {@code {"action":"RESYNC"}} when the ids
 *       would not fit in NOTIFY's 8000-byte payload limit (more than 2000 ids or 7900 bytes).</li>
 * </ul>
 * In both modes an id longer than 256 characters (the listener's, the commands' and the client's limit) is sent as
 * {@code {"action":"RESYNC"}} instead: it can never make NOTIFY, and so the host's write, fail.
 * Both also install an {@code AFTER TRUNCATE} trigger sending {@code {"action":"TRUNCATE"}}. Optionally
 * ({@link Builder#touchUpdatedAt(boolean)}, off by default) a {@code BEFORE UPDATE} trigger keeps
 * {@code updated_at} current. The SQL for the default names ships as plain files for migration tools:
 * {@code sessionfeed/pg/trigger-row.sql}, {@code trigger-statement.sql}, {@code touch-updated-at.sql} and
 * {@code uninstall.sql} (see {@link #RESOURCE_ROW}).
 *
 * <p>{@link #install} is idempotent and atomic (one transaction): it replaces the function, drops every trigger
 * of either mode and creates the configured ones, and marks the function with a comment holding the version and
 * a hash of the SQL, which {@link #check} compares. Identifiers come from a validated {@link SessionTable} and
 * are always quoted; the channel is validated like an identifier.
 *
 * <p>Immutable and thread-safe.
 */
public final class PgTriggerInstaller {

    /** Resource path of the row-level install script with the default names. */
    public static final String RESOURCE_ROW = "sessionfeed/pg/trigger-row.sql";
    /** Resource path of the statement-level install script with the default names. */
    public static final String RESOURCE_STATEMENT = "sessionfeed/pg/trigger-statement.sql";
    /** Resource path of the optional {@code updated_at} trigger script with the default names. */
    public static final String RESOURCE_TOUCH = "sessionfeed/pg/touch-updated-at.sql";
    /** Resource path of the uninstall script with the default names. */
    public static final String RESOURCE_UNINSTALL = "sessionfeed/pg/uninstall.sql";
    /**
     * Resource path of the row-level install script with the default names as a versioned migration (Flyway location
     * {@code classpath:sessionfeed/migration/postgresql}, version 3 after core's sessions and commands tables; the same
     * text as {@link #RESOURCE_ROW}). See docs/schema.md.
     */
    public static final String MIGRATION_TRIGGER = "sessionfeed/migration/postgresql/V3__sessionfeed_notify_trigger.sql";
    /** The default channel, as in the original plan. */
    public static final String DEFAULT_CHANNEL = "chat_session_change";

    private static final Logger LOG = LoggerFactory.getLogger(PgTriggerInstaller.class);

    /** Which trigger variant to install. */
    public enum Mode {
        /**
         * One notification per changed row. Lowest latency and simplest; best when transactions change a few
         * rows (the usual chat application). A bulk statement sends one notification per row.
         */
        ROW,
        /**
         * One notification per statement listing the changed ids (transition tables), or a resync notice when
         * they do not fit. Best when statements change many rows at once (bulk archiving, imports).
         */
        STATEMENT
    }

    /** What {@link #check} found. */
    public enum InstallState {
        /** Neither the function nor any of the triggers exist. */
        ABSENT,
        /** The function and exactly the triggers of this configuration exist, with this version's marker. */
        CURRENT,
        /** Something is installed but differs (other version, mode, channel or columns, or triggers missing). */
        OUTDATED
    }

    private final SessionTable table;
    private final String channel;
    private final Mode mode;
    private final boolean touchUpdatedAt;
    private final TriggerSql sql;

    private PgTriggerInstaller(Builder b) {
        this.table = b.table;
        this.channel = b.channel;
        this.mode = b.mode;
        this.touchUpdatedAt = b.touchUpdatedAt;
        String notifyFn = b.functionName != null ? b.functionName : TriggerSql.defaultFunctionName("sessionfeed_notify_", table.table());
        String touchFn = b.touchFunctionName != null ? b.touchFunctionName : TriggerSql.defaultFunctionName("sessionfeed_touch_", table.table());
        if (notifyFn == null || touchFn == null) {
            throw new IllegalArgumentException("functionName and touchFunctionName must be set when the table name is longer than "
                    + "45 characters (the default names would exceed 63), table was: '" + table.table() + "'");
        }
        this.sql = new TriggerSql(table, channel, mode == Mode.STATEMENT, notifyFn, touchFn);
    }

    /**
     * An installer for the default table, channel and mode.
     *
     * @return the installer
     */
    public static PgTriggerInstaller defaults() {
        return builder().build();
    }

    /**
     * Starts an installer configuration from the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The channel the trigger notifies.
     *
     * @return the channel name
     */
    public String channel() {
        return channel;
    }

    /**
     * The mode.
     *
     * @return the mode
     */
    public Mode mode() {
        return mode;
    }

    /**
     * The install script (function, marker comment, triggers, and the {@code updated_at} trigger when
     * enabled), for psql or a migration tool. No transaction control inside.
     *
     * @return the SQL script
     */
    public String installScript() {
        return TriggerSql.script(List.of(
                "SessionFeed NOTIFY trigger (" + mode.name().toLowerCase(java.util.Locale.ROOT) + " level) for " + table.qualifiedTable()
                        + " on channel " + channel + ".",
                "Generated by PgTriggerInstaller; idempotent: safe to run again. Marker: " + sql.marker(),
                "Run it in one transaction (psql --single-transaction; Flyway and Liquibase do this for you)."), installStatements());
    }

    /**
     * The script of the optional BEFORE UPDATE trigger keeping {@code updated_at} current.
     *
     * @return the SQL script
     */
    public String touchScript() {
        return TriggerSql.script(List.of("SessionFeed: keeps " + table.quoted(SessionTable.Column.UPDATED_AT) + " of "
                + table.qualifiedTable() + " current on every UPDATE (optional).", "Idempotent: safe to run again."), sql.touchStatements());
    }

    /**
     * The uninstall script.
     *
     * @return the SQL script removing every trigger and function SessionFeed may have created for the table
     */
    public String uninstallScript() {
        return TriggerSql.script(List.of("SessionFeed: removes the NOTIFY and updated_at triggers and their functions from "
                + table.qualifiedTable() + ".", "Idempotent: safe to run again."), sql.uninstallStatements());
    }

    private List<String> installStatements() {
        List<String> statements = new java.util.ArrayList<>(sql.installStatements());
        if (touchUpdatedAt) {
            statements.addAll(sql.touchStatements());
        }
        return statements;
    }

    /**
     * Installs (or replaces) the function and triggers in one transaction on a connection from
     * {@code dataSource}.
     *
     * @param dataSource where to connect; the user needs the privilege to create triggers on the table
     * @throws SessionFeedException naming the table when a statement fails (nothing is changed then)
     */
    public void install(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            install(c);
        } catch (SQLException e) {
            throw new SessionFeedException("cannot connect to install the SessionFeed trigger on " + table.qualifiedTable() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Installs (or replaces) the function and triggers in one transaction on {@code connection}. The connection's
     * auto-commit setting is restored afterwards.
     *
     * @param connection an open connection
     * @throws SessionFeedException naming the table when a statement fails (the transaction is rolled back)
     */
    public void install(Connection connection) {
        runInTransaction(connection, installStatements(), "install");
        LOG.info("installed SessionFeed {} trigger on {} (channel {}, marker '{}')", mode.name().toLowerCase(java.util.Locale.ROOT),
                table.qualifiedTable(), channel, sql.marker());
    }

    /**
     * Removes every trigger and function SessionFeed may have created for the table (both modes and the
     * {@code updated_at} trigger). Idempotent.
     *
     * @param dataSource where to connect
     * @throws SessionFeedException naming the table when a statement fails
     */
    public void uninstall(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            uninstall(c);
        } catch (SQLException e) {
            throw new SessionFeedException("cannot connect to uninstall the SessionFeed trigger from " + table.qualifiedTable() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes every trigger and function SessionFeed may have created for the table, in one transaction.
     *
     * @param connection an open connection
     * @throws SessionFeedException naming the table when a statement fails
     */
    public void uninstall(Connection connection) {
        runInTransaction(connection, sql.uninstallStatements(), "uninstall");
        LOG.info("removed SessionFeed triggers from {}", table.qualifiedTable());
    }

    /**
     * Tells whether the installed trigger is exactly the one this installer would install.
     *
     * @param dataSource where to connect
     * @return the state
     * @throws SessionFeedException when the catalog cannot be read
     */
    public InstallState check(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            return check(c);
        } catch (SQLException e) {
            throw new SessionFeedException("cannot connect to check the SessionFeed trigger on " + table.qualifiedTable() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Tells whether the installed trigger is exactly the one this installer would install: the function exists
     * with this configuration's marker comment and the table has exactly this mode's triggers (plus the
     * {@code updated_at} trigger when enabled).
     *
     * @param connection an open connection
     * @return the state
     * @throws SessionFeedException when the catalog cannot be read
     */
    public InstallState check(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        try {
            String comment = null;
            boolean functionExists;
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT p.oid IS NOT NULL, obj_description(p.oid, 'pg_proc') FROM (SELECT to_regprocedure(?)::oid AS oid) p")) {
                ps.setString(1, sql.qualifiedNotifyFunction() + "()");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    functionExists = rs.getBoolean(1);
                    comment = rs.getString(2);
                }
            }
            Set<String> triggers = new HashSet<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(?) AND NOT tgisinternal")) {
                ps.setString(1, table.qualifiedTable());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        if (TriggerSql.ALL_TRIGGERS.contains(name)) {
                            triggers.add(name);
                        }
                    }
                }
            }
            if (!functionExists && triggers.isEmpty()) {
                return InstallState.ABSENT;
            }
            Set<String> expected = new HashSet<>(sql.expectedTriggers());
            if (touchUpdatedAt) {
                expected.add(TriggerSql.TOUCH_TRIGGER);
            } else {
                triggers.remove(TriggerSql.TOUCH_TRIGGER);
            }
            boolean current = functionExists && sql.marker().equals(comment) && triggers.equals(expected);
            return current ? InstallState.CURRENT : InstallState.OUTDATED;
        } catch (SQLException e) {
            throw new SessionFeedException("cannot read the catalog to check the SessionFeed trigger on " + table.qualifiedTable()
                    + ": " + e.getMessage(), e);
        }
    }

    private void runInTransaction(Connection connection, List<String> statements, String what) {
        Objects.requireNonNull(connection, "connection");
        try {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                for (String s : statements) {
                    st.execute(s);
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new SessionFeedException(what + " of the SessionFeed trigger on " + table.qualifiedTable() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "PgTriggerInstaller{" + table.qualifiedTable() + ", channel=" + channel + ", mode=" + mode + ", touchUpdatedAt=" + touchUpdatedAt + '}';
    }

    /** Builds a {@link PgTriggerInstaller}. Every setter validates and names the property and value. Not thread-safe. */
    public static final class Builder {
        private SessionTable table = SessionTable.defaults();
        private String channel = DEFAULT_CHANNEL;
        private Mode mode = Mode.ROW;
        private boolean touchUpdatedAt;
        private String functionName;
        private String touchFunctionName;

        private Builder() {
        }

        /**
         * The table and its column mapping (the trigger reads the id and status columns). Default
         * {@link SessionTable#defaults()}. Use the same mapping as the feed.
         *
         * @param table the mapping
         * @return this builder
         */
        public Builder table(SessionTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * The NOTIFY channel. Default {@value PgTriggerInstaller#DEFAULT_CHANNEL}; must equal the source's
         * channel.
         *
         * @param channel 1-63 characters of {@code [A-Za-z0-9_$]}, not starting with a digit or {@code $}
         * @return this builder
         */
        public Builder channel(String channel) {
            this.channel = SqlIdentifiers.validate("channel", channel);
            return this;
        }

        /**
         * Row-level or statement-level triggers. Default {@link Mode#ROW}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Whether to also install a BEFORE UPDATE trigger setting {@code updated_at} to {@code now()} (the
         * transaction's start time). Default false. Turning it off later does not remove an installed one; use
         * {@link PgTriggerInstaller#uninstall} and install again.
         *
         * @param touch true to install it
         * @return this builder
         */
        public Builder touchUpdatedAt(boolean touch) {
            this.touchUpdatedAt = touch;
            return this;
        }

        /**
         * The notify function's name, created in the table's schema. Default {@code sessionfeed_notify_<table>}.
         * Set it when two differently configured tables share a schema and a name.
         *
         * @param name a valid identifier
         * @return this builder
         */
        public Builder functionName(String name) {
            this.functionName = SqlIdentifiers.validate("functionName", name);
            return this;
        }

        /**
         * The {@code updated_at} function's name. Default {@code sessionfeed_touch_<table>}.
         *
         * @param name a valid identifier
         * @return this builder
         */
        public Builder touchFunctionName(String name) {
            this.touchFunctionName = SqlIdentifiers.validate("touchFunctionName", name);
            return this;
        }

        /**
         * Creates the installer.
         *
         * @return the installer
         * @throws IllegalArgumentException when the default function names would be too long for the table name, or
         *                                  {@code touchUpdatedAt} is set while {@code updated_at} is an expression
         */
        public PgTriggerInstaller build() {
            if (touchUpdatedAt && table.column(SessionTable.Column.UPDATED_AT) == null) {
                throw new IllegalArgumentException("touchUpdatedAt needs updated_at to be a column, but SessionTable maps it to the"
                        + " expression '" + table.expression(SessionTable.Column.UPDATED_AT) + "'");
            }
            return new PgTriggerInstaller(this);
        }
    }
}
