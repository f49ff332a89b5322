package com.drresponder.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TLS for the responder's JDBC connections: verify-full against the shipped RDS roots unless the local deployment says disable. */
class DatabaseTlsTest {

    static Properties applied(Map<String, String> env, Boolean secretSsl) {
        Properties props = new Properties();
        DatabaseTls.from(env).apply(props, secretSsl);
        return props;
    }

    @Test
    void apply_should_verifyFullAgainstBundledRdsRoots_when_nothingConfigured() throws Exception {
        Properties props = applied(Map.of(), null);
        assertThat(props.getProperty("sslmode")).isEqualTo("verify-full");
        String pem = Files.readString(Path.of(props.getProperty("sslrootcert")));
        assertThat(pem).contains("-----BEGIN CERTIFICATE-----");
        assertThat(pem.split("BEGIN CERTIFICATE").length - 1).as("RDS and RDS Proxy roots").isGreaterThan(100);
    }

    @Test
    void apply_should_useConfiguredBundle_when_caBundleSet() {
        assertThat(applied(Map.of("DATABASE_CA_BUNDLE", "/opt/private-ca.pem"), null).getProperty("sslrootcert"))
                .isEqualTo("/opt/private-ca.pem");
    }

    /** A secret cannot turn verification off where the deployment requires it; only the local deployment disables it. */
    @ParameterizedTest(name = "DATABASE_TLS={0}, secret ssl={1} -> {2}")
    @CsvSource(nullValues = "null", value = {
        "null,    false, verify-full",
        "disable, true,  verify-full",
        "disable, null,  disable",
    })
    void apply_should_chooseTheSslMode_when_deploymentAndSecretSay(String mode, Boolean secretSsl, String expected) {
        Properties props = applied(mode == null ? Map.of() : Map.of("DATABASE_TLS", mode), secretSsl);
        assertThat(props.getProperty("sslmode")).isEqualTo(expected);
        if (expected.equals("disable")) {
            assertThat(props.getProperty("sslrootcert")).isNull();
        }
    }

    @Test
    void from_should_failNamingTheVariable_when_modeUnknown() {
        assertThatThrownBy(() -> DatabaseTls.from(Map.of("DATABASE_TLS", "require")))
                .hasMessage("DATABASE_TLS must be verify-full or disable, got \"require\"");
    }
}
