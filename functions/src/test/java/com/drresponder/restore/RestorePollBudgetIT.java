package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.common.PollBudget;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.RestoreEstate;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The restore's waits under their history budget (issue 13) in the emulator's Step Functions: with the local deployment's
 * budget lowered to three checks (POLL_MAX_TURNS; in AWS the budget keeps the waits under the 25,000-event limit) and RDS
 * taking an hour over the pre-restore snapshot ({@link AwsEmulator#delayRds}), the wait ends cleanly long before the phase's
 * deadline: recorded with what exists, escalated, people told, lock released, nothing restored.
 */
@AwsEmulatorTest
class RestorePollBudgetIT {

    @Test
    void restoreWait_should_escalateWithARecordAndReleaseTheLock_when_itReachesItsHistoryBudget(AwsEmulator emulator) throws Exception {
        // GIVEN a budget of three checks, a snapshot RDS keeps "creating" for an hour (no RDS event before), and a 1 s poll
        RdsClient rds = EmulatorClients.of(emulator, RdsClient.builder());
        RestoreEstate.protectedInstance(emulator, rds, "ledger-db");
        LocalResponder responder = LocalResponder.create(emulator).env(PollBudget.TURNS_VARIABLE, "3").functionsOf(RestoreRequest.PLAYBOOK);
        String arn = responder.playbook(RestoreRequest.PLAYBOOK, Map.of("RtoTargetMinutes", "60", "RpoTargetMinutes", "5"));
        PlaybookExecutions executions = new PlaybookExecutions(responder, arn, "restore-poll-budget", "Check progress", List.of(), null, Duration.ZERO);
        emulator.delayRds(Duration.ofHours(1));
        ObjectNode input = Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("instanceId", "ledger-db").put("restoreTime", "latest")
                .put("cutover", "none").put("approval", false).put("pollSeconds", 1).put("timeoutMinutes", 60).put("targetId", "ledger-db-restored-b1");
        emulator.clearRequests();

        // WHEN the restore runs
        DescribeExecutionResponse run = executions.await(executions.start(input), Duration.ofMinutes(10));

        // THEN three checks, two pauses between them (backed off), then the budget's escalation, not the phase deadline's
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("PollBudgetExhausted");
        List<String> history = executions.history(run.executionArn());
        assertThat(history).filteredOn(e -> e.endsWith("TaskStateEntered Check progress")).hasSize(3);
        assertThat(history).filteredOn(e -> e.endsWith("TaskStateEntered Wait for RDS")).hasSize(3);
        assertThat(history).noneMatch(e -> e.endsWith("Record timeout"));
        // AND the record says why and what exists; the incident is escalated, people were told, the lock is free
        List<TimelineEntry> timeline = responder.ledger().timeline(PlaybookExecutions.id(input));
        assertThat(timeline).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo("Wait for RDS");
            assertThat(e.outcome()).isEqualTo("escalated");
            assertThat(e.detail()).contains("Phase snapshot still waiting for", "(last status creating) after 3 checks", "history budget",
                    "Nothing was deleted");
            assertThat(e.undo()).isNotBlank();
        });
        assertThat(responder.ledger().incident(PlaybookExecutions.id(input)).orElseThrow().status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(responder.notificationTexts()).anySatisfy(n -> assertThat(n).contains("Escalated").contains("within the checks an execution can make"));
        String resource = responder.ledger().incident(PlaybookExecutions.id(input)).orElseThrow().resource();
        assertThat(responder.ledger().acquireLock(resource, "inc-next", Instant.now(), Instant.now().plusSeconds(60)).acquired()).as("lock released").isTrue();
        // AND nothing was restored: the snapshot was the only change
        assertThat(emulator.requests()).noneMatch(r -> r.action().startsWith("Restore"));
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier()).containsExactly("ledger-db");
    }
}
