package com.drresponder.local;

import com.drresponder.testsupport.Executions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.catalog.Catalog;
import com.drresponder.catalog.Substitutions;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The local deployment deploys exactly what the catalog names (functions, environment keys, substitutions), as
 * infra-cdk's CatalogDeploymentTest proves of the synthesized template: so the two deploy the same. One more
 * playbook is one catalog entry, its ASL and one handler, and runs locally.
 */
@AwsEmulatorTest
class ResponderDeploymentIT {
    /** Set per function by the deployment (runtime tuning) or locally only; not part of the contract. */
    private static final Set<String> NON_CONTRACT_KEYS = new TreeSet<>(List.of("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"));

    static {
        NON_CONTRACT_KEYS.addAll(ResponderDeployment.localDatabaseEnvironment("localhost:1").keySet());
    }

    record Created(String name, String handler, Map<String, String> environment) {}

    @Test
    void deploy_should_createEveryCatalogFunctionWithTheCatalogsEnvironmentAndSubstitutions_when_run(AwsEmulator emulator) {
        Map<String, Created> created = new LinkedHashMap<>();

        ResponderDeployment.Deployed deployed = deploy(emulator, Catalog.RESPONDER, RepositoryFiles.resolve("statemachines"),
                recording(emulator, created), parameters());

        assertThat(created.keySet()).containsExactlyElementsOf(Catalog.RESPONDER.functions().stream().map(Catalog.Function::name).toList());
        for (Catalog.Function f : Catalog.RESPONDER.functions()) {
            Created c = created.get(f.name());
            assertThat(c.handler()).as("handler of %s", f.name()).isEqualTo(f.handler());
            Set<String> expected = new TreeSet<>(Catalog.RESPONDER.environment());
            if (f.equals(Catalog.RESPONDER.router())) {
                Catalog.RESPONDER.playbooks().forEach(p -> expected.add(p.stateMachineEnvVar()));
            }
            Set<String> contract = new TreeSet<>(c.environment().keySet());
            contract.removeAll(NON_CONTRACT_KEYS);
            assertThat(contract).as("environment of %s", f.name()).isEqualTo(expected);
            assertThat(c.environment()).containsEntry("POWERTOOLS_SERVICE_NAME", f.name());
        }
        assertThat(deployed.substitutions().keySet()).containsExactlyInAnyOrderElementsOf(Catalog.RESPONDER.substitutionNames());
        assertThat(deployed.stateMachineArns().keySet())
                .containsExactlyElementsOf(Catalog.RESPONDER.playbooks().stream().map(Catalog.Playbook::name).toList());
    }

    @Test
    void deploy_should_failBeforeCreatingAnything_when_aPlaybookParameterIsMissing(AwsEmulator emulator) {
        Map<String, String> parameters = new LinkedHashMap<>(parameters());
        parameters.remove("WafIpSetId");
        Map<String, Created> created = new LinkedHashMap<>();

        assertThatThrownBy(() -> deploy(emulator, Catalog.RESPONDER, RepositoryFiles.resolve("statemachines"), recording(emulator, created), parameters))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing [WafIpSetId]");
        assertThat(created).isEmpty();
    }

    @Test
    void deploy_should_failBeforeCreatingAnything_when_anEnvironmentKeyIsUnknown(AwsEmulator emulator) {
        Map<String, String> env = new LinkedHashMap<>(environment());
        env.put("LOCK_TTL_MINUTE", "5");
        Map<String, Created> created = new LinkedHashMap<>();

        assertThatThrownBy(() -> ResponderDeployment.deploy(Catalog.RESPONDER, clients(emulator, DynamoDbClient.builder()),
                clients(emulator, SnsClient.builder()), clients(emulator, SfnClient.builder()), recording(emulator, created),
                RepositoryFiles.resolve("statemachines"), emulator.accountId(), env, parameters()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[LOCK_TTL_MINUTE]");
        assertThat(created).isEmpty();
    }

    @Test
    void anotherPlaybook_should_deployAndRun_when_addedAsOneCatalogEntry(AwsEmulator emulator, @TempDir Path dir) throws Exception {
        // GIVEN the repository's playbooks plus one more: a catalog entry, its ASL and one handler
        Catalog.Function step = new Catalog.Function("fail-over-check", "FailOverCheck", FailOverCheckHandler.class.getName() + "::handleRequest",
                "DR Responder: test playbook step", 30, Set.of(), true);
        Catalog.Playbook failover = new Catalog.Playbook("fail-over-test-database", "failover", 3600, List.of(), List.of(), List.of(step));
        Path machines = Files.createDirectories(dir.resolve("statemachines"));
        for (Catalog.Playbook p : Catalog.RESPONDER.playbooks()) {
            Files.copy(RepositoryFiles.resolve("statemachines").resolve(p.stateMachineFile()), machines.resolve(p.stateMachineFile()));
        }
        Files.writeString(machines.resolve(failover.stateMachineFile()), """
                {"Comment":"test playbook","StartAt":"Check","States":{
                  "Check":{"Type":"Task","Comment":"the one step","Resource":"${FailOverCheckFunctionArn}",
                    "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":1}],
                    "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"End":true},
                  "Failed":{"Type":"Fail","Comment":"the step failed"}}}
                """);
        Map<String, Created> created = new LinkedHashMap<>();

        // WHEN the local deployment deploys that catalog and the new playbook runs
        ResponderDeployment.Deployed deployed = deploy(emulator, Catalog.RESPONDER.withPlaybook(failover), machines,
                recording(emulator, created), parameters());
        SfnClient sfn = clients(emulator, SfnClient.builder());
        String execution = sfn.startExecution(b -> b.stateMachineArn(deployed.stateMachineArns().get("fail-over-test-database"))
                .input("{\"incidentId\":\"i-1\"}")).executionArn();
        DescribeExecutionResponse done = await(sfn, execution);

        // THEN its step ran, and the router knows the playbook's state machine
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(LocalResponder.json(done.output()).path("checked").asBoolean()).isTrue();
        assertThat(created.get("incident-router").environment())
                .containsEntry("FAILOVER_STATE_MACHINE_ARN", deployed.stateMachineArns().get("fail-over-test-database"));
        assertThat(Substitutions.names(Files.readString(machines.resolve(failover.stateMachineFile()))))
                .isSubsetOf(deployed.substitutions().keySet());
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String key : Catalog.RESPONDER.environment()) {
            env.put(key, "");
        }
        env.remove("LEDGER_TABLE");
        env.remove("TOPIC_ARN");
        env.remove("DR_ACCOUNT_ID");
        env.put("DR_MODE", "enforce");
        env.put("DR_PARTITION", "aws");
        env.putAll(ResponderDeployment.localDatabaseEnvironment(null));
        return env;
    }

    static Map<String, String> parameters() {
        return Map.of("WafIpSetName", "blocklist", "WafIpSetId", "id-1", "WafIpSet6Name", "blocklist6", "WafIpSet6Id", "id-2", "WafScope", "REGIONAL",
                "RtoTargetMinutes", "60", "RpoTargetMinutes", "5");
    }

    private static ResponderDeployment.Deployed deploy(AwsEmulator emulator, Catalog catalog, Path machines,
                                                       ResponderDeployment.FunctionFactory functions, Map<String, String> parameters) {
        return ResponderDeployment.deploy(catalog, clients(emulator, DynamoDbClient.builder()), clients(emulator, SnsClient.builder()),
                clients(emulator, SfnClient.builder()), functions, machines, emulator.accountId(), environment(), parameters);
    }

    private static ResponderDeployment.FunctionFactory recording(AwsEmulator emulator, Map<String, Created> created) {
        return (name, handler, environment) -> {
            created.put(name, new Created(name, handler, environment));
            return emulator.deployJavaFunction(name, handler, environment);
        };
    }

    private static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C clients(AwsEmulator emulator, B builder) {
        return EmulatorClients.of(emulator, builder);
    }

    private static DescribeExecutionResponse await(SfnClient sfn, String executionArn) {
        return Executions.poll(sfn, executionArn, Duration.ofSeconds(60));
    }
}
