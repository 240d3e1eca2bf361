package dev.sessionfeed.pg;

import dev.sessionfeed.SessionFeedException;
import dev.sessionfeed.internal.SqlIdentifiers;
import dev.sessionfeed.jdbc.SessionTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, checks and removes the publication that {@link PgLogicalChangeSource} streams: a
 * {@code CREATE PUBLICATION ... FOR TABLE <sessions table>} publishing inserts, updates, deletes and truncates. No
 * trigger, no function: committing writers pay nothing beyond the WAL they write anyway (with {@code wal_level =
 * logical}, a little more of it).
 *
 * <p>The table must have a usable <em>replica identity</em> — its primary key on the id column (the shipped schema's
 * {@code session_id text PRIMARY KEY}), a {@code REPLICA IDENTITY USING INDEX} on a unique index containing it, or
 * {@code REPLICA IDENTITY FULL}: PostgreSQL refuses {@code UPDATE} and {@code DELETE} on a published table without
 * one ("cannot update table ... because it does not have a replica identity and publishes updates"), so publishing
 * it would break the host's own writes. {@link #install} refuses such a table, naming the fix.
 *
 * <p>The SQL for the default names ships for migration tools: {@value #RESOURCE_INSTALL} and
 * {@value #RESOURCE_UNINSTALL} (a test asserts they equal {@link #installScript()} / {@link #uninstallScript()}).
 * Creating a publication needs the {@code CREATE} privilege on the database and ownership of the table.
 *
 * <p>Immutable and thread-safe.
 */
public final class PgPublicationInstaller {

    /** Resource path of the install script with the default names. */
    public static final String RESOURCE_INSTALL = "sessionfeed/pg/publication.sql";
    /** Resource path of the uninstall script with the default names. */
    public static final String RESOURCE_UNINSTALL = "sessionfeed/pg/publication-uninstall.sql";
    /** The default publication name. */
    public static final String DEFAULT_PUBLICATION = "sessionfeed_sessions";

    private static final Logger LOG = LoggerFactory.getLogger(PgPublicationInstaller.class);

    /** What {@link #check} found; every state but {@link #CURRENT} keeps the logical source on its fallback. */
    public enum State {
        /** The publication exists, publishes the table with all four operations, and the table's replica identity works. */
        CURRENT,
        /** The sessions table does not exist. */
        TABLE_MISSING,
        /** No publication of that name. */
        PUBLICATION_MISSING,
        /** The publication exists but does not contain the table. */
        TABLE_NOT_PUBLISHED,
        /** The publication leaves out inserts, updates, deletes or truncates. */
        OPERATIONS_MISSING,
        /** The table's replica identity does not carry the id column ({@code REPLICA IDENTITY NOTHING}, or no primary key). */
        REPLICA_IDENTITY_UNUSABLE
    }

    private final SessionTable table;
    private final String publication;

    private PgPublicationInstaller(Builder b) {
        this.table = b.table;
        this.publication = b.publication;
    }

    /**
     * The installer for the default table and publication name.
     *
     * @return the installer
     */
    public static PgPublicationInstaller defaults() {
        return builder().build();
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults documented on its setters
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The publication's name.
     *
     * @return the name (unquoted)
     */
    public String publication() {
        return publication;
    }

    /**
     * The table mapping whose table is published.
     *
     * @return the mapping
     */
    public SessionTable table() {
        return table;
    }

    /**
     * The SQL that creates the publication, or adds the table to an existing publication of that name. Idempotent;
     * no transaction control (migration tools wrap it in their own).
     *
     * @return the script
     */
    public String installScript() {
        String pub = SqlIdentifiers.quote(publication);
        String lit = "'" + publication.replace("'", "''") + "'";
        String tab = table.qualifiedTable();
        return "-- SessionFeed publication for PgLogicalChangeSource (logical replication, no trigger).\n"
                + "-- Needs wal_level = logical on the server, and a replica identity on the table (its primary key).\n"
                + "DO $sessionfeed$\nBEGIN\n"
                + "  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = " + lit + ") THEN\n"
                + "    CREATE PUBLICATION " + pub + " FOR TABLE " + tab
                + " WITH (publish = 'insert, update, delete, truncate');\n"
                + "  ELSIF NOT EXISTS (SELECT 1 FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid\n"
                + "                     WHERE p.pubname = " + lit + " AND r.prrelid = '" + tab.replace("'", "''") + "'::regclass) THEN\n"
                + "    ALTER PUBLICATION " + pub + " ADD TABLE " + tab + ";\n"
                + "  END IF;\nEND\n$sessionfeed$;\n";
    }

    /**
     * The SQL that drops the publication. Idempotent. A temporary slot of a running source ends its stream with an
     * error then, and the source stays on its polling fallback until the publication is back.
     *
     * @return the script
     */
    public String uninstallScript() {
        return "DROP PUBLICATION IF EXISTS " + SqlIdentifiers.quote(publication) + ";\n";
    }

    /**
     * Creates the publication (or adds the table to it) on a connection from {@code dataSource}.
     *
     * @param dataSource where to connect
     * @throws SessionFeedException when the table's replica identity cannot carry the id (the message names the
     *                              fix), or a statement fails
     */
    public void install(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            install(c);
        } catch (SQLException e) {
            throw new SessionFeedException("cannot connect to install the SessionFeed publication " + publication + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the publication (or adds the table to it) on {@code connection}.
     *
     * @param connection an open connection
     * @throws SessionFeedException when the table is missing or its replica identity cannot carry the id (the
     *                              message names the fix), or a statement fails
     */
    public void install(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        State before = check(connection);
        if (before == State.TABLE_MISSING || before == State.REPLICA_IDENTITY_UNUSABLE) {
            throw new SessionFeedException(describe(before) + "; the publication was not created");
        }
        try (Statement st = connection.createStatement()) {
            st.execute(installScript());
        } catch (SQLException e) {
            throw new SessionFeedException("installing the SessionFeed publication " + publication + " on " + table.qualifiedTable()
                    + " failed: " + e.getMessage(), e);
        }
        LOG.info("installed SessionFeed publication {} on {}", publication, table.qualifiedTable());
    }

    /**
     * Drops the publication. Idempotent.
     *
     * @param dataSource where to connect
     * @throws SessionFeedException when the statement fails
     */
    public void uninstall(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(uninstallScript());
        } catch (SQLException e) {
            throw new SessionFeedException("dropping the SessionFeed publication " + publication + " failed: " + e.getMessage(), e);
        }
        LOG.info("dropped SessionFeed publication {}", publication);
    }

    /**
     * Tells whether the publication and the table are ready for the logical source (three catalog lookups in one
     * statement).
     *
     * @param connection an open connection
     * @return the state
     * @throws SessionFeedException when the catalog cannot be read
     */
    public State check(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        String sql = "SELECT c.oid IS NOT NULL,"
                + " c.relreplident = 'f' OR EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                + "   AND a.attnum = ANY (i.indkey) WHERE i.indrelid = c.oid AND a.attname = ?"
                + "   AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident))),"
                + " p.oid IS NOT NULL, coalesce(p.pubinsert AND p.pubupdate AND p.pubdelete AND p.pubtruncate, false),"
                + " EXISTS (SELECT 1 FROM pg_publication_tables t WHERE t.pubname = ? AND t.schemaname = n.nspname"
                + "   AND t.tablename = c.relname)"
                + " FROM (SELECT) AS one LEFT JOIN pg_class c ON c.oid = to_regclass(?)"
                + " LEFT JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_publication p ON p.pubname = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.column(SessionTable.Column.ID));
            ps.setString(2, publication);
            ps.setString(3, table.qualifiedTable());
            ps.setString(4, publication);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return State.TABLE_MISSING;
                }
                if (!rs.getBoolean(2)) {
                    return State.REPLICA_IDENTITY_UNUSABLE;
                }
                if (!rs.getBoolean(3)) {
                    return State.PUBLICATION_MISSING;
                }
                if (!rs.getBoolean(5)) {
                    return State.TABLE_NOT_PUBLISHED;
                }
                return rs.getBoolean(4) ? State.CURRENT : State.OPERATIONS_MISSING;
            }
        } catch (SQLException e) {
            throw new SessionFeedException("cannot check the SessionFeed publication " + publication + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a state means and how to fix it, for the server log.
     *
     * @param state the state
     * @return one sentence naming the table or publication and the fix
     */
    public String describe(State state) {
        Objects.requireNonNull(state, "state");
        String t = table.qualifiedTable();
        String p = SqlIdentifiers.quote(publication);
        switch (state) {
            case CURRENT:
                return "publication " + p + " publishes " + t;
            case TABLE_MISSING:
                return "the sessions table " + t + " does not exist";
            case PUBLICATION_MISSING:
                return "publication " + p + " does not exist: run PgPublicationInstaller.install() or ship " + RESOURCE_INSTALL
                        + " in a migration";
            case TABLE_NOT_PUBLISHED:
                return "publication " + p + " does not contain " + t + ": ALTER PUBLICATION " + p + " ADD TABLE " + t;
            case OPERATIONS_MISSING:
                return "publication " + p + " does not publish all of insert, update, delete and truncate: ALTER PUBLICATION " + p
                        + " SET (publish = 'insert, update, delete, truncate')";
            case REPLICA_IDENTITY_UNUSABLE:
                return "the replica identity of " + t + " does not carry the id column "
                        + SqlIdentifiers.quote(table.column(SessionTable.Column.ID))
                        + " (REPLICA IDENTITY NOTHING, or no primary key): a published table without one refuses UPDATE and DELETE. "
                        + "Make the id the primary key, or ALTER TABLE " + t + " REPLICA IDENTITY FULL";
            default:
                throw new IllegalArgumentException("state " + state);
        }
    }

    @Override
    public String toString() {
        return "PgPublicationInstaller{" + publication + " on " + table.qualifiedTable() + '}';
    }

    /** Builds a {@link PgPublicationInstaller}. Not thread-safe; setters validate and name the property and value. */
    public static final class Builder {
        private SessionTable table = SessionTable.defaults();
        private String publication = DEFAULT_PUBLICATION;

        private Builder() {
        }

        /**
         * The table mapping. Default {@link SessionTable#defaults()}.
         *
         * @param table the mapping
         * @return this builder
         */
        public Builder table(SessionTable table) {
            this.table = Objects.requireNonNull(table, "table");
            return this;
        }

        /**
         * The publication name: an identifier ({@code [A-Za-z_][A-Za-z0-9_$]{0,62}}), always quoted. Default
         * {@value PgPublicationInstaller#DEFAULT_PUBLICATION}.
         *
         * @param name the name
         * @return this builder
         */
        public Builder publication(String name) {
            this.publication = SqlIdentifiers.validate("publication", name);
            return this;
        }

        /**
         * Creates the installer.
         *
         * @return an immutable installer
         */
        public PgPublicationInstaller build() {
            return new PgPublicationInstaller(this);
        }
    }
}
