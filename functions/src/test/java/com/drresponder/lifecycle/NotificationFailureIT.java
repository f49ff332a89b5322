package com.drresponder.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * record-step's order (timeline, status, lock, then notification) under an SNS outage: the playbook's last step
 * cannot publish, yet it succeeds, the incident is resolved, the lock released, and the miss is counted.
 */
@AwsEmulatorTest
class NotificationFailureIT {

    @Test
    void recordStep_should_recordResolveAndReleaseTheLock_when_snsPublishFails(AwsEmulator emulator) throws Exception {
        // GIVEN a rollback under way, and SNS failing every "Resolved" publish (as an SNS or KMS outage would)
        RollbackEstate estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "600"));
        LocalResponder responder = estate.responder;
        emulator.injectFault(AwsEmulator.Fault.error("sns", "Publish", 500, "InternalFailure").matching("Resolved").always());
        InvokeResponse routed = responder.invoke("IncidentRouter", RepositoryFiles.read(RollbackEstate.ALARM_EVENT));
        JsonNode started = LocalResponder.json(routed.payload().asUtf8String());
        assertThat(started.get("outcome").asText()).as(started.toString()).isEqualTo("STARTED");
        Instant deadline = Instant.now().plusSeconds(90);
        while (!estate.aliasVersion().equals("2")) {
            assertThat(Instant.now()).as("alias rolled back").isBefore(deadline);
            Thread.sleep(100);
        }

        // WHEN the alarm clears and the playbook records "resolved" with a notification that cannot be sent
        estate.cloudWatch.setAlarmState(b -> b.alarmName(RollbackEstate.ALARM).stateValue(StateValue.OK).stateReason("recovered"));
        DescribeExecutionResponse done = responder.awaitExecution(started.get("executionArn").asText(), Duration.ofSeconds(90));

        // THEN the step and the playbook succeeded, the incident is resolved and the alias lock is free
        assertThat(done.status()).as(done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        String incidentId = started.get("incidentId").asText();
        assertThat(responder.ledger().incident(incidentId)).get().extracting(Incident::status).isEqualTo(IncidentStatus.RESOLVED);
        assertThat(responder.ledger().timeline(incidentId)).extracting(TimelineEntry::action).contains("Verify alarm");
        assertThat(responder.ledger().lock(estate.functionArn + ":live")).isEmpty();
        // AND the publish really failed (the fault hit it), nobody got "Resolved", and the miss is counted
        assertThat(emulator.requests()).anyMatch(r -> r.action().equals("Publish") && r.fault() != null);
        assertThat(responder.notifications()).extracting(n -> n.get("Subject").asText()).noneMatch(s -> s.contains("Resolved"));
        assertThat(Files.readString(emulator.lambdaHost().logFile("record-step"))).contains("NotificationsFailed");
    }
}
