package dev.sessionfeed.server;

/**
 * Every setting of the server: its environment variable (also its key in the optional config file), default,
 * whether it is a secret (masked by {@code --print-config}), and what it means. The table in docs/server.md lists
 * the same settings in the same order ({@code ServerDocumentationTest} holds them together).
 */
enum Setting {
    DATABASE_URL(null, false, "PostgreSQL: jdbc:postgresql://host:port/db or postgres://user:pass@host:port/db (required)"),
    SESSIONFEED_DB_USER(null, false, "database user (overrides the URL's)"),
    SESSIONFEED_DB_PASSWORD(null, true, "database password (overrides the URL's)"),
    SESSIONFEED_DB_POOL_SIZE("10", false, "connections in the pool (snapshot reads, commands, readiness)"),
    SESSIONFEED_SOURCE("notify", false, "change source: notify (LISTEN/NOTIFY with a polling fallback) or polling"),
    SESSIONFEED_POLL_INTERVAL("1s", false, "polling interval (the fallback's interval with notify)"),
    SESSIONFEED_INSTALL_SCHEMA("true", false, "create SessionFeed's tables if missing (idempotent) and, with notify, the trigger"),
    SESSIONFEED_TABLE("chat_sessions", false, "the session table, optionally schema-qualified (schema.table)"),
    SESSIONFEED_COLUMNS("", false, "column mapping, comma-separated default=actual (status=state,agent_name=agent)"),
    SESSIONFEED_HOST("0.0.0.0", false, "address to bind (0.0.0.0: every interface; 127.0.0.1 behind a local proxy)"),
    SESSIONFEED_PORT("8080", false, "HTTP(S) port (0: any free port)"),
    SESSIONFEED_PATH("/ws/admin/chat", false, "the WebSocket endpoint's path"),
    SESSIONFEED_ALLOWED_ORIGINS("", false, "browser origins allowed to connect, comma-separated, exact match (https://admin.example.com)"),
    SESSIONFEED_ALLOW_MISSING_ORIGIN("false", false, "accept handshakes without an Origin header (server-side clients: Node, curl)"),
    SESSIONFEED_MAX_CONNECTIONS("1000", false, "open WebSocket connections at most"),
    SESSIONFEED_JWT_HS256_SECRET(null, true, "shared secret for HS256 tokens (at least 32 bytes)"),
    SESSIONFEED_JWT_JWKS_URL(null, false, "JWKS URL for RS256/ES256 tokens (cached, refreshed on an unknown key id)"),
    SESSIONFEED_JWT_JWKS_ALGORITHMS("RS256,ES256", false, "algorithms accepted with keys from the JWKS"),
    SESSIONFEED_JWT_JWKS_CACHE_TTL("5m", false, "how long fetched keys are used before a refresh"),
    SESSIONFEED_JWT_JWKS_REFRESH_MIN_INTERVAL("30s", false, "at most two JWKS fetches per this interval (unknown key ids cannot flood the issuer)"),
    SESSIONFEED_JWT_ISSUER(null, false, "required iss claim (unset: not checked)"),
    SESSIONFEED_JWT_AUDIENCE(null, false, "required aud claim (unset: not checked)"),
    SESSIONFEED_JWT_CLOCK_SKEW("30s", false, "tolerance for exp and nbf, at the handshake and at the close on expiry"),
    SESSIONFEED_JWT_NAME_CLAIM("sub", false, "claim holding the admin's name"),
    SESSIONFEED_JWT_ROLES_CLAIM("roles", false, "claim holding the roles (an array or a space/comma-separated string)"),
    SESSIONFEED_JWT_ADMIN_ROLE("chat-admin", false, "role granting every permission"),
    SESSIONFEED_JWT_VIEWER_ROLE("chat-viewer", false, "role granting read-only access"),
    SESSIONFEED_JWT_TENANT_CLAIM("tenant", false, "claim holding the admin's scope (tenant)"),
    SESSIONFEED_TOKEN_COOKIE("sessionfeed_token", false, "cookie read for a token when there is no header or query parameter"),
    SESSIONFEED_ADMIN_TOKEN(null, true, "static admin token (the simple option; at least 16 characters)"),
    SESSIONFEED_VIEWER_TOKEN(null, true, "static read-only token (at least 16 characters)"),
    SESSIONFEED_TLS_KEYSTORE(null, false, "keystore file (PKCS12 or JKS) for HTTPS/WSS; unset: plain HTTP"),
    SESSIONFEED_TLS_KEYSTORE_PASSWORD(null, true, "the keystore's password"),
    SESSIONFEED_TLS_KEYSTORE_TYPE("PKCS12", false, "the keystore's type"),
    SESSIONFEED_LOG_FORMAT("text", false, "text, or json (one JSON object per line on stdout)"),
    SESSIONFEED_SHUTDOWN_TIMEOUT("10s", false, "on SIGTERM: how long in-flight work may take after clients got 1001"),
    SESSIONFEED_CONFIG_FILE(null, false, "a properties file with any of these keys; the environment wins");

    private final String defaultValue;
    private final boolean secret;
    private final String description;

    Setting(String defaultValue, boolean secret, String description) {
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
    }

    /** @return the environment variable and config-file key */
    String key() {
        return name();
    }

    /** @return the default, or null when unset by default */
    String defaultValue() {
        return defaultValue;
    }

    /** @return true when {@code --print-config} masks the value */
    boolean secret() {
        return secret;
    }

    /** @return what it means */
    String description() {
        return description;
    }

}
