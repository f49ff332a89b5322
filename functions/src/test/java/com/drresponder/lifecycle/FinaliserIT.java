package com.drresponder.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.Severity;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The finaliser in the emulator. moto emits no Step Functions status-change events, so each test ends an execution
 * the way AWS would see it (StopExecution) and then delivers the event AWS would emit (events/samples/stepfunctions/)
 * to the deployed finaliser function.
 */
@AwsEmulatorTest
class FinaliserIT {
    static final String ABORTED = RepositoryFiles.read("events/samples/stepfunctions/execution-aborted.json");
    static final String TIMED_OUT = RepositoryFiles.read("events/samples/stepfunctions/execution-timed-out.json");
    static final String ROLLBACK = "rollback-lambda-alias";
    static final String SAMPLE_ARN = "arn:aws:states:us-east-1:123456789012:execution:rollback-lambda-alias:rollback-checkout-api-live-5c7494a8abb9ebcb";
    static final String SAMPLE_NAME = "rollback-checkout-api-live-5c7494a8abb9ebcb";

    AwsEmulator emulator;
    RollbackEstate estate;
    LocalResponder responder;
    DynamoDbLedger ledger;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        this.emulator = emulator;
        estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "600"));
        responder = estate.responder.function("Finaliser");
        ledger = responder.ledger();
    }

    @Test
    void abort_should_recordFailNotifyAndReleaseTheLock_when_anOperatorStopsTheExecution() {
        // GIVEN a rollback verifying (the alarm keeps firing), holding the alias
        JsonNode started = route(RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        String incidentId = started.get("incidentId").asText();
        String executionArn = started.get("executionArn").asText();
        String lockKey = estate.functionArn + ":live";
        awaitUntil(() -> estate.aliasVersion().equals("2"));
        // ... and in its verify loop: stopped mid-task (record-rollback in flight), moto's engine sometimes fails the task
        // with a null input and reports FAILED instead of ABORTED (seen under load); AWS ends a stopped execution ABORTED
        awaitUntil(() -> ledger.timeline(incidentId).stream().anyMatch(e -> e.action().equals("Update alias") && e.outcome().equals("succeeded")));

        // WHEN an operator stops it, and Step Functions reports the abort
        responder.sfn.stopExecution(b -> b.executionArn(executionArn).error("Operator").cause("stopped by the test"));
        assertThat(responder.awaitExecution(executionArn, Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.ABORTED);
        String event = statusChange(ABORTED, executionArn, incidentId);
        JsonNode outcome = finalise(event);

        // THEN the outcome is on the timeline, the incident is over, the alias is free and people were told
        assertFinalisedAsFailed(outcome, incidentId, lockKey, executionArn, "aborted", "stopped (StopExecution)");
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText()).filteredOn(s -> s.contains("Failed"))
                .containsExactly("[P2] Failed: rollback-lambda-alias on checkout-api:live");

        // AND a second delivery of the same event (EventBridge: at least once) records and tells nothing twice
        finalise(event);
        assertThat(ledger.timeline(incidentId)).filteredOn(e -> e.actor().equals(ExecutionFinaliser.ACTOR)).hasSize(1);
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText()).noneMatch(s -> s.contains("Failed"));

        // AND the next alarm on the alias starts a new playbook
        String next = RepositoryFiles.read(RollbackEstate.ALARM_EVENT).replace("2024-03-15T10:02:41.321+0000", "2024-03-15T10:30:41.321+0000");
        assertThat(route(next).get("outcome").asText()).isEqualTo("STARTED");
    }

    @Test
    void timeout_should_recordFailNotifyAndReleaseTheLock_when_thePlaybookRunsPastItsTimeoutSeconds() {
        // GIVEN the rollback playbook deployed with a TimeoutSeconds of 20 s (the local deployment's setting; the table's is 25 h),
        // verifying for 10 minutes: it can only end by timing out
        responder.sfn.deleteStateMachine(b -> b.stateMachineArn(responder.stateMachineArns.get(ROLLBACK)));
        responder.playbook(ROLLBACK, Map.of(), 20);
        JsonNode started = route(RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        String incidentId = started.get("incidentId").asText();
        String executionArn = started.get("executionArn").asText();
        String lockKey = estate.functionArn + ":live";

        // WHEN Step Functions times it out and reports it
        DescribeExecutionResponse ended = responder.awaitExecution(executionArn, Duration.ofSeconds(120));
        assertThat(ended.status()).isEqualTo(ExecutionStatus.TIMED_OUT);
        assertThat(ledger.lock(lockKey)).as("the playbook cannot release what it holds when it times out").get()
                .satisfies(l -> assertThat(l.incidentId()).isEqualTo(incidentId));
        JsonNode outcome = finalise(statusChange(TIMED_OUT, executionArn, incidentId));

        // THEN the outcome is recorded, the incident FAILED, the lock released and people told
        assertFinalisedAsFailed(outcome, incidentId, lockKey, executionArn, "timed_out", "ran past its TimeoutSeconds");
        assertThat(responder.notifications()).filteredOn(n -> n.get("Subject").asText().contains("Failed"))
                .anySatisfy(n -> assertThat(n.get("Message").asText()).contains("TIMED_OUT"));
    }

    @Test
    void runtimeError_should_recordFailNotifyAndReleaseTheLock_when_noCatchCanRun() {
        // GIVEN a planner that answers a plan without its fromVersion and with a revision that is no longer current: Update alias
        // is refused (PreconditionFailed), and the Pass state that remembers the version seen then fails with States.Runtime
        // (its InputPath names nothing); a Pass state has no Catch, and in AWS a States.ALL Catch would not match it either
        String plan = ("{\"action\":\"rollback\",\"functionName\":\"checkout-api\",\"alias\":\"live\",\"toVersion\":\"2\","
                + "\"revisionId\":\"stale-revision\",\"badVersion\":\"3\",\"source\":\"fallback\",\"reason\":\"test\","
                + "\"intent\":\"Pointing checkout-api:live to 2\",\"undo\":\"aws lambda update-alias (no version known)\"}");
        emulator.setStepFunctionsMockConfig("{\"StateMachines\":{\"" + ROLLBACK + "\":{\"TestCases\":{\"Runtime\":{\"Plan rollback\":\"PartialPlan\"}}}},"
                + "\"MockedResponses\":{\"PartialPlan\":{\"0\":{\"Return\":{\"Payload\":" + plan + "}}}}}");
        String lockKey = estate.functionArn + ":live";
        String input = Json.object().put("incidentId", "manual-runtime").put("functionName", RollbackEstate.FUNCTION).put("alias", "live")
                .put("severity", "P2").toString();

        // WHEN an operator starts it and it fails outside its states
        String executionArn = responder.sfn.startExecution(b -> b.stateMachineArn(responder.stateMachineArns.get(ROLLBACK) + "#Runtime")
                .name("manual-runtime").input(input)).executionArn();
        DescribeExecutionResponse ended = responder.awaitExecution(executionArn, Duration.ofSeconds(90));
        assertThat(ended.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(ended.error()).isEqualTo("States.Runtime");
        assertThat(ledger.lock(lockKey)).as("nothing in the playbook released it").get()
                .satisfies(l -> assertThat(l.incidentId()).isEqualTo("manual-runtime"));
        JsonNode outcome = finalise(statusChangeOf(ended));

        // THEN the finaliser records the error, fails the incident, frees the alias and tells people
        assertFinalisedAsFailed(outcome, "manual-runtime", lockKey, executionArn, null, "error States.Runtime");
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText())
                .contains("[P2] Failed: rollback-lambda-alias on checkout-api:live");
    }

    @Test
    void forgedStatusChange_should_changeNothing_when_itIsNotAnExecutionOfThisIncident() {
        // GIVEN an incident the router started (execution recorded) and one an operator started (its request recorded), both running
        Instant now = Instant.now();
        String routed = "rollback-checkout-api-live-0123456789abcdef";
        String routedArn = responder.stateMachineArns.get(ROLLBACK).replace(":stateMachine:", ":execution:") + ":" + routed;
        String resource = estate.functionArn + ":live";
        ledger.openIncident(new Incident(routed, ROLLBACK, resource, "alarm", Severity.P2, IncidentStatus.INVESTIGATING, null,
                "Roll back", "{}", now, now));
        ledger.recordExecution(routed, routedArn, IncidentStatus.INVESTIGATING, now);
        ledger.acquireLock(resource, routed, now, now.plusSeconds(600));
        String manual = "manual-direct";
        String otherResource = "arn:aws:lambda:us-east-1:" + emulator.accountId() + ":function:other:live";
        ledger.openIncident(new Incident(manual, ROLLBACK, otherResource, "manual:step-functions", Severity.P2, IncidentStatus.INVESTIGATING,
                null, "Roll back", "{\"incidentId\":\"manual-direct\",\"functionName\":\"other\",\"alias\":\"live\"}", now, now));
        ledger.acquireLock(otherResource, manual, now, now.plusSeconds(600));
        responder.notifications();

        // WHEN forged "ended" events arrive for them
        String fromElsewhere = statusChange(ABORTED, routedArn, routed).replace(emulator.accountId(), "999999999999");
        String notOurStateMachine = statusChange(ABORTED, routedArn.replace(":" + ROLLBACK + ":", ":lookalike:"), routed)
                .replace(":stateMachine:" + ROLLBACK, ":stateMachine:lookalike");
        String otherRequest = statusChange(ABORTED, routedArn.replace(routed, manual), manual)
                .replace("\"input\": \"{}\"", "\"input\": \"{\\\"incidentId\\\":\\\"manual-direct\\\",\\\"functionName\\\":\\\"checkout-api\\\",\\\"alias\\\":\\\"live\\\"}\"");
        String renamed = statusChange(ABORTED, routedArn.replace(routed, manual), routed); // name and ARN disagree
        // THEN each is refused, and neither incident, lock, timeline nor anyone's inbox changes
        for (String forged : List.of(fromElsewhere, notOurStateMachine, otherRequest, renamed)) {
            InvokeResponse response = responder.invoke("Finaliser", forged);
            assertThat(response.functionError()).as(forged).isNotNull();
        }
        assertThat(ledger.incident(routed)).get().extracting(Incident::status).isEqualTo(IncidentStatus.INVESTIGATING);
        assertThat(ledger.incident(manual)).get().extracting(Incident::status).isEqualTo(IncidentStatus.INVESTIGATING);
        assertThat(ledger.lock(resource)).get().satisfies(l -> assertThat(l.incidentId()).isEqualTo(routed));
        assertThat(ledger.lock(otherResource)).get().satisfies(l -> assertThat(l.incidentId()).isEqualTo(manual));
        assertThat(ledger.timeline(routed)).noneMatch(e -> e.actor().equals(ExecutionFinaliser.ACTOR));
        assertThat(ledger.timeline(manual)).noneMatch(e -> e.actor().equals(ExecutionFinaliser.ACTOR));
        assertThat(responder.notifications()).isEmpty();

        // AND the genuine event of the operator's execution (its own input) is accepted: the refusals were not blanket ones
        String genuine = statusChange(ABORTED, routedArn.replace(routed, manual), manual)
                .replace("\"input\": \"{}\"", "\"input\": \"{\\\"incidentId\\\":\\\"manual-direct\\\",\\\"functionName\\\":\\\"other\\\",\\\"alias\\\":\\\"live\\\"}\"");
        assertThat(finalise(genuine).get("lockReleased").asBoolean()).isTrue();
    }

    /** The status-change event AWS emits for an execution that ended as {@code ended} describes it. */
    static String statusChangeOf(DescribeExecutionResponse ended) {
        com.fasterxml.jackson.databind.node.ObjectNode event = (com.fasterxml.jackson.databind.node.ObjectNode) LocalResponder.json(ABORTED);
        event.putArray("resources").add(ended.executionArn());
        event.with("detail").put("executionArn", ended.executionArn()).put("stateMachineArn", ended.stateMachineArn())
                .put("name", ended.name()).put("status", ended.statusAsString()).put("input", ended.input())
                .put("error", ended.error()).put("cause", ended.cause());
        return event.toString();
    }

    @Test
    void designedEscalation_should_onlyBeCounted_and_keepALockHeldForAnOperator() {
        // GIVEN an incident that escalated by design and keeps its resource locked for an operator (CutoverUndoFailed)
        Instant now = Instant.now();
        String resource = "arn:aws:rds:us-east-1:" + responder.emulator.accountId() + ":cluster:orders-db";
        ledger.openIncident(new Incident(SAMPLE_NAME, "restore-database-to-point-in-time", resource, "manual", Severity.P1,
                IncidentStatus.INVESTIGATING, null, "Restore orders-db", "{}", now, now));
        ledger.acquireLock(resource, SAMPLE_NAME, now, now.plusSeconds(600));
        ledger.holdLock(resource, SAMPLE_NAME, now);
        ledger.updateStatus(SAMPLE_NAME, IncidentStatus.ESCALATED, now);
        responder.notifications();

        // WHEN its execution's FAILED event arrives
        JsonNode outcome = finalise(ABORTED.replace("\"status\": \"ABORTED\"", "\"status\": \"FAILED\"")
                .replace("\"error\": null", "\"error\": \"CutoverUndoFailed\""));

        // THEN it is a designed ending: recorded, not announced again, status kept, the operator's lock kept
        assertThat(outcome.get("designed").asBoolean()).isTrue();
        assertThat(outcome.get("lockReleased").asBoolean()).isFalse();
        assertThat(ledger.incident(SAMPLE_NAME)).get().extracting(Incident::status).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(ledger.lock(resource)).get().satisfies(l -> assertThat(l.heldForOperator()).isTrue());
        assertThat(ledger.timeline(SAMPLE_NAME)).extracting(TimelineEntry::outcome).containsExactly("failed");
        assertThat(responder.notifications()).isEmpty();

        // AND it is counted as the metric the ResponderFailed alarm subtracts (DrResponderStackTest): namespace DrResponder,
        // one dimension set, Service = the finaliser's catalog name
        JsonNode emf = finaliserLog().stream().filter(l -> l.contains("\"PlaybookEscalated\"")).map(LocalResponder::json)
                .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("no PlaybookEscalated metric in the finaliser's log"));
        JsonNode metrics = emf.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(metrics.path("Namespace").asText()).isEqualTo(com.drresponder.catalog.Catalog.METRICS_NAMESPACE);
        assertThat(metrics.path("Dimensions").toString()).isEqualTo("[[\"Service\"]]");
        assertThat(emf.path("Service").asText()).isEqualTo("finaliser");
    }

    @Test
    void finaliser_should_refuseTheEvent_when_itIsNotAStatusChangeOfAnEndedExecution() {
        InvokeResponse running = responder.invoke("Finaliser", ABORTED.replace("\"status\": \"ABORTED\"", "\"status\": \"RUNNING\""));
        assertThat(running.functionError()).isNotNull();
        assertThat(running.payload().asUtf8String()).contains("status in");
        InvokeResponse other = responder.invoke("Finaliser", ABORTED.replace("\"source\": \"aws.states\"", "\"source\": \"drresponder.manual\""));
        assertThat(other.functionError()).isNotNull();
        assertThat(ledger.recentIncidents(10)).isEmpty();
    }

    java.util.List<String> finaliserLog() {
        try {
            return java.nio.file.Files.readAllLines(emulator.lambdaHost().logFile("finaliser"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static String statusChange(String sample, String executionArn, String name) {
        return sample.replace(SAMPLE_ARN, executionArn).replace(SAMPLE_NAME, name);
    }

    /**
     * An end no Catch designed, recorded by the finaliser alone: the incident FAILED, one finaliser entry ({@code recorded}
     * as its outcome unless null; the execution and {@code detail} in its detail), the lock it released free.
     */
    void assertFinalisedAsFailed(JsonNode outcome, String incidentId, String lockKey, String executionArn, String recorded, String detail) {
        assertThat(outcome.get("designed").asBoolean()).isFalse();
        assertThat(outcome.get("lockReleased").asBoolean()).isTrue();
        assertThat(ledger.incident(incidentId)).get().extracting(Incident::status).isEqualTo(IncidentStatus.FAILED);
        assertThat(ledger.timeline(incidentId)).filteredOn(e -> e.actor().equals(ExecutionFinaliser.ACTOR)).singleElement()
                .satisfies(e -> assertThat(e.detail()).startsWith(executionArn).contains(detail))
                .satisfies(e -> assertThat(recorded == null || e.outcome().equals(recorded)).as("outcome " + e.outcome()).isTrue());
        assertThat(ledger.lock(lockKey)).isEmpty();
    }

    JsonNode finalise(String event) {
        InvokeResponse response = responder.invoke("Finaliser", event);
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return LocalResponder.json(response.payload().asUtf8String());
    }

    JsonNode route(String event) {
        InvokeResponse response = responder.invoke("IncidentRouter", event);
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return LocalResponder.json(response.payload().asUtf8String());
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition never met").isBefore(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
