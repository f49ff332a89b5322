package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.database.DatabaseTls;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rotation's connections follow the deployment's TLS rule and the secret's {@code ssl} field, against a
 * real PostgreSQL that has no certificate: where TLS is required, no password is sent in the clear.
 */
@PostgresTest
class JdbcPostgresPasswordChangerTlsTest {
    static final String PASSWORD = "rotation-tls-pass-8d2c";
    static PostgresFixture pg;

    @BeforeAll
    static void start(PostgresFixture postgres) {
        pg = postgres;
        pg.createUser("tls_user", PASSWORD, false);
    }

    static DatabaseSecret secret(Boolean ssl) {
        var json = Json.object().put("engine", "postgres").put("host", pg.host()).put("port", pg.port())
                .put("username", "tls_user").put("password", PASSWORD).put("dbname", "postgres");
        if (ssl != null) {
            json.put("ssl", ssl);
        }
        return DatabaseSecret.parse("db/tls_user", json.toString());
    }

    @Test
    void canLogIn_should_refuseToConnect_when_deploymentRequiresTlsAndServerCannotProveItself() {
        assertThatThrownBy(() -> new JdbcPostgresPasswordChanger(DatabaseTls.verifyFull(null)).canLogIn(secret(null)))
                .isInstanceOf(RotationRefusedException.class).hasMessageContaining("cannot reach").hasMessageNotContaining(PASSWORD);
    }

    @Test
    void canLogIn_should_keepTlsRequired_when_secretSaysSslFalse() {
        assertThatThrownBy(() -> new JdbcPostgresPasswordChanger(DatabaseTls.verifyFull(null)).canLogIn(secret(false)))
                .isInstanceOf(RotationRefusedException.class);
    }

    @Test
    void canLogIn_should_requireTls_when_secretSaysSslTrueWhereDeploymentHasItOff() {
        assertThatThrownBy(() -> new JdbcPostgresPasswordChanger(DatabaseTls.disabled()).canLogIn(secret(true)))
                .isInstanceOf(RotationRefusedException.class);
    }

    @Test
    void canLogIn_should_logIn_when_localDeploymentDisablesTls() {
        assertThat(new JdbcPostgresPasswordChanger(DatabaseTls.disabled()).canLogIn(secret(null))).isTrue();
    }
}
