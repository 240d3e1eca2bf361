package dev.sessionfeed.server;

import dev.sessionfeed.jdbc.SessionTable;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's effective configuration: environment variables, over the optional properties file named by
 * {@code SESSIONFEED_CONFIG_FILE} (same keys), over the defaults. Every value is validated when the configuration is
 * built; a bad one fails with a message naming the setting and the value (secrets are never echoed). The settings and
 * their defaults are the table in docs/server.md.
 *
 * <p>Immutable and thread-safe.
 */
public final class ServerConfig {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Set<String> JWKS_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");

    private final Map<Setting, String> values;
    private final DatabaseUrl database;
    private final int poolSize;
    private final String source;
    private final Duration pollInterval;
    private final boolean installSchema;
    private final SessionTable table;
    private final String host;
    private final int port;
    private final String path;
    private final List<String> allowedOrigins;
    private final boolean allowMissingOrigin;
    private final int maxConnections;
    private final byte[] hs256Secret;
    private final URI jwksUrl;
    private final Set<String> jwksAlgorithms;
    private final Duration jwksCacheTtl;
    private final Duration jwksRefreshMinInterval;
    private final Duration clockSkew;
    private final String adminToken;
    private final String viewerToken;
    private final Path tlsKeystore;
    private final boolean jsonLogs;
    private final Duration shutdownTimeout;

    private ServerConfig(Map<Setting, String> values) {
        this.values = values;
        String url = required(Setting.DATABASE_URL);
        DatabaseUrl parsed = DatabaseUrl.parse(url);
        this.database = new DatabaseUrl(parsed.jdbcUrl(),
                value(Setting.SESSIONFEED_DB_USER) != null ? value(Setting.SESSIONFEED_DB_USER) : parsed.user(),
                value(Setting.SESSIONFEED_DB_PASSWORD) != null ? value(Setting.SESSIONFEED_DB_PASSWORD) : parsed.password());
        this.poolSize = intIn(Setting.SESSIONFEED_DB_POOL_SIZE, 2, 200);
        this.source = oneOf(Setting.SESSIONFEED_SOURCE, "notify", "polling");
        this.pollInterval = duration(Setting.SESSIONFEED_POLL_INTERVAL, Duration.ofMillis(10));
        this.installSchema = bool(Setting.SESSIONFEED_INSTALL_SCHEMA);
        this.table = parseTable();
        this.host = value(Setting.SESSIONFEED_HOST);
        this.port = intIn(Setting.SESSIONFEED_PORT, 0, 65535);
        this.path = value(Setting.SESSIONFEED_PATH);
        if (!path.matches("/[A-Za-z0-9._~/-]*") || path.startsWith("/sessionfeed/") || List.of("/healthz", "/readyz", "/metrics").contains(path)) {
            throw invalid(Setting.SESSIONFEED_PATH, "a path such as /ws/admin/chat (not /sessionfeed/*, /healthz, /readyz, /metrics)");
        }
        this.allowedOrigins = parseOrigins();
        this.allowMissingOrigin = bool(Setting.SESSIONFEED_ALLOW_MISSING_ORIGIN);
        if (allowedOrigins.isEmpty() && !allowMissingOrigin) {
            throw new IllegalArgumentException("SESSIONFEED_ALLOWED_ORIGINS must list at least one origin (https://admin.example.com),"
                    + " or SESSIONFEED_ALLOW_MISSING_ORIGIN=true for server-side clients only; was empty");
        }
        this.maxConnections = intIn(Setting.SESSIONFEED_MAX_CONNECTIONS, 1, 1_000_000);
        String secret = value(Setting.SESSIONFEED_JWT_HS256_SECRET);
        if (secret != null && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException("SESSIONFEED_JWT_HS256_SECRET must be at least 32 bytes (256 bits, RFC 7518), was "
                    + secret.getBytes(StandardCharsets.UTF_8).length + " bytes");
        }
        this.hs256Secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.jwksUrl = parseJwksUrl();
        this.jwksAlgorithms = parseJwksAlgorithms();
        this.jwksCacheTtl = duration(Setting.SESSIONFEED_JWT_JWKS_CACHE_TTL, Duration.ofSeconds(1));
        this.jwksRefreshMinInterval = duration(Setting.SESSIONFEED_JWT_JWKS_REFRESH_MIN_INTERVAL, Duration.ofMillis(100));
        this.clockSkew = duration(Setting.SESSIONFEED_JWT_CLOCK_SKEW, Duration.ZERO);
        for (Setting claim : List.of(Setting.SESSIONFEED_JWT_NAME_CLAIM, Setting.SESSIONFEED_JWT_ROLES_CLAIM,
                Setting.SESSIONFEED_JWT_TENANT_CLAIM, Setting.SESSIONFEED_JWT_ADMIN_ROLE, Setting.SESSIONFEED_JWT_VIEWER_ROLE,
                Setting.SESSIONFEED_TOKEN_COOKIE)) {
            if (value(claim) == null || !value(claim).matches("[A-Za-z0-9_:.-]{1,64}")) {
                throw invalid(claim, "1 to 64 of A-Z a-z 0-9 _ : . -");
            }
        }
        this.adminToken = staticToken(Setting.SESSIONFEED_ADMIN_TOKEN);
        this.viewerToken = staticToken(Setting.SESSIONFEED_VIEWER_TOKEN);
        if (adminToken != null && adminToken.equals(viewerToken)) {
            throw new IllegalArgumentException("SESSIONFEED_VIEWER_TOKEN must differ from SESSIONFEED_ADMIN_TOKEN");
        }
        if (hs256Secret == null && jwksUrl == null && adminToken == null && viewerToken == null) {
            throw new IllegalArgumentException("no way to sign in: set SESSIONFEED_JWT_HS256_SECRET, SESSIONFEED_JWT_JWKS_URL,"
                    + " or SESSIONFEED_ADMIN_TOKEN / SESSIONFEED_VIEWER_TOKEN");
        }
        String keystore = value(Setting.SESSIONFEED_TLS_KEYSTORE);
        this.tlsKeystore = keystore == null ? null : Path.of(keystore);
        if (tlsKeystore != null && !Files.isReadable(tlsKeystore)) {
            throw invalid(Setting.SESSIONFEED_TLS_KEYSTORE, "a readable keystore file");
        }
        if (tlsKeystore != null && value(Setting.SESSIONFEED_TLS_KEYSTORE_PASSWORD) == null) {
            throw new IllegalArgumentException("SESSIONFEED_TLS_KEYSTORE_PASSWORD must be set with SESSIONFEED_TLS_KEYSTORE");
        }
        this.jsonLogs = oneOf(Setting.SESSIONFEED_LOG_FORMAT, "text", "json").equals("json");
        this.shutdownTimeout = duration(Setting.SESSIONFEED_SHUTDOWN_TIMEOUT, Duration.ZERO);
    }

    /**
     * The configuration from an environment (usually {@link System#getenv()}), over the properties file its
     * {@code SESSIONFEED_CONFIG_FILE} names, over the defaults. Blank values count as unset.
     *
     * @param environment the environment variables
     * @return the validated configuration
     * @throws IllegalArgumentException naming the setting and its value (secrets masked) when one is invalid, or the
     *                                  file when it cannot be read
     */
    public static ServerConfig fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            if (s.defaultValue() != null) {
                values.put(s, s.defaultValue());
            }
        }
        String file = blankToNull(environment.get(Setting.SESSIONFEED_CONFIG_FILE.key()));
        if (file != null) {
            values.put(Setting.SESSIONFEED_CONFIG_FILE, file);
            Properties props = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
                props.load(in);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("SESSIONFEED_CONFIG_FILE cannot be read: '" + file + "' (" + e + ")");
            }
            for (String key : props.stringPropertyNames()) {
                Setting s = setting(key, "in " + file);
                String v = blankToNull(props.getProperty(key));
                if (v != null && s != Setting.SESSIONFEED_CONFIG_FILE) {
                    values.put(s, v);
                }
            }
        }
        for (Setting s : Setting.values()) {
            String v = blankToNull(environment.get(s.key()));
            if (v != null) {
                values.put(s, v);
            }
        }
        return new ServerConfig(values);
    }

    private static Setting setting(String key, String where) {
        try {
            return Setting.valueOf(key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown setting '" + key + "' " + where + " (the settings are listed in docs/server.md)");
        }
    }

    /**
     * The effective configuration, one {@code KEY=value} line per setting in the documented order, secrets shown as
     * {@code ****} (set) or empty (unset), and the database password masked inside {@code DATABASE_URL}.
     *
     * @return the text {@code --print-config} prints
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Setting s : Setting.values()) {
            String v = values.get(s);
            String shown = v == null ? "" : s.secret() ? "****" : s == Setting.DATABASE_URL ? DatabaseUrl.redact(v) : v;
            out.append(s.key()).append('=').append(shown).append(System.lineSeparator());
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "ServerConfig{" + DatabaseUrl.redact(database.jdbcUrl()) + ", port=" + port + ", source=" + source + "}";
    }

    // ------------------------------------------------------------------------------------------------- values

    String value(Setting s) {
        return values.get(s);
    }

    DatabaseUrl database() { return database; }

    int poolSize() { return poolSize; }

    String source() { return source; }

    Duration pollInterval() { return pollInterval; }

    boolean installSchema() { return installSchema; }

    SessionTable table() { return table; }

    String host() { return host; }

    int port() { return port; }

    String path() { return path; }

    List<String> allowedOrigins() { return allowedOrigins; }

    boolean allowMissingOrigin() { return allowMissingOrigin; }

    int maxConnections() { return maxConnections; }

    /** @return a copy of the HS256 secret, or null */
    byte[] hs256Secret() { return hs256Secret == null ? null : hs256Secret.clone(); }

    URI jwksUrl() { return jwksUrl; }

    Set<String> jwksAlgorithms() { return jwksAlgorithms; }

    Duration jwksCacheTtl() { return jwksCacheTtl; }

    Duration jwksRefreshMinInterval() { return jwksRefreshMinInterval; }

    Duration clockSkew() { return clockSkew; }

    String adminToken() { return adminToken; }

    String viewerToken() { return viewerToken; }

    Path tlsKeystore() { return tlsKeystore; }

    boolean jsonLogs() { return jsonLogs; }

    Duration shutdownTimeout() { return shutdownTimeout; }

    // --------------------------------------------------------------------------------------------- validation

    private String required(Setting s) {
        String v = values.get(s);
        if (v == null) {
            throw new IllegalArgumentException(s.key() + " must be set (" + s.description() + ")");
        }
        return v;
    }

    private IllegalArgumentException invalid(Setting s, String expected) {
        String v = values.get(s);
        return new IllegalArgumentException(s.key() + " must be " + expected + ", was: '" + (s.secret() ? "****" : v) + "'");
    }

    private int intIn(Setting s, int min, int max) {
        try {
            int v = Integer.parseInt(values.get(s).trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(s, "an integer from " + min + " to " + max);
    }

    private boolean bool(Setting s) {
        return oneOf(s, "true", "false").equals("true");
    }

    private String oneOf(Setting s, String... allowed) {
        String v = values.get(s).trim().toLowerCase(Locale.ROOT);
        if (List.of(allowed).contains(v)) {
            return v;
        }
        throw invalid(s, "one of " + String.join(", ", allowed));
    }

    private Duration duration(Setting s, Duration min) {
        Duration d = parseDuration(values.get(s).trim());
        if (d == null || d.compareTo(min) < 0) {
            throw invalid(s, "a duration of at least " + min.toMillis() + "ms, such as 500ms, 30s, 5m or PT30S");
        }
        return d;
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                default: return Duration.ofHours(n);
            }
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private SessionTable parseTable() {
        String t = values.get(Setting.SESSIONFEED_TABLE).trim();
        SessionTable.Builder b = SessionTable.builder();
        try {
            int dot = t.indexOf('.');
            if (dot >= 0) {
                b.schema(t.substring(0, dot));
                b.table(t.substring(dot + 1));
            } else {
                b.table(t);
            }
        } catch (IllegalArgumentException e) {
            throw invalid(Setting.SESSIONFEED_TABLE, "a table name or schema.table (" + e.getMessage() + ")");
        }
        String columns = values.get(Setting.SESSIONFEED_COLUMNS).trim();
        if (!columns.isEmpty()) {
            for (String pair : columns.split(",")) {
                String[] kv = pair.trim().split("=", 2);
                SessionTable.Column column = null;
                for (SessionTable.Column c : SessionTable.Column.values()) {
                    if (kv.length == 2 && c.defaultName().equals(kv[0].trim())) {
                        column = c;
                    }
                }
                if (column == null) {
                    throw invalid(Setting.SESSIONFEED_COLUMNS, "default=actual pairs whose left side is one of the default column names"
                            + " (status, agent_name, ...)");
                }
                try {
                    b.column(column, kv[1].trim());
                } catch (IllegalArgumentException e) {
                    throw invalid(Setting.SESSIONFEED_COLUMNS, "valid column names (" + e.getMessage() + ")");
                }
            }
        }
        return b.build();
    }

    private List<String> parseOrigins() {
        Set<String> out = new LinkedHashSet<>();
        for (String o : values.get(Setting.SESSIONFEED_ALLOWED_ORIGINS).split(",")) {
            String origin = o.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (!origin.matches("https?://[A-Za-z0-9.\\[\\]:-]+")) {
                throw new IllegalArgumentException("SESSIONFEED_ALLOWED_ORIGINS entries must be scheme://host[:port] without a path"
                        + " (https://admin.example.com), was: '" + origin + "'");
            }
            out.add(origin);
        }
        return new ArrayList<>(out);
    }

    private URI parseJwksUrl() {
        String v = values.get(Setting.SESSIONFEED_JWT_JWKS_URL);
        if (v == null) {
            return null;
        }
        try {
            URI uri = new URI(v.trim());
            if ((uri.getScheme().equals("https") || uri.getScheme().equals("http")) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // reported below
        }
        throw invalid(Setting.SESSIONFEED_JWT_JWKS_URL, "an http(s) URL (https://issuer.example.com/.well-known/jwks.json)");
    }

    private Set<String> parseJwksAlgorithms() {
        Set<String> out = new LinkedHashSet<>();
        for (String a : values.get(Setting.SESSIONFEED_JWT_JWKS_ALGORITHMS).split(",")) {
            String alg = a.trim().toUpperCase(Locale.ROOT);
            if (!JWKS_ALGORITHMS.contains(alg)) {
                throw invalid(Setting.SESSIONFEED_JWT_JWKS_ALGORITHMS, "asymmetric algorithms from " + new java.util.TreeSet<>(JWKS_ALGORITHMS)
                        + " (HS* is SESSIONFEED_JWT_HS256_SECRET's, never a JWKS's)");
            }
            out.add(alg);
        }
        return Set.copyOf(out);
    }

    private String staticToken(Setting s) {
        String v = values.get(s);
        if (v != null && v.length() < 16) {
            throw new IllegalArgumentException(s.key() + " must be at least 16 characters, was " + v.length());
        }
        return v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
