package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.MutatingCalls;
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
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The restore's mutating calls (snapshot, restore, create instance) under the faults AWS really has (issue 13):
 * each is preceded by a fenced write-ahead record with its undo, so an execution stopped between a change and its
 * outcome record still leaves both on the timeline; a call whose answer was lost (the emulator performs it, then
 * answers 500; the retry meets AlreadyExists) is recognised as this incident's own work by its dr:incident tag and
 * the restore goes on; a resource someone else made under the planned name is refused and left alone.
 * No verify block: these tests are about RDS calls, not the copy's data (RestorePlaybookIT covers that).
 */
@AwsEmulatorTest
class RestoreWriteAheadIT {
    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    PlaybookExecutions executions;

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        responder = LocalResponder.create(emulator).functionsOf(RestoreRequest.PLAYBOOK);
        executions = new PlaybookExecutions(responder, RestoreEstate.deployPlaybook(responder, RestoreRequest.PLAYBOOK), "restore-write-ahead",
                "Check progress", List.of(), null, Duration.ZERO);
        RestoreEstate.protectedCluster(rds, "orders-db");
        emulator.clearRequests();
    }

    @Test
    void lostAnswers_should_beRecognisedAsOurOwnWork_and_theRestoreCompletes() throws Exception {
        // GIVEN the first answer of the snapshot, the restore and the instance creation lost (each call took effect)
        emulator.injectFault(Fault.lostResponse("rds", "CreateDBClusterSnapshot"));
        emulator.injectFault(Fault.lostResponse("rds", "RestoreDBClusterToPointInTime"));
        emulator.injectFault(Fault.lostResponse("rds", "CreateDBInstance"));
        ObjectNode input = input().put("targetId", "orders-db-restored-l1");

        // WHEN the restore runs
        String executionArn = executions.start(input);
        DescribeExecutionResponse run = executions.await(executionArn);

        // THEN it completes with one copy, one instance and one snapshot: each retry met AlreadyExists, and the check
        // found the resource tagged with this incident
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        for (String action : List.of("CreateDBClusterSnapshot", "RestoreDBClusterToPointInTime", "CreateDBInstance")) {
            assertThat(calls(action)).as(action).hasSizeGreaterThanOrEqualTo(2).first()
                    .extracting(AwsEmulator.ApiRequest::fault).isEqualTo("InternalFailure");
        }
        List<String> history = executions.history(executionArn);
        assertThat(history).anyMatch(e -> e.contains("AlreadyExists"))
                .anyMatch(e -> e.endsWith("Check snapshot")).anyMatch(e -> e.endsWith("Check restored copy")).anyMatch(e -> e.endsWith("Check instance"));
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .containsExactlyInAnyOrder("orders-db", "orders-db-restored-l1");
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier())
                .containsExactlyInAnyOrder("orders-db-1", "orders-db-restored-l1-1");
        assertThat(rds.describeDBClusterSnapshots(r -> r.snapshotType("manual")).dbClusterSnapshots()).singleElement()
                .satisfies(s -> assertThat(s.tagList()).anyMatch(t -> t.key().equals("dr:incident") && t.value().equals(PlaybookExecutions.id(input))));
        // AND the timeline has each change's intent (with its undo) before its outcome, the snapshot taken, not skipped
        assertThat(timeline(input)).extracting(e -> e.action() + "/" + e.outcome()).containsSubsequence(
                "Snapshot source/started", "Snapshot source/succeeded", "Restore to point in time/started",
                "Create instance/started", "Create instance/requested", "Restore to point in time/succeeded")
                .doesNotContain("Snapshot source/skipped");
        assertThat(timeline(input)).filteredOn(e -> e.outcome().equals("started")).allSatisfy(e -> assertThat(e.undo()).isNotBlank());
    }

    @Test
    void instanceLostAnswers_should_beRecognisedAsOurOwnWork_and_eachStepRecordedOnce() throws Exception {
        // GIVEN a protected instance; the first answer of its snapshot, of its restore and of the step that records the plan
        // lost (each took effect; Lambda's 500 is ServiceException, which the Task retries with the same payload)
        RestoreEstate.protectedInstance(emulator, rds, "billing-db");
        emulator.injectFault(Fault.lostResponse("rds", "CreateDBSnapshot"));
        emulator.injectFault(Fault.lostResponse("rds", "RestoreDBInstanceToPointInTime"));
        emulator.injectFault(new Fault("lambda", "Invoke", 500, "ServiceException", "The response was lost", true, "Restore planned", 1));
        ObjectNode input = input().put("targetId", "billing-db-restored-l2");
        input.remove("clusterId");
        input.put("instanceId", "billing-db");

        // WHEN the restore runs
        String executionArn = executions.start(input);
        DescribeExecutionResponse run = executions.await(executionArn);

        // THEN it completes with one copy and one snapshot: each retry met AlreadyExists and the check found this incident's tag
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        for (String action : List.of("CreateDBSnapshot", "RestoreDBInstanceToPointInTime")) {
            assertThat(calls(action)).as(action).hasSizeGreaterThanOrEqualTo(2).first()
                    .extracting(AwsEmulator.ApiRequest::fault).isEqualTo("InternalFailure");
        }
        List<String> history = executions.history(executionArn);
        assertThat(history).anyMatch(e -> e.contains("AlreadyExists")).anyMatch(e -> e.contains("Lambda.ServiceException"))
                .anyMatch(e -> e.endsWith("Check snapshot")).anyMatch(e -> e.endsWith("Check restored copy"));
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier())
                .containsExactlyInAnyOrder("orders-db-1", "billing-db", "billing-db-restored-l2");
        assertThat(rds.describeDBSnapshots(r -> r.snapshotType("manual")).dbSnapshots()).singleElement()
                .satisfies(s -> assertThat(s.tagList()).anyMatch(t -> t.key().equals("dr:incident") && t.value().equals(PlaybookExecutions.id(input))));
        // AND the plan's record, written before its answer was lost, is on the timeline once; the snapshot taken, not skipped
        assertThat(timeline(input)).filteredOn(e -> e.action().equals("Restore planned")).hasSize(1);
        assertThat(timeline(input)).extracting(e -> e.action() + "/" + e.outcome()).containsSubsequence(
                "Snapshot source/started", "Snapshot source/succeeded", "Restore to point in time/started", "Restore to point in time/succeeded")
                .doesNotContain("Snapshot source/skipped").doesNotHaveDuplicates();
    }

    @Test
    void foreignTarget_should_beRefused_and_leftAlone_when_thePlannedNameIsTakenAfterValidation() throws Exception {
        // GIVEN the snapshot phase held up (its polls throttled) while someone else creates a cluster under the planned name
        emulator.injectFault(Fault.error("rds", "DescribeDBClusterSnapshots", 400, "Throttling").matching("pre-restore").always());
        ObjectNode input = input().put("targetId", "orders-db-restored-f1");
        String executionArn = executions.start(input);
        awaitFault("DescribeDBClusterSnapshots");
        rds.createDBCluster(r -> r.dbClusterIdentifier("orders-db-restored-f1").engine("aurora-postgresql").masterUsername("other")
                .masterUserPassword("password-456").tags(t -> t.key("team").value("someone-else")));
        emulator.clearFaults();
        emulator.clearRequests();

        // WHEN the restore reaches its call
        DescribeExecutionResponse run = executions.await(executionArn);

        // THEN it fails with a record naming the cluster as someone else's; that cluster is untouched, nothing else changed
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("RestoreFailed");
        assertThat(timeline(input)).filteredOn(e -> e.action().equals("Restore to point in time")).extracting(TimelineEntry::outcome)
                .containsExactly("started", "refused");
        assertThat(timeline(input)).anyMatch(e -> e.outcome().equals("refused")
                && e.detail().contains("database orders-db-restored-f1 exists but is not this incident's (dr:incident=none)")
                && e.detail().contains("Nothing was created or changed"));
        DBCluster foreign = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db-restored-f1")).dbClusters().get(0);
        assertThat(foreign.masterUsername()).isEqualTo("other");
        assertThat(foreign.tagList()).extracting(t -> t.key()).containsExactly("team");
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier()).containsExactly("orders-db-1");
        assertThat(MutatingCalls.of(emulator.requests())).extracting(AwsEmulator.ApiRequest::action)
                .as("only the refused restore").containsOnly("RestoreDBClusterToPointInTime");
        assertThat(responder.ledger().incident(PlaybookExecutions.id(input)).orElseThrow().status().name()).isEqualTo("FAILED");
        assertThat(responder.ledger().acquireLock(responder.ledger().incident(PlaybookExecutions.id(input)).orElseThrow().resource(), "inc-next",
                Instant.now(), Instant.now().plusSeconds(60)).acquired()).as("lock released").isTrue();
    }

    @Test
    void killedBetweenChangeAndRecord_should_leaveTheChangeAndItsUndoOnTheTimeline() throws Exception {
        // GIVEN the step after the restore cannot run (every progress poll throttled, retried with backoff); a drill, so
        // that the restore is the first change
        emulator.injectFault(Fault.error("lambda", "Invoke", 429, "TooManyRequestsException").matching("function:check-progress").always());
        ObjectNode input = input().put("mode", "drill").put("targetId", "orders-db-drill-k1");
        input.remove("restoreTime");

        // WHEN the restore and the instance are created, and the execution is stopped while it retries the poll
        String executionArn = executions.start(input);
        awaitFault("Invoke");
        responder.sfn.stopExecution(b -> b.executionArn(executionArn).error("Killed").cause("stopped between change and record"));
        DescribeExecutionResponse run = executions.await(executionArn);

        // THEN the copy exists and the timeline has its creation and undo, from the write-ahead records alone
        assertThat(run.status()).as(() -> String.join("\n", executions.history(executionArn))).isIn(ExecutionStatus.ABORTED, ExecutionStatus.FAILED);
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).contains("orders-db-drill-k1");
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).filteredOn(e -> e.action().equals("Restore to point in time")).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("started");
            assertThat(e.detail()).contains("into new cluster orders-db-drill-k1");
            assertThat(e.undo()).contains("orders-db-drill-k1").contains("delete-db-cluster");
        });
        assertThat(timeline).filteredOn(e -> e.action().equals("Create instance")).extracting(TimelineEntry::outcome).containsExactly("started", "requested");
        assertThat(timeline).filteredOn(e -> e.action().equals("Create instance"))
                .allSatisfy(e -> assertThat(e.undo()).isEqualTo("aws rds delete-db-instance --db-instance-identifier orders-db-drill-k1-1 --skip-final-snapshot"));
    }

    ObjectNode input() {
        return Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("clusterId", "orders-db").put("restoreTime", "latest")
                .put("cutover", "none").put("approval", false).put("pollSeconds", 1).put("timeoutMinutes", 10);
    }

    List<AwsEmulator.ApiRequest> calls(String action) {
        return emulator.requests().stream().filter(r -> r.action().equals(action)).toList();
    }

    void awaitFault(String action) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (calls(action).stream().noneMatch(r -> r.fault() != null)) {
            assertThat(Instant.now()).as(action + " never faulted").isBefore(deadline);
            Thread.sleep(50);
        }
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return responder.ledger().timeline(PlaybookExecutions.id(input));
    }
}
