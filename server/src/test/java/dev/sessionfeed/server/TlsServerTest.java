package dev.sessionfeed.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionfeed.testkit.SessionFeedPostgres;
import dev.sessionfeed.testkit.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from a keystore (for setups without a reverse proxy), the server embedded through its public API. */
@SessionFeedPostgres
class TlsServerTest {

    @Test
    void servesHttpsFromAPkcs12KeystoreWithHsts(TestDatabase db, @TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit").inheritIO().start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).isZero();

        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("SESSIONFEED_DB_USER", db.user());
        env.put("SESSIONFEED_DB_PASSWORD", db.password());
        env.put("SESSIONFEED_PORT", "0");
        env.put("SESSIONFEED_HOST", "127.0.0.1");
        env.put("SESSIONFEED_SOURCE", "polling");
        env.put("SESSIONFEED_ALLOWED_ORIGINS", "https://admin.example.test");
        env.put("SESSIONFEED_ADMIN_TOKEN", "tls-admin-token-0123456789");
        env.put("SESSIONFEED_TLS_KEYSTORE", keystore.toString());
        env.put("SESSIONFEED_TLS_KEYSTORE_PASSWORD", "changeit");
        try (SessionFeedServer server = SessionFeedServer.start(ServerConfig.fromEnvironment(env))) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                trust.load(in, "changeit".toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.headers().firstValue("Strict-Transport-Security")).isPresent();
            assertThat(server.feed().current().sessions()).isNotNull();
            assertThat(server.stats()).isEqualTo(ServerStats.builder().build());
        }
    }
}
