package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseSecretTest {
    private static final String PASSWORD = "Sup3r-Secret-Value";

    @ParameterizedTest
    @ValueSource(strings = {"engine", "host", "username", "password"})
    void parse_should_nameTheField_when_requiredFieldIsMissing(String field) {
        // GIVEN
        ObjectNode node = Json.object().put("engine", "postgres").put("host", "db").put("username", "app").put("password", PASSWORD);
        node.remove(field);
        String json = Json.write(node);
        // WHEN / THEN
        assertThatThrownBy(() -> DatabaseSecret.parse("s", json)).isInstanceOf(MalformedSecretException.class)
                .hasMessageContaining("\"" + field + "\"").hasMessageNotContaining(PASSWORD);
    }

    @Test
    void parse_should_notEchoTheText_when_jsonIsInvalid() {
        assertThatThrownBy(() -> DatabaseSecret.parse("s", "{\"password\":\"" + PASSWORD + "\""))
                .isInstanceOf(MalformedSecretException.class).hasMessageNotContaining(PASSWORD).hasNoCause();
    }

    @Test
    void parse_should_refuse_when_engineIsNotPostgres() {
        assertThatThrownBy(() -> DatabaseSecret.parse("s", "{\"engine\":\"mysql\",\"host\":\"h\",\"username\":\"u\",\"password\":\"p\"}"))
                .hasMessageContaining("\"engine\" must be postgres");
    }

    @Test
    void parse_should_defaultPortAndDatabase_when_absent() {
        DatabaseSecret secret = DatabaseSecret.parse("s", "{\"engine\":\"postgres\",\"host\":\"h\",\"username\":\"u\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(secret.port()).isEqualTo(5432);
        assertThat(secret.dbname()).isEqualTo("postgres");
        assertThat(secret.toString()).doesNotContain(PASSWORD);
    }
}
