package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The verify loop's history budget in the emulator's Step Functions: with the local deployment's budget lowered to three
 * checks (POLL_MAX_TURNS; in AWS the budget keeps a loop under the 25,000-event limit), an alarm that never clears within a
 * long verify window ends the loop cleanly: recorded, escalated, lock released by the playbook's own path.
 */
@AwsEmulatorTest
class VerifyLoopBudgetIT {

    @Test
    void verifyLoop_should_escalateWithARecordAndReleaseTheLock_when_itReachesItsHistoryBudget(AwsEmulator emulator) {
        // GIVEN a ten-minute verify window, a budget of three checks, and an alarm that keeps firing after the rollback
        RollbackEstate estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "600", "POLL_MAX_TURNS", "3"));
        // WHEN the alarm routes
        JsonNode routed = LocalResponder.json(estate.responder.invoke("IncidentRouter", RepositoryFiles.read(RollbackEstate.ALARM_EVENT))
                .payload().asUtf8String());
        String executionArn = routed.get("executionArn").asText();
        DescribeExecutionResponse execution = estate.responder.awaitExecution(executionArn, Duration.ofMinutes(6)); // a loaded machine: minutes
        // THEN one step back, three checks, then the budget's escalation (not the verify window's, which is far off)
        String incidentId = routed.get("incidentId").asText();
        List<TimelineEntry> timeline = estate.responder.ledger().timeline(incidentId);
        assertThat(execution.status()).as(execution.cause() + " " + timeline).isEqualTo(ExecutionStatus.FAILED);
        assertThat(execution.error()).isEqualTo("PollBudgetExhausted");
        assertThat(estate.aliasVersion()).isEqualTo("2");
        List<HistoryEvent> history = estate.responder.sfn.getExecutionHistory(b -> b.executionArn(executionArn).maxResults(1000)).events();
        assertThat(history).filteredOn(e -> e.typeAsString().equals("TaskStateEntered") && e.stateEnteredEventDetails().name().equals("Check alarm"))
                .hasSize(3);
        assertThat(history).filteredOn(e -> e.typeAsString().equals("WaitStateEntered")).hasSize(2);
        // AND the record says why, the incident is escalated, people were told, and the alias is free again
        assertThat(timeline).last().satisfies(e -> assertThat(e.outcome()).isEqualTo("escalated"))
                .satisfies(e -> assertThat(e.detail()).contains("after 3 checks", "history budget"));
        assertThat(estate.responder.ledger().incident(incidentId)).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(estate.responder.notifications()).extracting(n -> n.get("Subject").asText()).last().asString().startsWith("[P2] Escalated");
        assertThat(estate.responder.ledger().acquireLock(estate.functionArn + ":live", "probe", Instant.now(), Instant.now().plusSeconds(5))
                .acquired()).isTrue();
    }
}
