package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The rotation function end to end: moto's RotateSecret invokes the real handler (in a worker JVM) for all four
 * steps, against a real PostgreSQL.
 */
@AwsEmulatorTest
@PostgresTest
class PostgresRotationIT {
    static final String FUNCTION = "secret-rotation";
    static final String FUNCTION_ID = com.drresponder.catalog.Catalog.RESPONDER.function(FUNCTION).logicalId();
    /** The rotation function's role admits opted-in secrets only (docs/SECURITY.md). */
    static final Tag OPTED_IN = Tag.builder().key("dr:protected").value("true").build();
    private static PostgresFixture postgres;

    private AwsEmulator emulator;
    private SecretsManagerClient secrets;
    private String functionArn;
    private String user;
    private final String oldPassword = "Initial-" + UUID.randomUUID();

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        secrets = EmulatorClients.client(SecretsManagerClient.builder(), emulator);
        functionArn = LocalResponder.create(emulator).localDatabase(null).function(FUNCTION_ID).functionArn(FUNCTION_ID);
        user = "app_" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String secretJson(PostgresFixture postgres, String user, String password, String masterArn) {
        var node = Json.object().put("engine", "postgres").put("host", postgres.host()).put("port", postgres.port())
                .put("username", user).put("password", password).put("dbname", "postgres");
        if (masterArn != null) {
            node.put("masterarn", masterArn);
        }
        return Json.write(node);
    }

    private String currentValue(String secretId) {
        return secrets.getSecretValue(r -> r.secretId(secretId).versionStage("AWSCURRENT")).secretString();
    }

    private void rotate(String secretId) {
        secrets.rotateSecret(r -> r.secretId(secretId).rotationLambdaARN(functionArn).rotationRules(x -> x.automaticallyAfterDays(30L)));
    }

    private String functionLog() throws Exception {
        return Files.readString(emulator.lambdaHost().logFile(FUNCTION));
    }

    @Test
    void rotateSecret_should_changePasswordSoNewConnectsAndOldFails_when_singleUser() throws Exception {
        // GIVEN a PostgreSQL user and its secret
        postgres.createUser(user, oldPassword, false);
        secrets.createSecret(r -> r.tags(OPTED_IN).name("orders/" + user).secretString(secretJson(postgres, user, oldPassword, null)));
        // WHEN
        rotate("orders/" + user);
        // THEN
        DatabaseSecret current = DatabaseSecret.parse("s", currentValue("orders/" + user));
        assertThat(current.password()).isNotEqualTo(oldPassword).hasSize(32).doesNotContainAnyWhitespaces();
        assertThat(current.password()).doesNotContain("/", "@", "\"", "'", "\\");
        assertThat(postgres.canLogIn(user, current.password())).isTrue();
        assertThat(postgres.canLogIn(user, oldPassword)).isFalse();
        String previous = secrets.getSecretValue(r -> r.secretId("orders/" + user).versionStage("AWSPREVIOUS")).secretString();
        assertThat(DatabaseSecret.parse("s", previous).password()).isEqualTo(oldPassword);
        assertThat(functionLog()).contains("finishSecret").doesNotContain(oldPassword).doesNotContain(current.password());
    }

    @Test
    void rotateSecret_should_rotateAgain_when_previousRotationFinished() {
        // GIVEN one finished rotation
        postgres.createUser(user, oldPassword, false);
        secrets.createSecret(r -> r.tags(OPTED_IN).name("orders/" + user).secretString(secretJson(postgres, user, oldPassword, null)));
        rotate("orders/" + user);
        String first = DatabaseSecret.parse("s", currentValue("orders/" + user)).password();
        // WHEN
        rotate("orders/" + user);
        // THEN
        String second = DatabaseSecret.parse("s", currentValue("orders/" + user)).password();
        assertThat(second).isNotEqualTo(first);
        assertThat(postgres.canLogIn(user, second)).isTrue();
        assertThat(postgres.canLogIn(user, first)).isFalse();
    }

    @Test
    void rotateSecret_should_finishNewestAndRefuseStaleSteps_when_secondRotationStartsMidRotation() throws Exception {
        // GIVEN a rotation left half-way: its createSecret step staged version A AWSPENDING, then the rotation stopped
        postgres.createUser(user, oldPassword, false);
        String secretId = "orders/" + user;
        secrets.createSecret(r -> r.tags(OPTED_IN).name(secretId).secretString(secretJson(postgres, user, oldPassword, null)));
        String tokenA = UUID.randomUUID().toString();
        secrets.putSecretValue(r -> r.secretId(secretId).clientRequestToken(tokenA).versionStages("AWSPENDING")
                .secretString(secretJson(postgres, user, "Pending-" + UUID.randomUUID(), null)));
        // WHEN a second RotateSecret arrives, then a late step of rotation A
        rotate(secretId);
        LambdaClient lambda = EmulatorClients.client(LambdaClient.builder(), emulator);
        InvokeResponse late = lambda.invoke(r -> r.functionName(FUNCTION).payload(SdkBytes.fromUtf8String(
                Json.write(Map.of("SecretId", secretId, "ClientRequestToken", tokenA, "Step", "setSecret")))));
        // THEN the newest rotation holds, and the stale step changed nothing
        String password = DatabaseSecret.parse("s", currentValue(secretId)).password();
        assertThat(postgres.canLogIn(user, password)).isTrue();
        assertThat(postgres.canLogIn(user, oldPassword)).isFalse();
        assertThat(late.functionError()).isEqualTo("Unhandled");
        assertThat(late.payload().asUtf8String()).contains("is not staged AWSPENDING").doesNotContain(password);
    }

    @Test
    void rotateSecret_should_refuseAndChangeNothing_when_secretLacksHost() throws Exception {
        // GIVEN a secret without "host"
        postgres.createUser(user, oldPassword, false);
        String secretId = "orders/" + user;
        String malformed = Json.write(Json.object().put("engine", "postgres").put("username", user).put("password", oldPassword));
        secrets.createSecret(r -> r.tags(OPTED_IN).name(secretId).secretString(malformed));
        // WHEN
        rotate(secretId);
        // THEN the current value and the database are untouched and the error names the field, not the value
        assertThat(currentValue(secretId)).isEqualTo(malformed);
        assertThat(postgres.canLogIn(user, oldPassword)).isTrue();
        assertThat(functionLog()).doesNotContain(oldPassword);
        String token = secrets.describeSecret(r -> r.secretId(secretId)).versionIdsToStages().entrySet().stream()
                .filter(e -> e.getValue().contains("AWSPENDING")).map(Map.Entry::getKey).findFirst().orElseThrow();
        InvokeResponse direct = EmulatorClients.client(LambdaClient.builder(), emulator).invoke(r -> r.functionName(FUNCTION)
                .payload(SdkBytes.fromUtf8String(Json.write(Map.of("SecretId", secretId, "ClientRequestToken", token, "Step", "createSecret")))));
        JsonNode error = Json.MAPPER.readTree(direct.payload().asUtf8String());
        assertThat(error.path("errorType").asText()).isEqualTo(MalformedSecretException.class.getName());
        assertThat(error.path("errorMessage").asText()).contains("\"host\" is missing").doesNotContain(oldPassword);
    }

    @Test
    void rotateSecret_should_setCloneUserAsMaster_when_secretNamesMasterArn() throws Exception {
        // GIVEN a master user able to create roles, an application user, and both secrets
        String master = "master_" + user;
        String masterPassword = "Master-" + UUID.randomUUID();
        postgres.createUser(master, masterPassword, true);
        postgres.createUser(user, oldPassword, false);
        String masterArn = secrets.createSecret(r -> r.tags(OPTED_IN).name("orders/" + master).secretString(secretJson(postgres, master, masterPassword, null))).arn();
        String secretId = "orders/" + user;
        secrets.createSecret(r -> r.tags(OPTED_IN).name(secretId).secretString(secretJson(postgres, user, oldPassword, masterArn)));
        // WHEN
        rotate(secretId);
        // THEN the secret now names the clone, which logs in; the original user keeps working until the next rotation
        DatabaseSecret current = DatabaseSecret.parse("s", currentValue(secretId));
        assertThat(current.username()).isEqualTo(user + "_clone");
        assertThat(postgres.canLogIn(user + "_clone", current.password())).isTrue();
        assertThat(postgres.canLogIn(user, oldPassword)).isTrue();
        assertThat(functionLog()).doesNotContain(current.password()).doesNotContain(masterPassword);
    }
}
