package com.drresponder.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.ledger.Ledger;
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
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The resource lock is a lease: with a short {@code LOCK_TTL_SECONDS} configured in the local deployment, a rollback
 * whose verify loop outlives the initial lease keeps its lock (each check-alarm renews it), so a second trigger on the
 * same alias JOINs instead of starting a second playbook; and a late copy of a finished incident's event takes nothing.
 */
@AwsEmulatorTest
class PlaybookLeaseIT {
    // longer than a loop turn (check-alarm + a 1 s Wait) on a loaded machine, much shorter than the test
    static final Duration TTL = Duration.ofSeconds(15);
    static final String FIRST = RepositoryFiles.read(RollbackEstate.ALARM_EVENT);
    /** The same alarm firing again 7 minutes later: another occurrence, so another incident id. */
    static final String SECOND = FIRST.replace("2024-03-15T10:02:41.321+0000", "2024-03-15T10:09:41.321+0000")
            .replace("6a7e8feb-b491-4cf7-a9f1-bf3703467718", "7b8f9afc-b491-4cf7-a9f1-bf3703467718");

    RollbackEstate estate;
    LocalResponder responder;
    DynamoDbLedger ledger;
    String lockKey;

    @BeforeEach
    void deploy(AwsEmulator emulator) {
        estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "600", "LOCK_TTL_SECONDS", Long.toString(TTL.toSeconds())));
        responder = estate.responder;
        ledger = responder.ledger();
        lockKey = estate.functionArn + ":live";
    }

    @Test
    void lease_should_keepTheLockAndJoinTheNextTrigger_when_playbookOutlivesTheInitialTtl() {
        // GIVEN a rollback started by the alarm, now verifying (the alarm keeps firing, one check a second)
        JsonNode first = route(FIRST);
        assertThat(first.get("outcome").asText()).isEqualTo("STARTED");
        String incidentId = first.get("incidentId").asText();
        Instant initialExpiry = ledger.lock(lockKey).orElseThrow().expiresAt();
        awaitUntil(() -> estate.aliasVersion().equals("2"), "alias rolled back");

        // WHEN the playbook has run for three initial leases
        Instant outlived = initialExpiry.plus(TTL.multipliedBy(2));
        awaitUntil(() -> Instant.now().isAfter(outlived), "three leases passed");

        // THEN its lock was renewed past the initial expiry and still names its incident
        Ledger.LockState lock = ledger.lock(lockKey).orElseThrow();
        assertThat(lock.incidentId()).isEqualTo(incidentId);
        assertThat(lock.expiresAt()).isAfter(initialExpiry.plus(TTL));
        // AND a second trigger on the alias joins the running incident instead of starting another playbook
        JsonNode second = route(SECOND);
        assertThat(second.get("outcome").asText()).as(second.toString()).isEqualTo("JOINED");
        assertThat(second.get("incidentId").asText()).isEqualTo(incidentId);
        assertThat(ledger.timeline(incidentId)).extracting(TimelineEntry::action).contains("Trigger joined");

        // AND once the alarm clears the playbook resolves and frees the alias
        estate.cloudWatch.setAlarmState(b -> b.alarmName(RollbackEstate.ALARM).stateValue(StateValue.OK).stateReason("recovered"));
        DescribeExecutionResponse done = responder.awaitExecution(first.get("executionArn").asText(), Duration.ofSeconds(90));
        assertThat(done.status()).as(done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(ledger.lock(lockKey)).isEmpty();
    }

    @Test
    void lateCopy_should_beDuplicateAndTakeNoLock_when_itsIncidentIsOver() {
        // GIVEN a rollback that ran to its end (the alarm cleared)
        JsonNode first = route(FIRST);
        awaitUntil(() -> estate.aliasVersion().equals("2"), "alias rolled back");
        estate.cloudWatch.setAlarmState(b -> b.alarmName(RollbackEstate.ALARM).stateValue(StateValue.OK).stateReason("recovered"));
        responder.awaitExecution(first.get("executionArn").asText(), Duration.ofSeconds(90));
        String incidentId = first.get("incidentId").asText();
        assertThat(ledger.incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);

        // WHEN a late copy of the same event arrives (EventBridge retry, replay)
        JsonNode late = route(FIRST.replace("\"id\": \"", "\"id\": \"late-"));

        // THEN it is a duplicate, the incident stays resolved and the alias stays free for the next incident
        assertThat(late.get("outcome").asText()).isEqualTo("DUPLICATE");
        assertThat(ledger.incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(ledger.lock(lockKey)).isEmpty();
    }

    JsonNode route(String event) {
        InvokeResponse response = responder.invoke("IncidentRouter", event);
        assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
        return LocalResponder.json(response.payload().asUtf8String());
    }

    static void awaitUntil(java.util.function.BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plusSeconds(90);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("never: " + what).isBefore(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
