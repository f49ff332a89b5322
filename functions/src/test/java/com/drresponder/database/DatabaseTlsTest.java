package com.drresponder.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** TLS for the responder's JDBC connections: verify-full against the shipped RDS roots unless the local deployment says disable. */
class DatabaseTlsTest {

    @Test
    void apply_should_verifyFullAgainstBundledRdsRoots_when_nothingConfigured() throws Exception {
        Properties props = new Properties();
        DatabaseTls.from(Map.of()).apply(props, null);
        assertThat(props.getProperty("sslmode")).isEqualTo("verify-full");
        String pem = Files.readString(Path.of(props.getProperty("sslrootcert")));
        assertThat(pem).contains("-----BEGIN CERTIFICATE-----");
        assertThat(pem.split("BEGIN CERTIFICATE").length - 1).as("RDS and RDS Proxy roots").isGreaterThan(100);
    }

    @Test
    void apply_should_useConfiguredBundle_when_caBundleSet() {
        Properties props = new Properties();
        DatabaseTls.from(Map.of("DATABASE_CA_BUNDLE", "/opt/private-ca.pem")).apply(props, null);
        assertThat(props.getProperty("sslrootcert")).isEqualTo("/opt/private-ca.pem");
    }

    @Test
    void apply_should_keepVerifyFull_when_secretSaysSslFalse() {
        // a secret cannot turn verification off in a deployment that requires it
        Properties props = new Properties();
        DatabaseTls.from(Map.of()).apply(props, false);
        assertThat(props.getProperty("sslmode")).isEqualTo("verify-full");
    }

    @Test
    void apply_should_verifyFull_when_localDeploymentDisablesButSecretSaysSslTrue() {
        Properties props = new Properties();
        DatabaseTls.from(Map.of("DATABASE_TLS", "disable")).apply(props, true);
        assertThat(props.getProperty("sslmode")).isEqualTo("verify-full");
    }

    @Test
    void apply_should_disable_when_localDeploymentSaysSo() {
        Properties props = new Properties();
        DatabaseTls.from(Map.of("DATABASE_TLS", "disable")).apply(props, null);
        assertThat(props.getProperty("sslmode")).isEqualTo("disable");
        assertThat(props.getProperty("sslrootcert")).isNull();
    }

    @Test
    void from_should_failNamingTheVariable_when_modeUnknown() {
        assertThatThrownBy(() -> DatabaseTls.from(Map.of("DATABASE_TLS", "require")))
                .hasMessage("DATABASE_TLS must be verify-full or disable, got \"require\"");
    }
}
