package dev.sessionfeed.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void passesJdbcUrlsThrough() {
        DatabaseUrl u = DatabaseUrl.parse("jdbc:postgresql://localhost:5432/chat?user=a&password=b");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/chat?user=a&password=b");
        assertThat(u.user()).isNull();
        assertThat(u.password()).isNull();
    }

    @Test
    void convertsThePostgresUrlForm() {
        DatabaseUrl u = DatabaseUrl.parse("postgres://chat_admin:p%3Ass%2Fw0rd@db.internal:6543/chat_prod");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/chat_prod");
        assertThat(u.user()).isEqualTo("chat_admin");
        assertThat(u.password()).isEqualTo("p:ss/w0rd");
    }

    @Test
    void acceptsPostgresqlSchemeNoPortNoPasswordAndQueryParameters() {
        DatabaseUrl u = DatabaseUrl.parse("postgresql://someone@db/app?sslmode=require");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db/app?sslmode=require");
        assertThat(u.user()).isEqualTo("someone");
        assertThat(u.password()).isNull();
        assertThat(DatabaseUrl.parse("postgres://db.example").jdbcUrl()).isEqualTo("jdbc:postgresql://db.example/postgres");
    }

    @Test
    void rejectsOtherSchemesWithoutShowingThePassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://root:topsecret@db/app"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("DATABASE_URL must be")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void redactsCredentials() {
        assertThat(DatabaseUrl.redact("postgres://u:topsecret@h/db")).isEqualTo("postgres://u:***@h/db");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://h/db?user=u&password=topsecret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    }
}
