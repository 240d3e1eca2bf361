package dev.sessionfeed.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionKeyTest {

    @Test
    void catalogTypeNamesMapToTheirKey() {
        assertThat(SessionKey.forSqlType("text")).isSameAs(SessionKey.text());
        assertThat(SessionKey.forSqlType("character varying(64)")).isSameAs(SessionKey.text());
        assertThat(SessionKey.forSqlType("character(36)")).isSameAs(SessionKey.text());
        assertThat(SessionKey.forSqlType("uuid")).isSameAs(SessionKey.uuid());
        assertThat(SessionKey.forSqlType("bigint")).isSameAs(SessionKey.bigint());
        assertThat(SessionKey.forSqlType("int8")).isSameAs(SessionKey.bigint());
        assertThat(SessionKey.forSqlType("integer")).isSameAs(SessionKey.integer());
        assertThat(SessionKey.forSqlType("smallint")).isSameAs(SessionKey.integer());
    }

    @Test
    void anUnsupportedTypeIsRefusedNamingIt() {
        assertThatThrownBy(() -> SessionKey.forSqlType("numeric(10,0)"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyType must be one of text, varchar, char, uuid, bigint, integer, smallint")
                .hasMessageContaining("was: 'numeric(10,0)'");
    }

    @Test
    void uuidIdsBecomeTheTextFormPostgresPrints() {
        UUID u = UUID.randomUUID();
        assertThat(SessionKey.uuid().canonical(u.toString().toUpperCase(java.util.Locale.ROOT))).contains(u.toString());
        assertThat(SessionKey.uuid().toProtocol(u)).isEqualTo(u.toString());
        // Java's UUID.fromString accepts "1-1-1-1-1"; PostgreSQL would print it differently, so no row has it.
        assertThat(SessionKey.uuid().canonical("1-1-1-1-1")).isEmpty();
        assertThat(SessionKey.uuid().canonical("s-42")).isEmpty();
    }

    @Test
    void numericIdsAreOnlyTheirDecimalFormWithinTheTypesRange() {
        assertThat(SessionKey.bigint().canonical("1000000000000")).contains("1000000000000");
        assertThat(SessionKey.bigint().canonical("-7")).contains("-7");
        assertThat(SessionKey.bigint().canonical("007")).isEmpty();
        assertThat(SessionKey.bigint().canonical("abc")).isEmpty();
        assertThat(SessionKey.bigint().canonical("99999999999999999999")).isEmpty();
        assertThat(SessionKey.integer().canonical("2147483648")).isEmpty();
        assertThat(SessionKey.integer().canonical("2147483647")).contains("2147483647");
        assertThat(SessionKey.bigint().toProtocol(42L)).isEqualTo("42");
        assertThat(SessionKey.integer().toProtocol(7)).isEqualTo("7");
    }

    @Test
    void textIdsPassUnchangedAndAValueOfTheWrongKindIsRefused() {
        assertThat(SessionKey.text().canonical(" any id ")).contains(" any id ");
        assertThatThrownBy(() -> SessionKey.bigint().toProtocol(UUID.randomUUID()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a bigint");
        assertThatThrownBy(() -> SessionKey.bigint().toProtocol("x'y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be a bigint, was: 'x\\u0027y'");
    }
}
