package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", "postgres://feed:s3cret@db.example:5433/app?sslmode=require");
        env.put("SESSIONFEED_ALLOWED_ORIGINS", "https://admin.example.com, https://ops.example.com");
        env.put("SESSIONFEED_JWT_HS256_SECRET", "0123456789abcdef0123456789abcdef");
        return env;
    }

    private static IllegalArgumentException refused(Map<String, String> env) {
        try {
            ServerConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            return e;
        }
        throw new AssertionError("accepted: " + env);
    }

    @Test
    void defaultsAndThePostgresUrlForm() {
        ServerConfig c = ServerConfig.fromEnvironment(minimal());
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.source()).isEqualTo("notify");
        assertThat(c.path()).isEqualTo("/ws/admin/chat");
        assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/app?sslmode=require");
        assertThat(c.database().user()).isEqualTo("feed");
        assertThat(c.database().password()).isEqualTo("s3cret");
        assertThat(c.allowedOrigins()).containsExactly("https://admin.example.com", "https://ops.example.com");
        assertThat(c.clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.jwksUrl()).isNull();
    }

    @Test
    void theJdbcFormPassesThroughAndExplicitCredentialsWin() {
        Map<String, String> env = minimal();
        env.put("DATABASE_URL", "jdbc:postgresql://localhost/app");
        env.put("SESSIONFEED_DB_USER", "u");
        env.put("SESSIONFEED_DB_PASSWORD", "p");
        ServerConfig c = ServerConfig.fromEnvironment(env);
        assertThat(c.database()).isEqualTo(new DatabaseUrl("jdbc:postgresql://localhost/app", "u", "p"));
    }

    @Test
    void invalidValuesAreNamedWithTheirValue() {
        Map<String, String> env = minimal();
        env.put("SESSIONFEED_PORT", "70000");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_PORT").hasMessageContaining("'70000'");
        env = minimal();
        env.put("SESSIONFEED_SOURCE", "carrier-pigeon");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_SOURCE").hasMessageContaining("'carrier-pigeon'");
        env = minimal();
        env.put("SESSIONFEED_JWT_CLOCK_SKEW", "soon");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_JWT_CLOCK_SKEW").hasMessageContaining("'soon'");
        env = minimal();
        env.put("SESSIONFEED_ALLOWED_ORIGINS", "https://admin.example.com/dashboard");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_ALLOWED_ORIGINS").hasMessageContaining("/dashboard");
        env = minimal();
        env.put("SESSIONFEED_JWT_JWKS_ALGORITHMS", "RS256,HS256");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_JWT_JWKS_ALGORITHMS").hasMessageContaining("'RS256,HS256'");
        env = minimal();
        env.put("DATABASE_URL", "mysql://x:topsecret@h/db");
        assertThat(refused(env)).hasMessageContaining("DATABASE_URL").hasMessageNotContaining("topsecret");
        env = minimal();
        env.put("SESSIONFEED_TABLE", "bad table; drop");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_TABLE");
        env = minimal();
        env.put("SESSIONFEED_COLUMNS", "colour=shade");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_COLUMNS").hasMessageContaining("'colour=shade'");
    }

    @Test
    void secretsAreCheckedButNeverEchoed() {
        Map<String, String> env = minimal();
        env.put("SESSIONFEED_JWT_HS256_SECRET", "short-secret");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_JWT_HS256_SECRET").hasMessageContaining("32 bytes")
                .hasMessageNotContaining("short-secret");
        env = minimal();
        env.put("SESSIONFEED_ADMIN_TOKEN", "tiny");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_ADMIN_TOKEN").hasMessageNotContaining("tiny");
    }

    @Test
    void requiresADatabaseAnOriginRuleAndAWayToSignIn() {
        Map<String, String> env = minimal();
        env.remove("DATABASE_URL");
        assertThat(refused(env)).hasMessageContaining("DATABASE_URL must be set");
        env = minimal();
        env.remove("SESSIONFEED_ALLOWED_ORIGINS");
        assertThat(refused(env)).hasMessageContaining("SESSIONFEED_ALLOWED_ORIGINS").hasMessageContaining("SESSIONFEED_ALLOW_MISSING_ORIGIN");
        env = minimal();
        env.remove("SESSIONFEED_JWT_HS256_SECRET");
        assertThat(refused(env)).hasMessageContaining("no way to sign in");
    }

    @Test
    void printConfigMasksSecretsAndTheUrlPassword() {
        Map<String, String> env = minimal();
        env.put("SESSIONFEED_VIEWER_TOKEN", "viewer-token-0123456789");
        String text = ServerConfig.fromEnvironment(env).describe();
        assertThat(text).contains("SESSIONFEED_JWT_HS256_SECRET=****", "SESSIONFEED_VIEWER_TOKEN=****", "SESSIONFEED_ADMIN_TOKEN=\n",
                "DATABASE_URL=postgres://feed:***@db.example:5433/app?sslmode=require", "SESSIONFEED_PORT=8080");
        assertThat(text).doesNotContain("s3cret", "0123456789abcdef0123456789abcdef", "viewer-token-0123456789");
        assertThat(text.lines()).hasSize(Setting.values().length);
    }

    @Test
    void aConfigFileFillsInAndTheEnvironmentWins(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sessionfeed.properties");
        Files.writeString(file, "SESSIONFEED_PORT=9090\nSESSIONFEED_SOURCE=polling\nSESSIONFEED_POLL_INTERVAL=250ms\n");
        Map<String, String> env = minimal();
        env.put("SESSIONFEED_CONFIG_FILE", file.toString());
        env.put("SESSIONFEED_SOURCE", "notify");
        ServerConfig c = ServerConfig.fromEnvironment(env);
        assertThat(c.port()).isEqualTo(9090);
        assertThat(c.source()).isEqualTo("notify");
        assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));

        Files.writeString(file, "SESSIONFEED_PROT=9090\n");
        assertThat(refused(env)).hasMessageContaining("unknown setting 'SESSIONFEED_PROT'");
    }

    @Test
    void durationsInShortAndIsoForms() {
        assertThat(ServerConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ServerConfig.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ServerConfig.parseDuration("PT30S")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ServerConfig.parseDuration("30 seconds")).isNull();
    }
}
