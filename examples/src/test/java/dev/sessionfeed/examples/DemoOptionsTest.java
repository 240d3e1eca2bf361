package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    private static DemoOptions parse(String... args) {
        return DemoOptions.parse(List.of(args), Map.of());
    }

    @Test
    void defaultsMatchTheHelpText() {
        DemoOptions o = parse();
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.source()).isEqualTo("notify");
        assertThat(o.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.simulateRate()).isEqualTo(2.0);
        assertThat(o.seedSessions()).isEqualTo(50);
        assertThat(o.jdbcUrl()).isNull();
        assertThat(o.adminToken()).isNull();
        assertThat(o.allowedOrigins()).isEmpty();
        assertThat(DemoOptions.HELP).contains("--port N", "[8080]", "--source notify|polling", "[notify]",
                "--poll-interval", "[1s]", "--simulate RATE", "[2]", "--seed-sessions N", "[50]", "--admin-token",
                "--viewer-token", "--allowed-origin", "--jdbc-url", "--db-user", "--db-password", "DATABASE_URL", "--help");
    }

    @Test
    void parsesEveryOptionInBothSpellings() {
        DemoOptions o = parse("--port=0", "--host", "127.0.0.1", "--source", "polling", "--poll-interval", "250ms",
                "--admin-token", "admin-token-1", "--viewer-token=viewer-token-1", "--allowed-origin", "https://a.example",
                "--allowed-origin", "http://b.example:8081", "--simulate", "off", "--seed-sessions", "7",
                "--jdbc-url", "jdbc:postgresql://db:5432/chat", "--db-user", "u", "--db-password", "p", "--help");
        assertThat(o.port()).isZero();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.source()).isEqualTo("polling");
        assertThat(o.pollInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.adminToken()).isEqualTo("admin-token-1");
        assertThat(o.viewerToken()).isEqualTo("viewer-token-1");
        assertThat(o.allowedOrigins()).containsExactly("https://a.example", "http://b.example:8081");
        assertThat(o.simulateRate()).isZero();
        assertThat(o.seedSessions()).isEqualTo(7);
        assertThat(o.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/chat");
        assertThat(o.dbUser()).isEqualTo("u");
        assertThat(o.dbPassword()).isEqualTo("p");
        assertThat(o.help()).isTrue();
        assertThat(parse("--poll-interval", "PT2S").pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("--simulate", "0.5").simulateRate()).isEqualTo(0.5);
    }

    @Test
    void rejectsBadValuesNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> parse("--port", "70000")).hasMessage("--port must be between 0 and 65535, was: '70000'");
        assertThatThrownBy(() -> parse("--port", "x")).hasMessage("--port must be a whole number, was: 'x'");
        assertThatThrownBy(() -> parse("--source", "kafka")).hasMessage("--source must be notify, polling or logical, was: 'kafka'");
        assertThatThrownBy(() -> parse("--poll-interval", "10ms")).hasMessage("--poll-interval must be between 50ms and 1h, was: '10ms'");
        assertThatThrownBy(() -> parse("--poll-interval", "soon")).hasMessageStartingWith("--poll-interval must be a duration");
        assertThatThrownBy(() -> parse("--simulate", "fast")).hasMessage("--simulate must be a number of changes per second or 'off', was: 'fast'");
        assertThatThrownBy(() -> parse("--allowed-origin", "https://a.example/path")).hasMessageContaining("was: 'https://a.example/path'");
        assertThatThrownBy(() -> parse("--jdbc-url", "jdbc:mysql://x/y")).hasMessage("--jdbc-url must start with jdbc:postgresql:, was: 'jdbc:mysql://x/y'");
        assertThatThrownBy(() -> parse("--admin-token", "short")).hasMessageContaining("--admin-token must be 8-256 characters");
        assertThatThrownBy(() -> parse("--admin-token", "same-token", "--viewer-token", "same-token")).hasMessageContaining("must differ");
        assertThatThrownBy(() -> parse("--bogus", "1")).hasMessage("unknown option '--bogus' (see --help)");
        assertThatThrownBy(() -> parse("--port")).hasMessage("--port needs a value (see --help)");
    }

    @Test
    void takesTheDatabaseFromDatabaseUrlUnlessGivenOnTheCommandLine() {
        DemoOptions fromEnv = DemoOptions.parse(List.of(), Map.of("DATABASE_URL", "postgres://app:s3cr%40t@db.example:6543/chat?sslmode=require"));
        assertThat(fromEnv.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/chat?sslmode=require");
        assertThat(fromEnv.dbUser()).isEqualTo("app");
        assertThat(fromEnv.dbPassword()).isEqualTo("s3cr@t");

        DemoOptions cli = DemoOptions.parse(List.of("--jdbc-url", "jdbc:postgresql://other/db"),
                Map.of("DATABASE_URL", "postgres://app:pw@db.example/chat"));
        assertThat(cli.jdbcUrl()).isEqualTo("jdbc:postgresql://other/db");
        assertThat(cli.dbUser()).isNull();
    }

    @Test
    void takesTheTokensFromTheEnvironmentUnlessGivenOnTheCommandLine() {
        Map<String, String> env = Map.of("SESSIONFEED_DEMO_ADMIN_TOKEN", "env-admin-token", "SESSIONFEED_DEMO_VIEWER_TOKEN",
                "env-viewer-token");
        DemoOptions fromEnv = DemoOptions.parse(List.of(), env);
        assertThat(fromEnv.adminToken()).isEqualTo("env-admin-token");
        assertThat(fromEnv.viewerToken()).isEqualTo("env-viewer-token");
        assertThat(DemoOptions.parse(List.of("--admin-token", "cli-admin-token"), env).adminToken()).isEqualTo("cli-admin-token");
        assertThatThrownBy(() -> DemoOptions.parse(List.of(), Map.of("SESSIONFEED_DEMO_ADMIN_TOKEN", "short")))
                .hasMessageContaining("SESSIONFEED_DEMO_ADMIN_TOKEN must be 8-256 characters").hasMessageNotContaining("short");
        assertThat(DemoOptions.HELP).contains("SESSIONFEED_DEMO_ADMIN_TOKEN", "SESSIONFEED_DEMO_VIEWER_TOKEN");
    }

    @Test
    void parsesTheServerLimits() {
        DemoOptions o = parse();
        assertThat(o.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.maxConnections()).isEqualTo(512);
        assertThat(DemoOptions.HELP).contains("--header-timeout DUR", "[10s]", "--max-connections N", "[512]");
        DemoOptions set = parse("--header-timeout", "3s", "--max-connections", "64");
        assertThat(set.headerTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(set.maxConnections()).isEqualTo(64);
        assertThatThrownBy(() -> parse("--header-timeout", "100ms"))
                .hasMessage("--header-timeout must be between 500ms and 5m, was: '100ms'");
        assertThatThrownBy(() -> parse("--max-connections", "2"))
                .hasMessage("--max-connections must be between 8 and 100000, was: '2'");
    }

    @Test
    void toStringHidesTokensAndPasswords() {
        DemoOptions o = parse("--admin-token", "admin-secret-1", "--viewer-token", "viewer-secret-1",
                "--jdbc-url", "jdbc:postgresql://h/db?password=hunter2", "--db-password", "hunter2");
        assertThat(o.toString()).doesNotContain("admin-secret-1", "viewer-secret-1", "hunter2");
    }
}
