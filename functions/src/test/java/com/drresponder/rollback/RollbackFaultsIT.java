package com.drresponder.rollback;

import com.drresponder.local.ResponderDeployment;
import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulator.Fault;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * AWS failing the rollback path, one class of fault at a time, injected by the emulator into the real calls
 * (the plan step's GetAlias from Java, the state machine's own UpdateAlias): throttling is ridden out, a
 * persistent 5xx is a recorded failure with its undo, AccessDenied escalates naming the action and the role,
 * and a lost answer to an applied UpdateAlias is recognised, not applied twice nor taken for someone else's.
 */
@AwsEmulatorTest
class RollbackFaultsIT {
    static final String UNDO = "aws lambda update-alias --function-name checkout-api --name live --function-version 3";

    AwsEmulator emulator;
    RollbackEstate estate;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        this.emulator = emulator;
        estate = RollbackEstate.deploy(emulator, Duration.ofSeconds(60));
        emulator.clearRequests();
    }

    @Test
    void throttlingBurst_should_beRiddenOut_when_getAliasAndUpdateAliasAreThrottled() {
        // GIVEN Lambda throttling the plan's GetAlias and the state machine's UpdateAlias, twice each
        emulator.injectFault(Fault.error("lambda", "GetAlias", 429, "TooManyRequestsException").matching("checkout-api").times(2));
        emulator.injectFault(Fault.error("lambda", "UpdateAlias", 429, "TooManyRequestsException").times(2));

        // WHEN the alarm routes and later clears (the test reads no alias meanwhile: it would meet the faults itself)
        JsonNode routed = route();
        awaitUnfaulted("UpdateAlias");
        RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);

        // THEN the rollback went through once, after the throttled attempts
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));
        assertThat(execution.status()).as(execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        List<AwsEmulator.ApiRequest> updates = calls("UpdateAlias");
        assertThat(updates).extracting(AwsEmulator.ApiRequest::fault).containsExactly("TooManyRequestsException", "TooManyRequestsException", null);
        assertThat(calls("GetAlias")).extracting(AwsEmulator.ApiRequest::fault).startsWith("TooManyRequestsException", "TooManyRequestsException");
        String incidentId = routed.get("incidentId").asText();
        assertThat(ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(ledger().timeline(incidentId)).filteredOn(e -> e.action().equals("Update alias")).extracting(e -> e.outcome())
                .containsExactly("started", "succeeded");
    }

    @Test
    void persistent5xx_should_endInRecordedFailureWithUndo_andReleaseTheLock() {
        // GIVEN Lambda answering every UpdateAlias with a 500
        emulator.injectFault(Fault.error("lambda", "UpdateAlias", 500, "ServiceException").always());

        // WHEN the alarm routes
        JsonNode routed = route();
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(120));

        // THEN after the retries the failure is recorded with how to undo a change that may have landed
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("RollbackFailed");
        assertThat(calls("UpdateAlias")).as("the state machine's retries").hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.fault()).isEqualTo("ServiceException"));
        String incidentId = routed.get("incidentId").asText();
        assertThat(ledger().timeline(incidentId)).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo("Update alias");
            assertThat(e.outcome()).isEqualTo("failed");
            assertThat(e.detail()).contains("from version 3 to 2").contains("ServiceException").contains("may still have applied it");
            assertThat(e.undo()).isEqualTo(UNDO);
        });
        assertThat(ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.FAILED);
        assertThat(estate.responder.notifications()).extracting(n -> n.get("Subject").asText()).last().asString().startsWith("[P2] Failed");
        assertThat(ledger().lock(estate.functionArn + ":live")).as("lock released").isEmpty();
        assertThat(estate.aliasVersion()).isEqualTo("3");
    }

    @Test
    void accessDenied_should_escalateNamingTheActionAndTheRole() {
        // GIVEN IAM refusing UpdateAlias (the message names neither the action nor the role: the playbook must)
        emulator.injectFault(Fault.error("lambda", "UpdateAlias", 403, "AccessDeniedException").message("Access denied").always());

        // WHEN the alarm routes
        JsonNode routed = route();
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));

        // THEN it escalates (a retry cannot fix a missing grant), naming action and role for whoever fixes it
        assertThat(execution.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).as(history(execution.executionArn())).isEqualTo("AccessDenied");
        String incidentId = routed.get("incidentId").asText();
        String role = ResponderDeployment.playbookRoleArn(emulator.accountId());
        assertThat(ledger().timeline(incidentId)).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("access denied");
            assertThat(e.detail()).contains("lambda:UpdateAlias").contains(role).contains("checkout-api:live").contains("not changed");
        });
        assertThat(ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(estate.responder.notifications()).last().satisfies(n -> {
            assertThat(n.get("Subject").asText()).startsWith("[P2] Escalated");
            assertThat(n.get("Message").asText()).contains("lambda:UpdateAlias").contains(role);
        });
        assertThat(ledger().lock(estate.functionArn + ":live")).as("lock released").isEmpty();
        assertThat(estate.aliasVersion()).isEqualTo("3");
    }

    @Test
    void lostResponse_should_recordTheAppliedRollbackOnce_when_updateAliasAnswerIsLost() {
        // GIVEN Lambda applying the first UpdateAlias but its answer never arriving (a 500 after the change)
        emulator.injectFault(Fault.lostResponse("lambda", "UpdateAlias"));

        // WHEN the alarm routes and, once the alias moved, clears
        JsonNode routed = route();
        awaitAlias("2");
        RollbackEstate.setAlarm(estate.cloudWatch, StateValue.OK);
        DescribeExecutionResponse execution = estate.responder.awaitExecution(routed.get("executionArn").asText(), Duration.ofSeconds(90));

        // THEN the retry met the new RevisionId, the re-plan found our own change, and the incident resolved:
        // one step back (3 -> 2), never a second, never mistaken for someone else's change
        assertThat(execution.status()).as(execution.error() + " " + execution.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(estate.aliasVersion()).isEqualTo("2");
        assertThat(calls("UpdateAlias")).first().extracting(AwsEmulator.ApiRequest::fault).isEqualTo("InternalFailure");
        String incidentId = routed.get("incidentId").asText();
        assertThat(ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(ledger().timeline(incidentId)).filteredOn(e -> e.action().equals("Update alias") && e.outcome().equals("succeeded"))
                .singleElement().satisfies(e -> {
                    assertThat(e.detail()).contains("version 3 -> 2").contains("answer was lost");
                    assertThat(e.undo()).isEqualTo(UNDO);
                });
        assertThat(ledger().badVersions(estate.functionArn)).containsExactly("3");
        assertThat(ledger().timeline(incidentId)).extracting(TimelineEntry::outcome).doesNotContain("escalated", "failed");
    }

    @Test
    void killedBetweenChangeAndRecord_should_leaveTheChangeAndItsUndoOnTheTimeline() {
        // GIVEN the step that records the rollback cannot run (every invoke of record-rollback throttled, retried with backoff)
        emulator.injectFault(Fault.error("lambda", "Invoke", 429, "TooManyRequestsException").matching("function:record-rollback").always());

        // WHEN the alarm routes, the alias is moved, and the execution is stopped while it retries the record
        JsonNode routed = route();
        String executionArn = routed.get("executionArn").asText();
        awaitAlias("2");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (calls("Invoke").stream().noneMatch(r -> "TooManyRequestsException".equals(r.fault()))) {
            assertThat(Instant.now()).as("record-rollback never invoked").isBefore(deadline);
            RollbackPlaybookIT.pause(50);
        }
        estate.responder.sfn.stopExecution(b -> b.executionArn(executionArn).error("Killed").cause("stopped between change and record"));
        DescribeExecutionResponse execution = estate.responder.awaitExecution(executionArn, Duration.ofSeconds(60));

        // THEN whether the stop landed in the retries (ABORTED) or after them (FAILED by the Catch), the change is in place
        // and the timeline has it, with its undo, from the write-ahead record made before UpdateAlias, and no "succeeded"
        assertThat(execution.status()).as(history(executionArn)).isIn(ExecutionStatus.ABORTED, ExecutionStatus.FAILED);
        assertThat(estate.aliasVersion()).isEqualTo("2");
        String incidentId = routed.get("incidentId").asText();
        assertThat(ledger().timeline(incidentId)).filteredOn(e -> e.action().equals("Update alias")).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("started");
            assertThat(e.detail()).contains("Pointing checkout-api:live from version 3 to 2");
            assertThat(e.undo()).isEqualTo(UNDO);
        });
    }

    JsonNode route() {
        InvokeResponse response = estate.responder.invoke("IncidentRouter", RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        JsonNode routed = LocalResponder.json(response.payload().asUtf8String());
        assertThat(routed.get("outcome").asText()).isEqualTo("STARTED");
        return routed;
    }

    void awaitAlias(String version) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (!estate.aliasVersion().equals(version)) {
            assertThat(Instant.now()).as("alias never reached version " + version).isBefore(deadline);
            RollbackPlaybookIT.pause(100);
        }
    }

    void awaitUnfaulted(String action) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (calls(action).stream().noneMatch(r -> r.fault() == null)) {
            assertThat(Instant.now()).as(action + " never went through").isBefore(deadline);
            RollbackPlaybookIT.pause(100);
        }
    }

    /** The responder's calls of {@code action} (the test's own left out), oldest first. */
    List<AwsEmulator.ApiRequest> calls(String action) {
        return emulator.requests().stream().filter(r -> r.action().equals(action) && !r.client().equals("test")).toList();
    }

    /** The states entered and the failures, for an assertion's message. */
    String history(String executionArn) {
        return estate.responder.sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000)).events().stream()
                .map(e -> e.type() + (e.stateEnteredEventDetails() != null ? " " + e.stateEnteredEventDetails().name() : "")
                        + (e.taskFailedEventDetails() != null ? " " + e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause() : "")
                        + (e.lambdaFunctionFailedEventDetails() != null ? " " + e.lambdaFunctionFailedEventDetails().cause() : ""))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    DynamoDbLedger ledger() {
        return estate.responder.ledger();
    }
}
