package com.drresponder.restore;

import com.drresponder.testing.SdkRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.drresponder.common.Json;
import com.drresponder.database.DatabaseTls;
import com.drresponder.database.ReadOnlySql;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

/**
 * The verification step against a real PostgreSQL (embedded): checks that try to change data fail in the
 * server and change nothing, chained statements are refused, the session is read-only, a secret of another
 * database is never read, and verify-full TLS never falls back to plain text. Mockito only for Secrets Manager.
 */
@PostgresTest
class VerificationOnPostgresTest {
    static final String PASSWORD = "verifier-pass-3e9b";
    static PostgresFixture pg;
    final SecretsManagerClient secrets = mock(SecretsManagerClient.class);
    final Instant restoreTime = Instant.now().plusSeconds(60);

    @BeforeAll
    static void start(PostgresFixture postgres) {
        pg = postgres;
        pg.createUser("verifier", PASSWORD, false);
        pg.ordersTable(25, "1 minute");
        pg.superuser("ANALYZE orders");
        // fewer rows than autovacuum's analyse threshold (50): never analysed, so no estimate
        pg.superuser("CREATE TABLE payments (id serial primary key)");
        pg.superuser("INSERT INTO payments SELECT FROM generate_series(1, 10)");
        pg.superuser("GRANT SELECT ON payments TO verifier");
        // every privilege: only the read-only session may stop a write
        pg.superuser("GRANT ALL ON orders TO verifier");
        pg.superuser("GRANT ALL ON SCHEMA public TO verifier");
    }

    @BeforeEach
    @SuppressWarnings("unchecked")
    void secretOfOrdersDb() {
        when(secrets.describeSecret(any(Consumer.class))).thenAnswer(inv -> {
            DescribeSecretRequest request = SdkRequests.of(inv, DescribeSecretRequest.builder());
            String id = request.secretId();
            return DescribeSecretResponse.builder().arn("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + id)
                    .tags(t -> t.key("dr:database").value(id.startsWith("orders-db") ? "orders-db" : "billing-db")).build();
        });
        when(secrets.getSecretValue(any(Consumer.class))).thenReturn(GetSecretValueResponse.builder()
                .secretString(Json.object().put("username", "verifier").put("password", PASSWORD)
                        // the source at the secret's host (only the copy's RDS endpoint is replaced by the local address)
                        .put("host", pg.host()).put("port", pg.port()).put("dbname", "postgres").toString()).build());
    }

    VerifyDatabaseHandler handler(DatabaseTls tls) {
        return new VerifyDatabaseHandler(() -> secrets, tls, pg.host() + ":" + pg.port());
    }

    ObjectNode event(String secretId, String... customSql) {
        ObjectNode event = Json.object().put("endpoint", "orders-db-restored.cluster-abc.us-east-1.rds.amazonaws.com").put("port", "5432")
                .put("restoreTime", restoreTime.toString()).put("rpoTargetMinutes", "5").put("sourceId", "orders-db");
        ObjectNode verify = event.putObject("verify").put("secretId", secretId);
        verify.putObject("rowCounts").put("orders", 25);
        verify.putObject("maxUpdatedAt").put("table", "orders").put("column", "updated_at");
        var sql = verify.putArray("customSql");
        for (String q : customSql) {
            sql.add(q);
        }
        return event;
    }

    DatabaseVerifier.Result verifyWith(DatabaseTls tls, ObjectNode event) {
        return (DatabaseVerifier.Result) handler(tls).handle(event);
    }

    @Test
    void verify_should_pass_when_checksOnlyRead() {
        // GIVEN a restored database with 25 orders older than the restore time
        // WHEN the usual checks run through the read-only path
        DatabaseVerifier.Result result = verifyWith(DatabaseTls.disabled(), event("orders-db/verify", "SELECT count(*) = 25 FROM orders"));
        // THEN they pass
        assertThat(result.passed()).as(result.summary()).isTrue();
        assertThat(result.checks()).hasSize(4);
    }

    @Test
    void verify_should_failInTheServer_and_deleteNothing_when_customSqlHidesADeleteInAWith() throws Exception {
        // GIVEN a check that starts with WITH, as the old rule allowed, and deletes every order
        ObjectNode event = event("orders-db/verify", "WITH d AS (DELETE FROM orders RETURNING 1) SELECT true");
        // WHEN it runs
        DatabaseVerifier.Result result = verifyWith(DatabaseTls.disabled(), event);
        // THEN PostgreSQL refuses the write (read-only transaction) and every order is still there
        assertThat(result.passed()).isFalse();
        assertThat(result.checks()).anyMatch(c -> c.check().startsWith("customSql WITH d AS") && !c.passed()
                && c.detail().contains("read-only transaction"));
        assertThat(orders()).isEqualTo(25);
    }

    @Test
    void verify_should_refuseBeforeConnecting_when_customSqlChainsADrop() {
        // GIVEN the step input carries a chained statement (the request parser would have refused it first)
        ObjectNode event = event("orders-db/verify", "SELECT 1; DROP TABLE orders");
        // WHEN the step reads it THEN it is refused by name, and the secret is never read
        assertThatThrownBy(() -> verifyWith(DatabaseTls.disabled(), event)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("verify.customSql").hasMessageContaining("exactly one SQL statement");
        verify(secrets, never()).getSecretValue(any(Consumer.class));
    }

    @Test
    void verifier_should_runNoStatement_when_givenChainedSqlDirectly() throws Exception {
        // GIVEN the verifier itself is handed a chained statement (defence in depth, bypassing request validation)
        RestoreRequest.Verify spec = new RestoreRequest.Verify("orders-db/verify", null, Map.of(), List.of(),
                List.of("SELECT true; DROP TABLE orders", "SELECT true; DELETE FROM orders"));
        // WHEN it runs on a read-only connection
        DatabaseVerifier.Result result = new DatabaseVerifier().verify(spec, restoreTime, java.time.Duration.ofMinutes(5), connector());
        // THEN both checks fail as refused, and the table and its rows are untouched
        assertThat(result.checks()).filteredOn(c -> c.check().startsWith("customSql")).hasSize(2)
                .allSatisfy(c -> assertThat(c.detail()).startsWith("refused: must be exactly one SQL statement, got 2"));
        assertThat(orders()).isEqualTo(25);
    }

    @Test
    void freshness_should_fail_when_newestRowIsOlderThanRestoreTimeMinusRpoTarget() {
        // GIVEN a restore point a day after the newest order (the copy misses a day of writes), RPO target 5 min
        ObjectNode event = event("orders-db/verify").put("restoreTime", Instant.now().plus(java.time.Duration.ofDays(1)).toString());
        // WHEN the checks run
        DatabaseVerifier.Result result = verifyWith(DatabaseTls.disabled(), event);
        // THEN the lower bound fails it, the upper bound alone would have passed
        assertThat(result.passed()).isFalse();
        assertThat(result.checks()).filteredOn(c -> c.check().equals("maxUpdatedAt orders.updated_at")).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("is older than restore time - RPO target"));
    }

    @Test
    void tolerance_should_compareWithTheSourcesPlannerEstimate_and_failWithoutOne() {
        // GIVEN tolerance rules for an analysed table (orders) and a never-analysed one (payments)
        ObjectNode event = event("orders-db/verify");
        ((ObjectNode) event.get("verify")).putObject("rowCounts").<ObjectNode>set("orders", Json.object().put("tolerancePercent", 1))
                .set("payments", Json.object().put("tolerancePercent", 1));
        // WHEN the checks run
        DatabaseVerifier.Result result = verifyWith(DatabaseTls.disabled(), event);
        // THEN orders compares with pg_class's estimate; payments fails rather than counting rows on production
        assertThat(result.checks()).filteredOn(c -> c.check().equals("rowCount orders")).singleElement().satisfies(c -> {
            assertThat(c.passed()).isTrue();
            assertThat(c.detail()).isEqualTo("25 rows vs about 25 in the source (pg_class estimate; tolerance 1.0%)");
        });
        assertThat(result.checks()).filteredOn(c -> c.check().equals("rowCount payments")).singleElement().satisfies(c -> {
            assertThat(c.passed()).isFalse();
            assertThat(c.detail()).contains("no row estimate for payments (never analysed");
        });
    }

    @Test
    void lostWrites_should_readTheSourceAtItsSecretsHost_and_theCopyAtItsEndpoint() {
        // GIVEN the step's lost-writes action (source and copy are the same server here: nothing is lost)
        ObjectNode event = event("orders-db/verify").put("action", "lost-writes");
        event.remove("restoreTime");
        event.remove("rpoTargetMinutes");
        // WHEN it runs
        LostWriteWindow.Reading reading = (LostWriteWindow.Reading) handler(DatabaseTls.disabled()).handle(event);
        // THEN both sides were read, through the verify secret of orders-db
        assertThat(reading.measured()).as(reading.detail()).isTrue();
        assertThat(reading.seconds()).isZero();
        assertThat(reading.detail()).startsWith("orders.updated_at: source newest ");
    }

    @Test
    void step_should_refuseAnUnknownAction_beforeReadingTheSecret() {
        assertThatThrownBy(() -> handler(DatabaseTls.disabled()).handle(event("orders-db/verify").put("action", "drop")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("action must be absent (verify) or lost-writes, got drop");
        verify(secrets, never()).getSecretValue(any(Consumer.class));
    }

    @Test
    void session_should_beReadOnlyAtTheServer() {
        DatabaseVerifier.Result result = verifyWith(DatabaseTls.disabled(), event("orders-db/verify",
                "SELECT current_setting('default_transaction_read_only') = 'on'", "SELECT current_setting('transaction_read_only') = 'on'"));
        assertThat(result.passed()).as(result.summary()).isTrue();
    }

    @Test
    void verify_should_readNoSecret_when_secretBelongsToAnotherDatabase() {
        assertThatThrownBy(() -> verifyWith(DatabaseTls.disabled(), event("billing-db/verify")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("verify.secretId: secret billing-db/verify does not belong to orders-db: its tag dr:database is \"billing-db\","
                        + " and only resources tagged dr:database=orders-db are used for it");
        verify(secrets, never()).getSecretValue(any(Consumer.class));
    }

    @Test
    void verify_should_notConnect_when_tlsRequiredAndServerCannotProveItsIdentity() {
        // GIVEN the deployment default (verify-full against the RDS roots) and a server without a certificate
        // WHEN the checks run THEN the connection is refused: no fallback to plain text, no password sent in the clear
        DatabaseVerifier.Result result = verifyWith(DatabaseTls.verifyFull(null), event("orders-db/verify"));
        assertThat(result.passed()).isFalse();
        assertThat(result.checks()).singleElement().satisfies(c -> {
            assertThat(c.check()).isEqualTo("connect");
            assertThat(c.detail()).containsIgnoringCase("SSL");
        });
    }

    DatabaseVerifier.Connector connector() {
        return new DatabaseVerifier.Connector() {
            @Override
            public Connection restored() throws SQLException {
                Properties props = ReadOnlySql.readOnlySession(new Properties());
                props.setProperty("user", "verifier");
                props.setProperty("password", PASSWORD);
                DatabaseTls.disabled().apply(props, null);
                return DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres", props);
            }

            @Override
            public Connection source() throws SQLException {
                return restored();
            }
        };
    }

    static long orders() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres", props);
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
