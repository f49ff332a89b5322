package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulator.Fault;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterMetadata;

/**
 * The config cut-over step as the playbook runs it: the catalog function in the emulator's Lambda host, the
 * consumers' configuration in moto, plan then apply with the recorded version, and a step re-delivered after
 * its answer was lost ({@link Fault#lostResponse}: the function ran, the caller saw an error and invoked
 * again with the same input, as the state machine's Retry does).
 */
@AwsEmulatorTest
class ConfigCutoverIT {
    static final String PASSWORD = "url-pass-0c7e";
    static final String OLD_URL = "postgresql://app:" + PASSWORD + "@orders-db.old.local:5432/orders";
    static final String NEW_HOST = "orders-db-restored-1.new.local";
    static final String NEW_URL = "postgresql://app:" + PASSWORD + "@" + NEW_HOST + ":5432/orders";

    AwsEmulator emulator;
    LocalResponder responder;
    LambdaClient lambda;

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        responder = LocalResponder.create(emulator).function("ConfigCutover");
        lambda = EmulatorClients.of(emulator, LambdaClient.builder());
    }

    @Test
    void aliasedConsumer_should_runANewVersionWithTheCopysHost_and_keepTheOldVersionForTheUndo() {
        // GIVEN consumers invoking orders-api through alias live, on version 1 with the old URL
        aliasedConsumer("orders-api");
        ObjectNode config = Json.object().put("functionName", "orders-api").put("variable", "DATABASE_URL").put("alias", "live");
        // WHEN the step plans and applies
        JsonNode plan = ok(plan(config));
        JsonNode result = ok(apply(config, plan.get("previousVersion").asText()));
        // THEN the alias runs a new version with the copy's host; version 1 still holds the old URL; the undo moves the alias back
        assertThat(plan.get("previousVersion").asText()).isEqualTo("1");
        String aliasVersion = lambda.getAlias(r -> r.functionName("orders-api").name("live")).functionVersion();
        assertThat(aliasVersion).isEqualTo("2").isEqualTo(result.get("newVersion").asText());
        assertThat(variable("orders-api", "2")).isEqualTo(NEW_URL);
        assertThat(variable("orders-api", "1")).isEqualTo(OLD_URL);
        assertThat(result.get("undo").asText()).isEqualTo("aws lambda update-alias --function-name orders-api --name live --function-version 1");
        assertThat(result.get("change").asText()).isEqualTo("host orders-db.old.local -> " + NEW_HOST);
        assertThat(plan.toString() + result).doesNotContain(PASSWORD);
    }

    @Test
    void retriedAliasStep_should_publishOnce_and_keepTheRecordedOldVersion_when_itsAnswerWasLost() {
        // GIVEN the aliased consumer, and the apply step's answer lost after it ran
        aliasedConsumer("orders-api");
        ObjectNode config = Json.object().put("functionName", "orders-api").put("variable", "DATABASE_URL").put("alias", "live");
        String previous = ok(plan(config)).get("previousVersion").asText();
        emulator.injectFault(Fault.lostResponse("lambda", "Invoke").matching("previousVersion"));
        // WHEN the step is delivered again with the same input
        assertThatThrownBy(() -> apply(config, previous)).hasMessageContaining("500");
        JsonNode retried = ok(apply(config, previous));
        // THEN the retry recognised its own change: one new version, the alias on it, the undo still names version 1
        // (only lambda's: an earlier class's execution may still be retrying against RDS in the shared emulator)
        assertThat(emulator.requests()).filteredOn(r -> "lambda".equals(r.service()) && "InternalFailure".equals(r.fault())).singleElement()
                .extracting(AwsEmulator.ApiRequest::action).isEqualTo("Invoke");
        assertThat(lambda.listVersionsByFunction(r -> r.functionName("orders-api")).versions()).extracting(FunctionConfiguration::version)
                .containsExactly("$LATEST", "1", "2");
        assertThat(lambda.getAlias(r -> r.functionName("orders-api").name("live")).functionVersion()).isEqualTo("2");
        assertThat(retried.get("previousVersion").asText()).isEqualTo("1");
        assertThat(retried.get("newVersion").asText()).isEqualTo("2");
    }

    @Test
    void unsafeLambdaConsumers_should_beRefusedBeforeAnyChange() {
        // GIVEN an alias splitting traffic (a canary), a function with an unpublished setting on $LATEST, aliases nobody named, a variable the code does not read
        aliasedConsumer("canary-api");
        lambda.updateFunctionConfiguration(r -> r.functionName("canary-api").description("release 2"));
        lambda.publishVersion(r -> r.functionName("canary-api"));
        lambda.updateAlias(r -> r.functionName("canary-api").name("live").functionVersion("2")
                .routingConfig(c -> c.additionalVersionWeights(Map.of("1", 0.1))));
        aliasedConsumer("drifted-api");
        lambda.updateFunctionConfiguration(r -> r.functionName("drifted-api").timeout(90));
        // WHEN / THEN each plan is refused with the reason, and nothing was published or moved
        assertRefused(plan(Json.object().put("functionName", "canary-api").put("variable", "DATABASE_URL").put("alias", "live")),
                "splits traffic");
        assertRefused(plan(Json.object().put("functionName", "drifted-api").put("variable", "DATABASE_URL").put("alias", "live")),
                "unpublished changes against version 1 (code or settings)");
        assertRefused(plan(Json.object().put("functionName", "drifted-api").put("variable", "DATABASE_URL")),
                "has aliases [live]");
        assertRefused(plan(Json.object().put("functionName", "drifted-api").put("variable", "NOT_THERE").put("alias", "live")),
                "has no variable NOT_THERE");
        assertThat(lambda.listVersionsByFunction(r -> r.functionName("drifted-api")).versions()).hasSize(2);
        assertThat(lambda.getAlias(r -> r.functionName("canary-api").name("live")).functionVersion()).isEqualTo("2");
    }

    @Test
    void secureStringParameter_should_stayASecureStringUnderItsKey_and_beWrittenOnce_when_retried() {
        // GIVEN the consumers' URL in a SecureString under a customer key
        SsmClient ssm = EmulatorClients.of(emulator, SsmClient.builder());
        ssm.putParameter(r -> r.name("/orders/database-url").type("SecureString").keyId("alias/orders-config").value(OLD_URL)
                .tags(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value("orders-db")));
        ObjectNode config = Json.object().put("parameterName", "/orders/database-url");
        String previous = ok(plan(config)).get("previousVersion").asText();
        emulator.injectFault(Fault.lostResponse("lambda", "Invoke").matching("previousVersion"));
        // WHEN the apply step runs, its answer is lost, and it runs again
        assertThatThrownBy(() -> apply(config, previous)).hasMessageContaining("500");
        JsonNode result = ok(apply(config, previous));
        // THEN the parameter holds the copy's URL (decrypted), is still a SecureString under the same key, one version newer
        ParameterMetadata now = ssm.describeParameters(r -> r.parameterFilters(f -> f.key("Name").option("Equals").values("/orders/database-url")))
                .parameters().get(0);
        assertThat(now.typeAsString()).isEqualTo("SecureString");
        assertThat(now.keyId()).isEqualTo("alias/orders-config");
        assertThat(now.version()).isEqualTo(2L);
        assertThat(ssm.getParameter(r -> r.name("/orders/database-url").withDecryption(true)).parameter().value()).isEqualTo(NEW_URL);
        assertThat(ssm.getParameter(r -> r.name("/orders/database-url:1").withDecryption(true)).parameter().value()).isEqualTo(OLD_URL);
        assertThat(result.get("previousVersion").asText()).isEqualTo("1");
        assertThat(result.get("undo").asText()).contains("--type SecureString --key-id alias/orders-config").contains("/orders/database-url:1");
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void secretHost_should_beOneNewVersion_when_theWriteAndTheStepAreRetried() {
        // GIVEN the consumers' secret, and both its write's answer and the step's answer lost once
        SecretsManagerClient secrets = EmulatorClients.of(emulator, SecretsManagerClient.builder());
        secrets.createSecret(r -> r.name("orders/app").secretString(Json.object().put("username", "app").put("password", PASSWORD)
                .put("host", "orders-db.old.local").put("port", 5432).toString())
                .tags(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value("orders-db")));
        ObjectNode config = Json.object().put("secretId", "orders/app");
        String previous = ok(plan(config)).get("previousVersion").asText();
        emulator.injectFault(Fault.lostResponse("secretsmanager", "PutSecretValue"));
        emulator.injectFault(Fault.lostResponse("lambda", "Invoke").matching("previousVersion"));
        // WHEN the step is delivered twice
        assertThatThrownBy(() -> apply(config, previous)).hasMessageContaining("500");
        JsonNode result = ok(apply(config, previous));
        // THEN there is one new version with the copy's host and the password kept, and the recorded one is the undo
        Map<String, List<String>> stages = secrets.listSecretVersionIds(r -> r.secretId("orders/app")).versions().stream()
                .collect(java.util.stream.Collectors.toMap(v -> v.versionId(), v -> v.versionStages()));
        assertThat(stages).hasSize(2).containsEntry(previous, List.of("AWSPREVIOUS"));
        JsonNode current = LocalResponder.json(secrets.getSecretValue(r -> r.secretId("orders/app")).secretString());
        assertThat(current.get("host").asText()).isEqualTo(NEW_HOST);
        assertThat(current.get("password").asText()).isEqualTo(PASSWORD);
        assertThat(result.get("previousVersion").asText()).isEqualTo(previous);
        assertThat(result.toString()).doesNotContain(PASSWORD);
    }

    void aliasedConsumer(String name) {
        // opted in and linked to the database, as validation requires of a cut-over target (and the IAM check of the change)
        String arn = emulator.createJavaFunction(name, "example.Handler::handleRequest", Map.of("DATABASE_URL", OLD_URL, "POOL_SIZE", "10"));
        lambda.tagResource(r -> r.resource(arn).tags(Map.of("dr:protected", "true", "dr:database", "orders-db")));
        lambda.publishVersion(r -> r.functionName(name));
        lambda.createAlias(r -> r.functionName(name).name("live").functionVersion("1"));
    }

    String variable(String function, String qualifier) {
        return lambda.getFunctionConfiguration(r -> r.functionName(function).qualifier(qualifier)).environment().variables().get("DATABASE_URL");
    }

    InvokeResponse plan(ObjectNode config) {
        return responder.invoke("ConfigCutover", Json.object().put("action", "plan").put("incidentId", "inc-cutover-1")
                .set("cutoverConfig", config).toString());
    }

    InvokeResponse apply(ObjectNode config, String previousVersion) {
        return responder.invoke("ConfigCutover", Json.object().put("action", "apply").put("incidentId", "inc-cutover-1")
                .put("previousVersion", previousVersion).put("endpoint", NEW_HOST).put("port", "5432")
                .<ObjectNode>set("cutoverConfig", config).toString());
    }

    static JsonNode ok(InvokeResponse response) {
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return LocalResponder.json(response.payload().asUtf8String());
    }

    static void assertRefused(InvokeResponse response, String reason) {
        assertThat(response.functionError()).isNotNull();
        JsonNode error = LocalResponder.json(response.payload().asUtf8String());
        assertThat(error.get("errorType").asText()).endsWith("CutoverRefusedException");
        assertThat(error.get("errorMessage").asText()).contains(reason).doesNotContain(PASSWORD);
    }
}
