package com.drresponder.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The finaliser in the emulator. moto emits no Step Functions status-change events, so each test ends an execution
 * the way AWS would see it (StopExecution) and then delivers the event AWS would emit (events/samples/stepfunctions/)
 * to the deployed finaliser function.
 */
@AwsEmulatorTest
class FinaliserIT {
    static final String ABORTED = RepositoryFiles.read("events/samples/stepfunctions/execution-aborted.json");
    static final String SAMPLE_ARN = "arn:aws:states:us-east-1:123456789012:execution:rollback-lambda-alias:rollback-checkout-api-live-5c7494a8abb9ebcb";
    static final String SAMPLE_NAME = "rollback-checkout-api-live-5c7494a8abb9ebcb";

    RollbackEstate estate;
    LocalResponder responder;
    DynamoDbLedger ledger;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
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

        // WHEN an operator stops it, and Step Functions reports the abort
        responder.sfn.stopExecution(b -> b.executionArn(executionArn).error("Operator").cause("stopped by the test"));
        assertThat(responder.awaitExecution(executionArn, Duration.ofSeconds(30)).status()).isEqualTo(ExecutionStatus.ABORTED);
        String event = statusChange(ABORTED, executionArn, incidentId);
        JsonNode outcome = finalise(event);

        // THEN the outcome is on the timeline, the incident is over, the alias is free and people were told
        assertThat(outcome.get("designed").asBoolean()).isFalse();
        assertThat(outcome.get("lockReleased").asBoolean()).isTrue();
        assertThat(ledger.incident(incidentId)).get().extracting(Incident::status).isEqualTo(IncidentStatus.FAILED);
        assertThat(ledger.timeline(incidentId)).filteredOn(e -> e.actor().equals(ExecutionFinaliser.ACTOR)).singleElement()
                .satisfies(e -> assertThat(e.outcome()).isEqualTo("aborted"))
                .satisfies(e -> assertThat(e.detail()).startsWith(executionArn).contains("stopped (StopExecution)"));
        assertThat(ledger.lock(lockKey)).isEmpty();
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

    static String statusChange(String sample, String executionArn, String name) {
        return sample.replace(SAMPLE_ARN, executionArn).replace(SAMPLE_NAME, name);
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
