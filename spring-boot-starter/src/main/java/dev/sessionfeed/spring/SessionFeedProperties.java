package dev.sessionfeed.spring;

import dev.sessionfeed.jdbc.PollingChangeSource;
import dev.sessionfeed.websocket.AdminIdentity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code sessionfeed.*} properties of the Spring Boot starter. Bound by Spring Boot, then checked when the
 * beans are built: a value the library's builders refuse fails the start with a message that names the property
 * and the value ({@code sessionfeed.websocket.max-connections=0: maxConnections must be ...}). Defaults are the
 * library's; each is listed in {@code docs/spring-boot.md}. Mutable (a JavaBean, as binding needs); read once at
 * start-up; not thread-safe.
 */
@ConfigurationProperties(prefix = "sessionfeed")
public class SessionFeedProperties {

    /** What reports changes: the trigger's NOTIFY on a dedicated connection, or periodic polling. */
    public enum Source {
        /** {@code PgNotifyChangeSource}: LISTEN on a dedicated, unpooled connection, polling while it is down. */
        NOTIFY,
        /** {@code PollingChangeSource}: one cheap query per interval through the application's DataSource. */
        POLLING
    }

    /** Whether to configure SessionFeed at all. */
    private boolean enabled = true;

    /** Browser origins allowed to connect (exact match, for example https://admin.example.com). Empty refuses every browser. */
    private List<String> allowedOrigins = new ArrayList<>();

    /** Whether handshakes without an Origin header (non-browser clients) are accepted; they must still authenticate. */
    private boolean allowMissingOrigin;

    /** The WebSocket endpoint's path in the application. */
    private String path = "/ws/admin/chat";

    /** What reports changes. */
    private Source source = Source.NOTIFY;

    /** Whether to install (or update) the change trigger on start when the source is notify. */
    private boolean installTrigger = true;

    /** Periodic full re-read (time-based scope, metrics); 0 turns it off. */
    private Duration reconcileInterval = Duration.ofSeconds(60);

    /** The sessions table. */
    private final Table table = new Table();

    /** The dedicated LISTEN connection (source notify). */
    private final Listener listener = new Listener();

    /** The polling source (source polling). */
    private final Polling polling = new Polling();

    /** Admin commands (end_session, archive_session) through JdbcCommandHandler. */
    private final Commands commands = new Commands();

    /** The endpoint's limits and timing. */
    private final Websocket websocket = new Websocket();

    /** How Spring Security's authenticated principal becomes an admin. */
    private final Security security = new Security();

    /** @return whether SessionFeed is configured (default true) */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether SessionFeed is configured */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the allowed browser origins (default none: every browser is refused) */
    public List<String> getAllowedOrigins() {
        return allowedOrigins;
    }

    /** @param allowedOrigins the allowed browser origins, exact match */
    public void setAllowedOrigins(List<String> allowedOrigins) {
        this.allowedOrigins = allowedOrigins;
    }

    /** @return whether a handshake without Origin is accepted (default false) */
    public boolean isAllowMissingOrigin() {
        return allowMissingOrigin;
    }

    /** @param allowMissingOrigin whether a handshake without Origin is accepted */
    public void setAllowMissingOrigin(boolean allowMissingOrigin) {
        this.allowMissingOrigin = allowMissingOrigin;
    }

    /** @return the endpoint's path (default {@code /ws/admin/chat}) */
    public String getPath() {
        return path;
    }

    /** @param path the endpoint's path; starts with {@code /} */
    public void setPath(String path) {
        this.path = path;
    }

    /** @return the change source (default {@link Source#NOTIFY}) */
    public Source getSource() {
        return source;
    }

    /** @param source the change source */
    public void setSource(Source source) {
        this.source = source;
    }

    /** @return whether the trigger is installed on start (default true) */
    public boolean isInstallTrigger() {
        return installTrigger;
    }

    /** @param installTrigger whether the trigger is installed on start */
    public void setInstallTrigger(boolean installTrigger) {
        this.installTrigger = installTrigger;
    }

    /** @return the reconcile interval (default 60 s; 0 = off) */
    public Duration getReconcileInterval() {
        return reconcileInterval;
    }

    /** @param reconcileInterval the reconcile interval; 0 turns it off */
    public void setReconcileInterval(Duration reconcileInterval) {
        this.reconcileInterval = reconcileInterval;
    }

    /** @return the table settings */
    public Table getTable() {
        return table;
    }

    /** @return the LISTEN connection settings */
    public Listener getListener() {
        return listener;
    }

    /** @return the polling settings */
    public Polling getPolling() {
        return polling;
    }

    /** @return the command settings */
    public Commands getCommands() {
        return commands;
    }

    /** @return the endpoint settings */
    public Websocket getWebsocket() {
        return websocket;
    }

    /** @return the security settings */
    public Security getSecurity() {
        return security;
    }

    /** {@code sessionfeed.table.*}: where sessions live. */
    public static class Table {

        /** The sessions table's name. */
        private String name = "chat_sessions";

        /** The table's schema; empty uses the search path. */
        private String schema;

        /** Creates the defaults. */
        public Table() {
        }

        /** @return the table name (default {@code chat_sessions}) */
        public String getName() {
            return name;
        }

        /** @param name the table name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return the schema, or null for the search path */
        public String getSchema() {
            return schema;
        }

        /** @param schema the schema, or null for the search path */
        public void setSchema(String schema) {
            this.schema = schema;
        }
    }

    /**
     * {@code sessionfeed.listener.*}: the dedicated LISTEN connection. Unset values come from
     * {@code spring.datasource.url}, {@code .username} and {@code .password}.
     */
    public static class Listener {

        /** JDBC URL of the LISTEN connection (jdbc:postgresql:...); defaults to spring.datasource.url. */
        private String url;

        /** User of the LISTEN connection; defaults to spring.datasource.username. */
        private String username;

        /** Password of the LISTEN connection; defaults to spring.datasource.password. */
        private String password;

        /** Creates the defaults. */
        public Listener() {
        }

        /** @return the JDBC URL, or null for {@code spring.datasource.url} */
        public String getUrl() {
            return url;
        }

        /** @param url the JDBC URL */
        public void setUrl(String url) {
            this.url = url;
        }

        /** @return the user, or null for {@code spring.datasource.username} */
        public String getUsername() {
            return username;
        }

        /** @param username the user */
        public void setUsername(String username) {
            this.username = username;
        }

        /** @return the password, or null for {@code spring.datasource.password} */
        public String getPassword() {
            return password;
        }

        /** @param password the password */
        public void setPassword(String password) {
            this.password = password;
        }
    }

    /** {@code sessionfeed.polling.*}: the polling source. */
    public static class Polling {

        /** How often the polling source checks for changes. */
        private Duration interval = Duration.ofSeconds(1);

        /** How the polling source detects changes (xmin, content, updated-at); unset keeps the library's default. */
        private PollingChangeSource.Detection detection;

        /** Creates the defaults. */
        public Polling() {
        }

        /** @return the poll interval (default 1 s) */
        public Duration getInterval() {
            return interval;
        }

        /** @param interval the poll interval */
        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        /** @return the detection mode, or null for the library's default ({@code XMIN}) */
        public PollingChangeSource.Detection getDetection() {
            return detection;
        }

        /** @param detection the detection mode */
        public void setDetection(PollingChangeSource.Detection detection) {
            this.detection = detection;
        }
    }

    /** {@code sessionfeed.commands.*}: admin commands. */
    public static class Commands {

        /** Whether admins may send commands (end_session, archive_session) carried out by JdbcCommandHandler. */
        private boolean enabled = true;

        /** Creates the defaults. */
        public Commands() {
        }

        /** @return whether commands are enabled (default true) */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether commands are enabled */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** {@code sessionfeed.websocket.*}: the endpoint's limits and timing; unset values keep the library's defaults. */
    public static class Websocket {

        /** Most open connections of the endpoint (library default 1000). */
        private Integer maxConnections;

        /** Most open connections per admin name (library default 100). */
        private Integer maxConnectionsPerAdmin;

        /** Interval of the server's pings (library default 25 s). */
        private Duration heartbeatInterval;

        /** Silent connections are closed after this (library default 60 s). */
        private Duration idleTimeout;

        /** Creates the defaults. */
        public Websocket() {
        }

        /** @return the connection limit, or null for the library's default */
        public Integer getMaxConnections() {
            return maxConnections;
        }

        /** @param maxConnections the connection limit */
        public void setMaxConnections(Integer maxConnections) {
            this.maxConnections = maxConnections;
        }

        /** @return the per-admin connection limit, or null for the library's default */
        public Integer getMaxConnectionsPerAdmin() {
            return maxConnectionsPerAdmin;
        }

        /** @param maxConnectionsPerAdmin the per-admin connection limit */
        public void setMaxConnectionsPerAdmin(Integer maxConnectionsPerAdmin) {
            this.maxConnectionsPerAdmin = maxConnectionsPerAdmin;
        }

        /** @return the heartbeat interval, or null for the library's default */
        public Duration getHeartbeatInterval() {
            return heartbeatInterval;
        }

        /** @param heartbeatInterval the heartbeat interval */
        public void setHeartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = heartbeatInterval;
        }

        /** @return the idle timeout, or null for the library's default */
        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        /** @param idleTimeout the idle timeout */
        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }
    }

    /**
     * {@code sessionfeed.security.*}: with Spring Security, an authenticated principal's roles (authorities
     * without the {@code ROLE_} prefix) map to permissions; a principal holding none of the mapped roles is
     * refused (HTTP 401 before the upgrade).
     */
    public static class Security {

        /**
         * Role to permissions. Default: CHAT_ADMIN gets sessions:end and sessions:archive, CHAT_VIEWER watches
         * read-only. Entries are merged with the defaults; roles are compared ignoring case and every character
         * but letters and digits, so role-permissions.support and role-permissions[SUPPORT] both name ROLE_SUPPORT.
         */
        private Map<String, List<String>> rolePermissions = defaultRoles();

        /** Creates the defaults. */
        public Security() {
        }

        private static Map<String, List<String>> defaultRoles() {
            Map<String, List<String>> roles = new LinkedHashMap<>();
            roles.put("CHAT_ADMIN", new ArrayList<>(List.of(AdminIdentity.END_SESSIONS, AdminIdentity.ARCHIVE_SESSIONS)));
            roles.put("CHAT_VIEWER", new ArrayList<>());
            return roles;
        }

        /** @return role (without {@code ROLE_}) to permissions */
        public Map<String, List<String>> getRolePermissions() {
            return rolePermissions;
        }

        /** @param rolePermissions role (without {@code ROLE_}) to permissions */
        public void setRolePermissions(Map<String, List<String>> rolePermissions) {
            this.rolePermissions = rolePermissions;
        }
    }
}
