package com.drresponder.credentials;

import com.drresponder.catalog.Catalog;
import com.drresponder.catalog.Substitutions;
import com.drresponder.local.ResponderDeployment;
import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.playbook.CredentialResponseRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.ExecutionHistorySecrets;
import com.drresponder.testing.LedgerFixture;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testsupport.AwsEmulator;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Tag;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.wafv2.Wafv2Client;
import software.amazon.awssdk.services.wafv2.model.IPAddressVersion;
import software.amazon.awssdk.services.wafv2.model.Scope;

/**
 * The respond-to-credential-compromise playbook deployed into the emulator as the stack would: its Java functions,
 * the ledger and topic, a WAF IP set, and the real ASL with its substitutions. Used by the IT and the benchmark.
 */
final class CredentialPlaybookFixture {
    static final String IP_SET_NAME = "drresponder-blocklist";
    static final String IP_SET6_NAME = "drresponder-blocklist6";
    static final String ROTATION_FUNCTION = "secret-rotation";
    /** The deployment's own addresses, never blocked (config wafSafelist). */
    static final String SAFELIST = "192.0.2.128/25,2001:db8:5afe::/48";
    static final List<String> FUNCTIONS = Catalog.RESPONDER.invokedBy(Catalog.RESPONDER.playbook("respond-to-credential-compromise"))
            .stream().map(Catalog.Function::name).toList();

    final AwsEmulator emulator;
    final LedgerFixture ledger;
    final SecretsManagerClient secrets;
    final SfnClient sfn;
    final Wafv2Client waf;
    final String ipSetId;
    final String ipSet6Id;
    final String rotationFunctionArn;
    final String stateMachineArn;

    CredentialPlaybookFixture(AwsEmulator emulator) {
        this(emulator, Map.of());
    }

    /** {@code extraEnv}: added to every playbook function's environment (e.g. the benchmark turns the cooldown off). */
    CredentialPlaybookFixture(AwsEmulator emulator, Map<String, String> extraEnv) {
        this.emulator = emulator;
        ledger = LedgerFixture.create(emulator);
        secrets = EmulatorClients.client(SecretsManagerClient.builder(), emulator);
        sfn = EmulatorClients.client(SfnClient.builder(), emulator);
        waf = EmulatorClients.client(Wafv2Client.builder(), emulator);
        // Tagged as the stack tags its block list: the playbook's role may only change opted-in IP sets.
        ipSetId = waf.createIPSet(r -> r.name(IP_SET_NAME).scope(Scope.REGIONAL).ipAddressVersion(IPAddressVersion.IPV4)
                .addresses("192.0.2.1/32").tags(t -> t.key("dr:protected").value("true"))).summary().id();
        ipSet6Id = waf.createIPSet(r -> r.name(IP_SET6_NAME).scope(Scope.REGIONAL).ipAddressVersion(IPAddressVersion.IPV6)
                .tags(t -> t.key("dr:protected").value("true"))).summary().id();
        Map<String, String> env = new LinkedHashMap<>(ledger.environment());
        env.put("DR_MODE", "enforce");
        env.putAll(ResponderDeployment.localDatabaseEnvironment(null));
        env.put("WAF_SAFELIST", SAFELIST);
        env.putAll(extraEnv);
        Catalog.Playbook playbook = Catalog.RESPONDER.playbook("respond-to-credential-compromise");
        Map<String, String> subs = new LinkedHashMap<>();
        for (Catalog.Function f : Catalog.RESPONDER.invokedBy(playbook)) {
            if (f.step()) {
                subs.put(f.substitution(), ResponderDeployment.create(emulator::deployJavaFunction, f, env));
            }
        }
        subs.put("WafIpSetName", IP_SET_NAME);
        subs.put("WafIpSetId", ipSetId);
        subs.put("WafScope", "REGIONAL");
        subs.put("WafIpSet6Name", IP_SET6_NAME);
        subs.put("WafIpSet6Id", ipSet6Id);
        Catalog.Function rotation = Catalog.RESPONDER.function(ROTATION_FUNCTION);
        rotationFunctionArn = emulator.createJavaFunction(rotation.name(), rotation.handler(), ResponderDeployment.localDatabaseEnvironment(null), 60, 512);
        String definition;
        try {
            definition = Substitutions.apply(com.drresponder.catalog.DeployableAsl.load(RepositoryFiles.resolve("statemachines/" + playbook.stateMachineFile())).definition(), subs);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String finalDefinition = definition;
        stateMachineArn = sfn.createStateMachine(r -> r.name("respond-to-credential-compromise").definition(finalDefinition)
                .roleArn("arn:aws:iam::" + emulator.accountId() + ":role/" + AwsEmulator.LAMBDA_ROLE_NAME)).stateMachineArn();
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
        ExecutionHistorySecrets.assertNoneIn(sfn, execution.executionArn(), values);
        return execution;
    }

    /** Starts the playbook as an operator would: the execution is named after the input's incident id. */
    private DescribeExecutionResponse runUnscanned(String input, Duration timeout) {
        String name = com.drresponder.testing.LocalResponder.json(input).path("incidentId").asText(UUID.randomUUID().toString());
        String arn = sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(input)).executionArn();
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            DescribeExecutionResponse execution = sfn.describeExecution(r -> r.executionArn(arn));
            if (execution.status() != ExecutionStatus.RUNNING) {
                return execution;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("execution still running after " + timeout + ": " + arn);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Starts a routed GuardDuty input the way the router does: incident and lock first, then the execution. */
    DescribeExecutionResponse runRouted(com.fasterxml.jackson.databind.node.ObjectNode input, Duration timeout) {
        ledger.openAsRouter(CredentialResponseRequest.PLAYBOOK, input);
        return run(input.toString(), timeout);
    }

    static String newIncidentId() {
        return "inc-" + UUID.randomUUID();
    }

    static String manualInput(String incidentId, Map<String, Object> request) {
        Map<String, Object> input = new LinkedHashMap<>(request);
        input.put("incidentId", incidentId);
        return Json.write(input);
    }
}
