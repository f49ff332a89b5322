package com.drresponder.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.events.RepositoryFiles;
import com.drresponder.incident.Incident;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.rollback.RollbackEstate;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Retries as on AWS: CloudWatch throttles a progress poll (check-alarm's DescribeAlarms) more often than the SDK's own
 * retries absorb, so the handler fails; the state machine's Retry on States.TaskFailed runs the poll again and the
 * playbook completes instead of ending the incident on one throttle.
 */
@AwsEmulatorTest
class PollRetryIT {
    static final int THROTTLES = 8; // more than two invocations' worth of SDK attempts (standard mode: 3 each)

    @Test
    void progressPoll_should_beRetriedAndThePlaybookComplete_when_throttledBeyondTheSdkRetries(AwsEmulator emulator) throws Exception {
        // GIVEN a rollback in its verify loop
        RollbackEstate estate = RollbackEstate.deploy(emulator, Map.of("VERIFY_WINDOW_SECONDS", "600"));
        LocalResponder responder = estate.responder;
        JsonNode started = LocalResponder.json(responder.invoke("IncidentRouter", RepositoryFiles.read(RollbackEstate.ALARM_EVENT))
                .payload().asUtf8String());
        assertThat(started.get("outcome").asText()).as(started.toString()).isEqualTo("STARTED");
        await(() -> estate.aliasVersion().equals("2"));

        // WHEN CloudWatch throttles the next DescribeAlarms calls, then the alarm clears
        emulator.injectFault(AwsEmulator.Fault.error("cloudwatch", "DescribeAlarms", 400, "Throttling").times(THROTTLES));
        await(() -> throttled(emulator) == THROTTLES);
        estate.cloudWatch.setAlarmState(b -> b.alarmName(RollbackEstate.ALARM).stateValue(StateValue.OK).stateReason("recovered"));
        DescribeExecutionResponse done = responder.awaitExecution(started.get("executionArn").asText(), Duration.ofSeconds(120));

        // THEN every throttle was met by a retry and the playbook resolved the incident
        assertThat(done.status()).as(done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(responder.ledger().incident(started.get("incidentId").asText())).get().extracting(Incident::status)
                .isEqualTo(IncidentStatus.RESOLVED);
        assertThat(throttled(emulator)).isEqualTo(THROTTLES);
    }

    static long throttled(AwsEmulator emulator) {
        return emulator.requests().stream().filter(r -> r.action().equals("DescribeAlarms") && r.fault() != null).count();
    }

    static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition never met").isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
