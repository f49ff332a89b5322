package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The rollback playbook end to end in the emulator: the sample alarm event goes through the real
 * router function, the real ASL runs in the emulator's Step Functions engine and calls the real Java
 * plan / record / check handlers through the Lambda host, and the alias in the emulator's Lambda moves.
 */
@AwsEmulatorTest
class RollbackPlaybookIT {
    static final String FUNCTION = RollbackEstate.FUNCTION;
    static final String ALARM = RollbackEstate.ALARM;
    static final String ALARM_EVENT = RollbackEstate.ALARM_EVENT;

    AwsEmulator emulator;
    RollbackEstate estate;
    LocalResponder responder;
    LambdaClient lambda;
    CloudWatchClient cloudWatch;
    String functionArn;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        deploy(emulator, Duration.ofSeconds(60));
    }

    void deploy(AwsEmulator emulator, Duration verifyWindow) {
        this.emulator = emulator;
        estate = RollbackEstate.deploy(emulator, verifyWindow);
        responder = estate.responder;
        lambda = estate.lambda;
        cloudWatch = estate.cloudWatch;
        functionArn = estate.functionArn;
    }

    String aliasVersion() {
        return estate.aliasVersion();
    }

    JsonNode route(String event) {
        InvokeResponse response = responder.invoke("IncidentRouter", event);
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return LocalResponder.json(response.payload().asUtf8String());
    }

    void awaitAliasVersion(String version, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!aliasVersion().equals(version)) {
            assertThat(Instant.now()).as("alias never reached version " + version).isBefore(deadline);
            pause(50);
        }
    }

    @Test
    void alarm_should_rollAliasBackAndResolve_when_alarmClearsAfterRollback() throws Exception {
        // GIVEN checkout-api:live on version 3, its error alarm firing
        emulator.clearRequests();
        Instant eventSent = Instant.now();

        // WHEN the alarm's state-change event reaches the router
        JsonNode routed = route(RepositoryFiles.read(ALARM_EVENT));
        assertThat(routed.get("outcome").asText()).isEqualTo("STARTED");

        // THEN the alias moves to version 2 (highest published below 3, no history yet)
        awaitAliasVersion("2", Duration.ofSeconds(60));
        Duration eventToAlias = Duration.between(eventSent, Instant.now());
        List<AwsEmulator.ApiRequest> untilAliasUpdated = untilFirst(emulator.requests(), "UpdateAlias");
        cloudWatch.setAlarmState(b -> b.alarmName(ALARM).stateValue(StateValue.OK).stateReason("recovered"));
        DescribeExecutionResponse execution = responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));
        assertThat(execution.status()).as(execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(aliasVersion()).isEqualTo("2");

        // AND the ledger has the whole story, the bad version remembered and the lock released
        String incidentId = routed.get("incidentId").asText();
        DynamoDbLedger ledger = responder.ledger();
        assertThat(ledger.incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(ledger.timeline(incidentId)).extracting(TimelineEntry::action).containsSubsequence(
                "Incident opened", "Start playbook rollback-lambda-alias", "Playbook started", "Update alias", "Verify alarm");
        // (write-ahead: the intent and its undo before UpdateAlias, the outcome after it)
        String undo = "aws lambda update-alias --function-name checkout-api --name live --function-version 3";
        assertThat(ledger.timeline(incidentId)).filteredOn(e -> e.action().equals("Update alias")).extracting(TimelineEntry::outcome)
                .containsExactly("started", "succeeded");
        assertThat(ledger.timeline(incidentId)).filteredOn(e -> e.action().equals("Update alias")).first()
                .satisfies(e -> assertThat(e.detail()).contains("Pointing checkout-api:live from version 3 to 2"))
                .satisfies(e -> assertThat(e.undo()).isEqualTo(undo));
        assertThat(ledger.timeline(incidentId)).filteredOn(e -> e.action().equals("Update alias")).last()
                .satisfies(e -> assertThat(e.detail()).contains("version 3 -> 2"))
                .satisfies(e -> assertThat(e.undo()).isEqualTo(undo));
        assertThat(ledger.badVersions(functionArn)).containsExactly("3");
        assertThat(ledger.acquireLock(functionArn + ":live", "probe", Instant.now(), Instant.now().plusSeconds(5)).acquired()).isTrue();

        // AND people heard Investigating -> Mitigated -> Resolved
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText())
                .containsExactly("[P2] Investigating: rollback-lambda-alias on checkout-api:live",
                        "[P2] Mitigated: rollback-lambda-alias on checkout-api:live",
                        "[P2] Resolved: rollback-lambda-alias on checkout-api:live");

        writeBenchmark(eventToAlias, untilAliasUpdated);
        assertThat(untilAliasUpdated.stream().filter(r -> r.action().equals("UpdateAlias"))).hasSize(1);
    }

    @Test
    void duplicates_should_startExactlyOneRollback_when_hundredCopiesOfTheAlarmArrive() throws Exception {
        // GIVEN 100 deliveries of the same alarm transition, as an alarm storm with retries looks
        String event = RepositoryFiles.read(ALARM_EVENT);
        emulator.clearRequests();

        // WHEN they reach the router concurrently
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<JsonNode>> results = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String copy = event.replace("\"id\": \"", "\"id\": \"dup" + i + "-");
            results.add(pool.submit(() -> route(copy)));
        }
        Map<String, Long> outcomes = new java.util.TreeMap<>();
        for (Future<JsonNode> f : results) {
            outcomes.merge(f.get().get("outcome").asText(), 1L, Long::sum);
        }
        pool.shutdown();

        // THEN one execution started, the other 99 were recognised as the same occurrence
        assertThat(outcomes).containsEntry("STARTED", 1L);
        assertThat(outcomes.getOrDefault("DUPLICATE", 0L) + outcomes.getOrDefault("JOINED", 0L)).isEqualTo(99L);
        assertThat(responder.sfn.listExecutions(b -> b.stateMachineArn(responder.stateMachineArns.get("rollback-lambda-alias")))
                .executions()).hasSize(1);
        awaitAliasVersion("2", Duration.ofSeconds(60));
        cloudWatch.setAlarmState(b -> b.alarmName(ALARM).stateValue(StateValue.OK).stateReason("recovered"));
        String executionArn = responder.sfn.listExecutions(b -> b.stateMachineArn(responder.stateMachineArns.get("rollback-lambda-alias")))
                .executions().get(0).executionArn();
        assertThat(responder.awaitExecution(executionArn, Duration.ofSeconds(90)).status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(emulator.requests().stream().filter(r -> r.action().equals("UpdateAlias"))).hasSize(1);
    }

    @Test
    void alarm_should_escalateWithoutSecondRollback_when_alarmStaysInAlarm() {
        // GIVEN a short verify window and an alarm that keeps firing after the rollback
        emulator.reset();
        deploy(emulator, Duration.ofSeconds(3));

        // WHEN the alarm routes
        JsonNode routed = route(RepositoryFiles.read(ALARM_EVENT));
        DescribeExecutionResponse execution = responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));

        // THEN exactly one step back (3 -> 2), then escalation; never a cascade down the version list
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).as(execution.cause()).isEqualTo("AlarmStillFiring");
        assertThat(aliasVersion()).isEqualTo("2");
        String incidentId = routed.get("incidentId").asText();
        assertThat(responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText())
                .last().asString().startsWith("[P2] Escalated");
    }

    @Test
    void conflict_should_replanOnceThenStepAside_when_aliasKeepsChangingUnderUs() {
        // GIVEN someone moved the alias to 1 after our plan read its RevisionId. The plan step is mocked
        // (Step Functions mock config) to return that stale plan; UpdateAlias is real, and the emulator
        // enforces RevisionId as Lambda does. moto replays mocked response "0" each time a state is
        // re-entered, so the re-plan sees the same stale plan: a second conflict. (The planner's own
        // "changed by someone else" escalation is covered by RollbackPlannerTest.)
        lambda.updateAlias(b -> b.functionName(FUNCTION).name("live").functionVersion("1"));
        String stale = """
                {"Payload":{"action":"rollback","functionName":"checkout-api","alias":"live","aliasArn":"%s","fromVersion":"3",
                 "toVersion":"2","revisionId":"stale-revision","badVersion":"3","source":"fallback","reason":"test",
                 "intent":"Pointing checkout-api:live from version 3 to 2 (test)",
                 "undo":"aws lambda update-alias --function-name checkout-api --name live --function-version 3"}}"""
                .formatted(functionArn + ":live");
        emulator.setStepFunctionsMockConfig(mockConfig("Conflict", Map.of("Plan rollback", "{\"0\":{\"Return\":" + stale + "}}")));
        emulator.clearRequests();

        // WHEN the playbook runs
        DescribeExecutionResponse execution = startDirect("Conflict", "{}");

        // THEN both stale updates were refused, the conflict was recorded, re-planned once, then escalated
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).as(responder.ledger().timeline("manual-conflict").toString()).isEqualTo("AliasChangedConcurrently");
        assertThat(aliasVersion()).as("the operator's change survives").isEqualTo("1");
        assertThat(emulator.requests().stream().filter(r -> r.action().equals("UpdateAlias") && !r.client().equals("test"))).hasSize(2);
        assertThat(responder.ledger().timeline("manual-conflict")).extracting(TimelineEntry::outcome)
                .containsSubsequence("conflict", "escalated").filteredOn("conflict"::equals).hasSize(1);
    }

    @Test
    void failure_should_reachCatchNotifyAndReleaseLock_when_updateAliasKeepsFailing() {
        // GIVEN Lambda failing every UpdateAlias attempt (mocked), retries included
        String error = "{\"Throw\":{\"Error\":\"Lambda.ServiceException\",\"Cause\":\"Lambda is unavailable\"}}";
        emulator.setStepFunctionsMockConfig(mockConfig("Broken", Map.of("Update alias", "{\"0-3\":" + error + "}")));

        // WHEN the playbook runs
        DescribeExecutionResponse execution = startDirect("Broken", "{}");

        // THEN the Catch recorded the failure, told people, and freed the alias
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("RollbackFailed");
        assertThat(aliasVersion()).isEqualTo("3");
        assertThat(responder.ledger().timeline("manual-broken")).last()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("failed"))
                .satisfies(e -> assertThat(e.detail()).contains("Lambda.ServiceException"));
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText()).last().asString().startsWith("[P2] Failed");
        assertThat(responder.ledger().acquireLock(functionArn + ":live", "probe", Instant.now(), Instant.now().plusSeconds(5)).acquired()).isTrue();
    }

    @Test
    void dryRun_should_recordThePlanAndChangeNothing_when_startedByHandWithDryRun() {
        DescribeExecutionResponse execution = startDirect(null, "{\"dryRun\":true}");

        assertThat(execution.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(aliasVersion()).isEqualTo("3");
        assertThat(responder.ledger().timeline("manual-dry-run")).filteredOn(e -> e.action().equals("Dry run")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("Would rollback checkout-api:live from 3 to 2"));
    }

    /** Starts the playbook as an operator would (no router): the input carries its own incident id. */
    DescribeExecutionResponse startDirect(String testCase, String extraJson) {
        String name = testCase == null ? "manual-dry-run" : "manual-" + testCase.toLowerCase();
        JsonNode extra = LocalResponder.json(extraJson);
        com.fasterxml.jackson.databind.node.ObjectNode input = com.drresponder.common.Json.object()
                .put("incidentId", name).put("functionName", FUNCTION).put("alias", "live")
                .put("lockKey", functionArn + ":live").put("severity", "P2");
        input.setAll((com.fasterxml.jackson.databind.node.ObjectNode) extra);
        String arn = responder.stateMachineArns.get("rollback-lambda-alias") + (testCase == null ? "" : "#" + testCase);
        String executionArn = responder.sfn.startExecution(b -> b.stateMachineArn(arn).name(name).input(input.toString())).executionArn();
        return responder.awaitExecution(executionArn, Duration.ofSeconds(90));
    }

    static String mockConfig(String testCase, Map<String, String> stateResponses) {
        String mocks = stateResponses.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":\"" + testCase + e.getKey().replace(" ", "") + "\"").collect(Collectors.joining(","));
        String responses = stateResponses.entrySet().stream()
                .map(e -> "\"" + testCase + e.getKey().replace(" ", "") + "\":" + e.getValue()).collect(Collectors.joining(","));
        return "{\"StateMachines\":{\"rollback-lambda-alias\":{\"TestCases\":{\"" + testCase + "\":{" + mocks + "}}}},"
                + "\"MockedResponses\":{" + responses + "}}";
    }

    static List<AwsEmulator.ApiRequest> untilFirst(List<AwsEmulator.ApiRequest> requests, String action) {
        List<AwsEmulator.ApiRequest> until = new ArrayList<>();
        for (AwsEmulator.ApiRequest r : requests) {
            until.add(r);
            if (r.action().equals(action)) {
                return until;
            }
        }
        throw new AssertionError(action + " never happened: " + requests);
    }

    /** Figures for docs/BENCHMARKS.md: written, not asserted (a benchmark, not a timed test). */
    static void writeBenchmark(Duration eventToAlias, List<AwsEmulator.ApiRequest> calls) throws Exception {
        Map<String, Long> byAction = calls.stream().collect(Collectors.groupingBy(
                r -> r.client() + " " + r.service() + ":" + r.action(), java.util.TreeMap::new, Collectors.counting()));
        Path out = Path.of("target", "benchmarks", "rollback-it.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "event-to-alias-updated-ms=" + eventToAlias.toMillis() + "\ncalls-total=" + calls.size() + "\n"
                + byAction.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("\n")) + "\n",
                StandardCharsets.UTF_8);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
