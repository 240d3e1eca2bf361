package dev.sessionfeed.examples;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The sample app's command-line options. Immutable; built by {@link #parse(List, Map)}, which validates every
 * value and names the option and the value in its message.
 *
 * @param port            HTTP port; 0 picks a free one
 * @param host            interface to bind, empty for all
 * @param jdbcUrl         an existing database ({@code jdbc:postgresql://...}), or null for the embedded one
 * @param dbUser          user for {@code jdbcUrl}, or null
 * @param dbPassword      password for {@code jdbcUrl}, or null
 * @param source          {@code notify}, {@code polling} or {@code logical}
 * @param pollInterval    the polling source's interval
 * @param adminToken      the admin token ({@code --admin-token} or {@code SESSIONFEED_DEMO_ADMIN_TOKEN}), or null to
 *                        generate one
 * @param viewerToken     the read-only viewer token ({@code --viewer-token} or {@code SESSIONFEED_DEMO_VIEWER_TOKEN}), or
 *                        null to generate one
 * @param allowedOrigins  extra allowed Origins; empty means the app's own origin
 * @param simulateRate    simulated changes per second; 0 for none
 * @param seedSessions    sessions created at start when the table is empty
 * @param headerTimeout   how long the HTTP server waits for a request's headers (slowloris defence)
 * @param maxConnections  the most TCP connections the HTTP server holds at once (WebSockets included)
 * @param help            true when {@code --help} was given
 */
public record DemoOptions(int port, String host, String jdbcUrl, String dbUser, String dbPassword, String source,
                          Duration pollInterval, String adminToken, String viewerToken, List<String> allowedOrigins,
                          double simulateRate, int seedSessions, Duration headerTimeout, int maxConnections,
                          boolean help) {

    /** Validates and copies. */
    public DemoOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** The text printed by {@code --help}. */
    static final String HELP = String.join(System.lineSeparator(),
            "Usage: java -jar sessionfeed-demo.jar [options]",
            "",
            "A live chat-admin dashboard on SessionFeed: PostgreSQL -> SessionFeed -> WebSocket -> browser.",
            "",
            "Options (default in brackets):",
            "  --port N               HTTP port; 0 picks a free one                      [8080]",
            "  --host ADDRESS         interface to bind                                  [all interfaces]",
            "  --jdbc-url URL         use an existing PostgreSQL (jdbc:postgresql://...) [embedded PostgreSQL,",
            "                         or the DATABASE_URL environment variable: jdbc:postgresql://... or",
            "                         postgres://user:pass@host:port/db]",
            "  --db-user USER         user for --jdbc-url                                [from the URL]",
            "  --db-password PASS     password for --jdbc-url                            [from the URL]",
            "  --source notify|polling|logical  how changes are detected: NOTIFY trigger, [notify]",
            "                         polling, or logical replication (no trigger; needs",
            "                         wal_level = logical and a REPLICATION role)",
            "  --poll-interval DUR    polling interval (also notify's fallback while       [1s]",
            "                         LISTEN is down), e.g. 500ms, 2s, PT1S",
            "  --admin-token TOKEN    token of the admin who may end/archive sessions     [SESSIONFEED_DEMO_ADMIN_TOKEN,",
            "                         or generated and printed; a supplied token is never printed]",
            "  --viewer-token TOKEN   token of a read-only admin                          [SESSIONFEED_DEMO_VIEWER_TOKEN,",
            "                         or generated and printed]",
            "  --allowed-origin URL   allowed browser Origin; repeatable                  [the app's own origin]",
            "  --simulate RATE        simulated changes per second; 0 or off for none    [2]",
            "  --seed-sessions N      sessions created at start if the table is empty    [50]",
            "  --header-timeout DUR   time a client has to send a request's headers      [10s]",
            "  --max-connections N    most connections the HTTP server holds at once      [512]",
            "  --help                 print this help and exit",
            "",
            "Tokens are accepted as 'Authorization: Bearer TOKEN' or as the access_token query parameter; the page",
            "trades one for a login (a random id in an HttpOnly cookie, ended by Sign out). Prefer the environment",
            "variables to --admin-token/--viewer-token: a command line is visible to every user of the machine.",
            "Stop with Ctrl-C.");

    /**
     * Parses the command line.
     *
     * @param args the arguments
     * @param env  the environment ({@code DATABASE_URL}, {@code SESSIONFEED_DEMO_ADMIN_TOKEN},
     *             {@code SESSIONFEED_DEMO_VIEWER_TOKEN}; the command line wins)
     * @return the options
     * @throws IllegalArgumentException naming the option and the value when one is invalid or unknown
     */
    static DemoOptions parse(List<String> args, Map<String, String> env) {
        int port = 8080;
        String host = "";
        String jdbcUrl = null;
        String user = null;
        String password = null;
        String source = "notify";
        Duration pollInterval = Duration.ofSeconds(1);
        String adminToken = null;
        String viewerToken = null;
        List<String> origins = new ArrayList<>();
        double rate = 2;
        int seed = 50;
        Duration headerTimeout = Duration.ofSeconds(10);
        int maxConnections = 512;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("--help") || name.equals("-h")) {
                help = true;
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value (see --help)");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--port" -> port = intBetween(name, value, 0, 65535);
                case "--host" -> host = value;
                case "--jdbc-url" -> jdbcUrl = requireJdbc(name, value);
                case "--db-user" -> user = value;
                case "--db-password" -> password = value;
                case "--source" -> {
                    source = value.toLowerCase(Locale.ROOT);
                    if (!source.equals("notify") && !source.equals("polling") && !source.equals("logical")) {
                        throw new IllegalArgumentException("--source must be notify, polling or logical, was: '" + value + "'");
                    }
                }
                case "--poll-interval" -> {
                    pollInterval = duration(name, value);
                    if (pollInterval.compareTo(Duration.ofMillis(50)) < 0 || pollInterval.compareTo(Duration.ofHours(1)) > 0) {
                        throw new IllegalArgumentException("--poll-interval must be between 50ms and 1h, was: '" + value + "'");
                    }
                }
                case "--admin-token" -> adminToken = token(name, value);
                case "--viewer-token" -> viewerToken = token(name, value);
                case "--allowed-origin" -> origins.add(origin(name, value));
                case "--simulate" -> rate = rate(name, value);
                case "--seed-sessions" -> seed = intBetween(name, value, 0, 100_000);
                case "--header-timeout" -> {
                    headerTimeout = duration(name, value);
                    if (headerTimeout.compareTo(Duration.ofMillis(500)) < 0 || headerTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                        throw new IllegalArgumentException("--header-timeout must be between 500ms and 5m, was: '" + value + "'");
                    }
                }
                case "--max-connections" -> maxConnections = intBetween(name, value, 8, 100_000);
                default -> throw new IllegalArgumentException("unknown option '" + arg + "' (see --help)");
            }
        }
        if (jdbcUrl == null && env.get("DATABASE_URL") != null && !env.get("DATABASE_URL").isBlank()) {
            DatabaseUrl parsed = DatabaseUrl.parse(env.get("DATABASE_URL"));
            jdbcUrl = parsed.jdbcUrl();
            user = user != null ? user : parsed.user();
            password = password != null ? password : parsed.password();
        }
        if (adminToken == null && env.get("SESSIONFEED_DEMO_ADMIN_TOKEN") != null) {
            adminToken = token("SESSIONFEED_DEMO_ADMIN_TOKEN", env.get("SESSIONFEED_DEMO_ADMIN_TOKEN"));
        }
        if (viewerToken == null && env.get("SESSIONFEED_DEMO_VIEWER_TOKEN") != null) {
            viewerToken = token("SESSIONFEED_DEMO_VIEWER_TOKEN", env.get("SESSIONFEED_DEMO_VIEWER_TOKEN"));
        }
        if (adminToken != null && adminToken.equals(viewerToken)) {
            throw new IllegalArgumentException("--admin-token and --viewer-token must differ");
        }
        return new DemoOptions(port, host, jdbcUrl, user, password, source, pollInterval, adminToken, viewerToken,
                origins, rate, seed, headerTimeout, maxConnections, help);
    }

    private static int intBetween(String name, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was: '" + value + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was: '" + value + "'", e);
        }
    }

    private static double rate(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("off") || v.equals("0")) {
            return 0;
        }
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0 && d <= 10_000)) {
                throw new IllegalArgumentException(name + " must be between 0 and 10000 changes per second, was: '" + value + "'");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of changes per second or 'off', was: '" + value + "'", e);
        }
    }

    static Duration duration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be a duration like 500ms, 2s, 1m or PT1S, was: '" + value + "'", e);
        }
        throw new IllegalArgumentException(name + " must be a duration like 500ms, 2s, 1m or PT1S, was: '" + value + "'");
    }

    private static String token(String name, String value) {
        if (!value.matches("[A-Za-z0-9._~+/=-]{8,256}")) {
            throw new IllegalArgumentException(name + " must be 8-256 characters of [A-Za-z0-9._~+/=-], was "
                    + value.length() + " characters");
        }
        return value;
    }

    private static String origin(String name, String value) {
        if (!value.matches("https?://[^/\\s]+")) {
            throw new IllegalArgumentException(name + " must be an origin like https://admin.example.com (scheme, host, "
                    + "optional port, no path), was: '" + value + "'");
        }
        return value;
    }

    private static String requireJdbc(String name, String value) {
        if (!value.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(name + " must start with jdbc:postgresql:, was: '" + value + "'");
        }
        return value;
    }

    @Override
    public String toString() {
        // Never print the tokens or the password.
        return "DemoOptions{port=" + port + ", host='" + host + "', jdbcUrl=" + (jdbcUrl == null ? "embedded" : DatabaseUrl.redact(jdbcUrl))
                + ", source=" + source + ", pollInterval=" + pollInterval + ", allowedOrigins=" + allowedOrigins
                + ", simulateRate=" + simulateRate + ", seedSessions=" + seedSessions + ", headerTimeout=" + headerTimeout
                + ", maxConnections=" + maxConnections + "}";
    }
}
