package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.common.PollBudget;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.RestoreEstate;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulator.Fault;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * AWS failing the failover's one irreversible call, the state machine's PromoteReadReplica, one class of fault at a
 * time: throttling is ridden out, a persistent 5xx is a recorded failure with the failback plan and a released lock,
 * AccessDenied escalates naming the action and the role, and a lost answer to an applied promotion is recognised
 * (the retry meets "not a read replica", the wait loop confirms the promotion), not taken for a failure; a promotion RDS
 * does not finish ends the wait at its history budget, escalated with a record and the lock released. Verification
 * is left out of the requests: these faults come before it.
 */
@AwsEmulatorTest
class FailoverFaultsIT {
    static final String APPROVER = "arn:aws:iam::123456789012:user/alice";

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    PlaybookExecutions executions;

    @BeforeEach
    void setUp(AwsEmulator emulator) throws Exception {
        this.emulator = emulator;
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        // the history budget lowered to three checks (the local deployment's POLL_MAX_TURNS): each other fault here needs one
        responder = LocalResponder.create(emulator).env(PollBudget.TURNS_VARIABLE, "3").functionsOf(FailoverRequest.PLAYBOOK);
        executions = new PlaybookExecutions(responder, RestoreEstate.deployPlaybook(responder, FailoverRequest.PLAYBOOK), "failover-faults",
                "Check failover", List.of(RestoreEstate.MASTER_PASSWORD), APPROVER, Duration.ofMinutes(3));
        FailoverEstate.primaryWithProtectedReplica(emulator, rds, EmulatorClients.of(emulator, CloudWatchClient.builder()), 2.0);
        emulator.clearRequests();
    }

    @Test
    void throttlingBurst_should_beRiddenOut_when_promoteIsThrottled() throws Exception {
        // GIVEN RDS throttling the promotion twice (RDS's Throttling is unmodeled: Step Functions names it Rds.RdsException)
        emulator.injectFault(Fault.error("rds", "PromoteReadReplica", 400, "Throttling").times(2));

        // WHEN the failover runs and is approved
        ObjectNode input = input();
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN the third attempt promoted the replica and the failover completed
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(calls("PromoteReadReplica")).extracting(AwsEmulator.ApiRequest::fault).containsExactly("Throttling", "Throttling", null);
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isNull();
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void persistent5xx_should_endInRecordedFailureWithFailback_andReleaseTheLock() throws Exception {
        // GIVEN RDS answering every promotion with a 500
        emulator.injectFault(Fault.error("rds", "PromoteReadReplica", 500, "InternalFailure").always());

        // WHEN the failover runs and is approved
        ObjectNode input = input();
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN after the retries the failure is recorded with the failback plan; the replica still replicates
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("FailoverFailed");
        assertThat(calls("PromoteReadReplica")).as("the state machine's retries").hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.fault()).isEqualTo("InternalFailure"));
        assertThat(timeline(input)).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo("Failover failed");
            assertThat(e.detail()).contains("Rds.RdsException").contains("Status Code: 500").contains("orders-db-replica");
            assertThat(e.undo()).isNotBlank();
        });
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Failover intent") && e.undo() != null && !e.undo().isBlank());
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.FAILED);
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertLockFree(input);
    }

    @Test
    void accessDenied_should_escalateNamingTheActionAndTheRole() throws Exception {
        // GIVEN IAM refusing the promotion (the message names neither the action nor the role: the playbook must)
        emulator.injectFault(Fault.error("rds", "PromoteReadReplica", 403, "AccessDenied").message("Access denied").always());

        // WHEN the failover runs and is approved
        ObjectNode input = input();
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN it escalates, naming action and role; nothing was promoted
        String role = executions.assertAccessDenied(run);
        assertThat(timeline(input)).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("access denied");
            assertThat(e.detail()).contains("rds:PromoteReadReplica").contains(role).contains("orders-db-replica").contains("nothing was promoted");
        });
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(responder.notificationTexts()).anySatisfy(n -> assertThat(n).contains("Escalated").contains("rds:PromoteReadReplica").contains(role));
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertLockFree(input);
    }

    @Test
    void lostResponse_should_failOverOnce_when_promoteAnswerIsLost() throws Exception {
        // GIVEN RDS promoting the replica but its answer never arriving (a 500 after the change)
        emulator.injectFault(Fault.lostResponse("rds", "PromoteReadReplica"));

        // WHEN the failover runs and is approved
        ObjectNode input = input();
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN the retry met "not a read replica", the wait loop confirmed the promotion, and the failover completed once
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(calls("PromoteReadReplica")).as("the applied call, then its retry refused as not a replica")
                .extracting(AwsEmulator.ApiRequest::fault).containsExactly("InternalFailure", null);
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isNull();
        assertThat(timeline(input)).filteredOn(e -> e.action().equals("Fail over")).extracting(TimelineEntry::outcome).containsExactly("succeeded");
        assertThat(timeline(input)).extracting(TimelineEntry::outcome).doesNotContain("failed", "access denied");
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void promotionNeverDone_should_escalateWithARecordAndReleaseTheLock_when_theWaitReachesItsHistoryBudget() throws Exception {
        // GIVEN RDS taking an hour over the promotion (the replica stays "modifying"), and the budget of three checks
        emulator.delayRds(Duration.ofHours(1));

        // WHEN the failover runs and is approved
        ObjectNode input = input();
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN three checks, then the budget's escalation (the promotion's deadline is minutes away)
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("PollBudgetExhausted");
        assertThat(executions.history(run.executionArn())).filteredOn(e -> e.endsWith("TaskStateEntered Check failover")).hasSize(3);
        assertThat(timeline(input)).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("escalated");
            assertThat(e.detail()).contains("orders-db-replica was still modifying after 3 checks", "history budget", "nothing was deleted");
            assertThat(e.undo()).isNotBlank();
        });
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(responder.notificationTexts()).anySatisfy(n -> assertThat(n).contains("Escalated").contains("within the checks an execution can make"));
        assertLockFree(input);
    }

    ObjectNode input() {
        return Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("instanceId", "orders-db").put("pollSeconds", 1).put("timeoutMinutes", 10);
    }

    DBInstance instance(String id) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    /** The state machine's calls of {@code action}, oldest first. */
    List<AwsEmulator.ApiRequest> calls(String action) {
        return emulator.requests().stream().filter(r -> r.action().equals(action) && r.client().equals("boto3")).toList();
    }

    IncidentStatus incidentStatus(ObjectNode input) {
        return ledger().incident(PlaybookExecutions.id(input)).orElseThrow().status();
    }

    void assertLockFree(ObjectNode input) {
        assertThat(ledger().lock(ledger().incident(PlaybookExecutions.id(input)).orElseThrow().resource())).as("lock released").isEmpty();
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return ledger().timeline(PlaybookExecutions.id(input));
    }

    DynamoDbLedger ledger() {
        return responder.ledger();
    }
}
