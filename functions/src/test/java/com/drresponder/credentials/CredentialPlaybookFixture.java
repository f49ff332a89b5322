package com.drresponder.credentials;

import com.drresponder.catalog.Catalog;
import com.drresponder.common.Json;
import com.drresponder.playbook.CredentialResponseRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.ExecutionHistorySecrets;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testsupport.AwsEmulator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.IPAddressVersion;
import software.amazon.awssdk.services.wafv2.model.Scope;

/**
 * The respond-to-credential-compromise playbook deployed into the emulator by {@link LocalResponder}: its Java
 * functions (the rotation function among them), the ledger and topic, WAF IP sets, and the real ASL. Used by the IT and the benchmark.
 */
final class CredentialPlaybookFixture {
    static final String IP_SET_NAME = "drresponder-blocklist";
    static final String IP_SET6_NAME = "drresponder-blocklist6";
    static final String ROTATION_FUNCTION = "secret-rotation";
    /** The deployment's own addresses, never blocked (config wafSafelist). */
    static final String SAFELIST = "192.0.2.128/25,2001:db8:5afe::/48";
    static final String PLAYBOOK = CredentialResponseRequest.PLAYBOOK;
    static final List<String> FUNCTIONS = Catalog.RESPONDER.invokedBy(Catalog.RESPONDER.playbook(PLAYBOOK)).stream().map(Catalog.Function::name).toList();

    final AwsEmulator emulator;
    final LocalResponder responder;
    final SecretsManagerClient secrets;
    final Wafv2Client waf;
    final String ipSetId;
    final String ipSet6Id;
    final String rotationFunctionArn;

    CredentialPlaybookFixture(AwsEmulator emulator) {
        this(emulator, Map.of());
    }

    /** {@code extraEnv}: added to every playbook function's environment (e.g. the benchmark turns the cooldown off). */
    CredentialPlaybookFixture(AwsEmulator emulator, Map<String, String> extraEnv) {
        this.emulator = emulator;
        secrets = EmulatorClients.client(SecretsManagerClient.builder(), emulator);
        waf = EmulatorClients.client(Wafv2Client.builder(), emulator);
        // Tagged as the stack tags its block list: the playbook's role may only change opted-in IP sets.
        ipSetId = waf.createIPSet(r -> r.name(IP_SET_NAME).scope(Scope.REGIONAL).ipAddressVersion(IPAddressVersion.IPV4)
                .addresses("192.0.2.1/32").tags(t -> t.key("dr:protected").value("true"))).summary().id();
        ipSet6Id = waf.createIPSet(r -> r.name(IP_SET6_NAME).scope(Scope.REGIONAL).ipAddressVersion(IPAddressVersion.IPV6)
                .tags(t -> t.key("dr:protected").value("true"))).summary().id();
        responder = LocalResponder.create(emulator).localDatabase(null).env("WAF_SAFELIST", SAFELIST);
        extraEnv.forEach(responder::env);
        responder.functionsOf(PLAYBOOK);
        rotationFunctionArn = responder.functionArn(Catalog.RESPONDER.function(ROTATION_FUNCTION).logicalId());
        responder.playbook(PLAYBOOK, Map.of("WafIpSetName", IP_SET_NAME, "WafIpSetId", ipSetId, "WafScope", "REGIONAL",
                "WafIpSet6Name", IP_SET6_NAME, "WafIpSet6Id", ipSet6Id));
    }

    /**
     * A PostgreSQL user and its secret with rotation configured (RotateImmediately=false: the emulator only runs
     * testSecret). Returns the secret ARN.
     */
    String databaseSecret(PostgresFixture postgres, String user, String password, Map<String, String> tags) {
        postgres.createUser(user, password, false);
        createdSecrets.add(user);
        List<Tag> tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        passwords.add(password);
        String arn = secrets.createSecret(r -> r.name("db/" + user).secretString(PostgresRotationIT.secretJson(postgres, user, password, null))
                .tags(tagList)).arn();
        // The rotation function's role admits opted-in secrets only (docs/SECURITY.md): AWS would run its testSecret
        // step for any other secret and be refused, so only opted-in secrets use it.
        if ("true".equals(tags.get("dr:protected"))) {
            configureRotation(arn);
        }
        return arn;
    }

    /** Turns rotation on without rotating (RotateImmediately=false: AWS only tests the function, nothing stays staged). */
    void configureRotation(String arn) {
        secrets.rotateSecret(r -> r.secretId(arn).rotationLambdaARN(rotationFunctionArn).rotationRules(x -> x.automaticallyAfterDays(30L))
                .rotateImmediately(false));
    }

    String currentPassword(String secretId) {
        return DatabaseSecret.parse(secretId, secrets.getSecretValue(r -> r.secretId(secretId).versionStage("AWSCURRENT")).secretString()).password();
    }

    /** Every password a secret was created with, and the secrets' names: no run's history may hold either password. */
    private final List<String> passwords = new java.util.ArrayList<>();
    private final List<String> createdSecrets = new java.util.ArrayList<>();

    /** Runs the playbook to its end; its execution history is then scanned for every password, old and current. */
    DescribeExecutionResponse run(String input, Duration timeout) {
        DescribeExecutionResponse execution = runUnscanned(input, timeout);
        List<String> values = new java.util.ArrayList<>(passwords);
        createdSecrets.forEach(user -> values.add(currentPassword("db/" + user)));
        ExecutionHistorySecrets.assertNoneIn(responder.sfn, execution.executionArn(), values);
        return execution;
    }

    /** Starts the playbook as an operator would: the execution is named after the input's incident id. */
    private DescribeExecutionResponse runUnscanned(String input, Duration timeout) {
        return responder.awaitExecution(responder.start(PLAYBOOK, input), timeout);
    }

    /** Starts a routed GuardDuty input the way the router does: incident and lock first, then the execution. */
    DescribeExecutionResponse runRouted(com.fasterxml.jackson.databind.node.ObjectNode input, Duration timeout) {
        responder.openAsRouter(PLAYBOOK, input);
        return run(input.toString(), timeout);
    }

    static String newIncidentId() {
        return "inc-" + java.util.UUID.randomUUID();
    }

    static String manualInput(String incidentId, Map<String, Object> request) {
        Map<String, Object> input = new LinkedHashMap<>(request);
        input.put("incidentId", incidentId);
        return Json.write(input);
    }
}
