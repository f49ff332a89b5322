package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.RestoreEstate;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
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
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * AWS failing the restore's first cut-over change, the rename of the source aside (ModifyDBCluster
 * NewDBClusterIdentifier=&lt;source&gt;-old-...), one class of fault at a time, injected by the emulator into the state
 * machine's own call: throttling is ridden out, a persistent 5xx is a recorded failure with its undo and a released
 * lock, AccessDenied escalates naming the action and the role, and a lost answer to an applied rename is recognised
 * (the retry meets NotFound, Locate source finds it moved), not applied twice. A rename needs a verified copy, so
 * verification runs against a real PostgreSQL as in {@link RestorePlaybookIT}.
 */
@AwsEmulatorTest
@PostgresTest
class RestoreFaultsIT {
    static final String VERIFY_PASSWORD = "orders-faults-pass-4c1e";
    static final String APPROVER = "arn:aws:iam::123456789012:user/alice";
    static final String SOURCE_RENAME = "NewDBClusterIdentifier=orders-db-old-";

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    PlaybookExecutions executions;

    @BeforeEach
    void setUp(AwsEmulator emulator, PostgresFixture postgres) {
        this.emulator = emulator;
        RestoreEstate.ordersWrittenUntilJustBeforeRestore(postgres);
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        RestoreEstate.verifySecret(emulator, "orders-db/master", "orders-db", VERIFY_PASSWORD);
        responder = RestoreEstate.responderVerifyingOn(emulator, postgres, RestoreRequest.PLAYBOOK);
        executions = new PlaybookExecutions(responder, RestoreEstate.deployPlaybook(responder, RestoreRequest.PLAYBOOK), "restore-faults",
                "Check progress", List.of(RestoreEstate.MASTER_PASSWORD, VERIFY_PASSWORD),
                APPROVER, Duration.ofMinutes(10)); // snapshot, restore and verification before the gate: minutes under load
        RestoreEstate.protectedCluster(rds, "orders-db");
        emulator.clearRequests();
    }

    @Test
    void throttlingBurst_should_beRiddenOut_when_sourceRenameIsThrottled() throws Exception {
        // GIVEN RDS throttling the source's rename twice
        emulator.injectFault(Fault.error("rds", "ModifyDBCluster", 400, "Throttling").matching(SOURCE_RENAME).times(2));

        // WHEN a rename restore runs and its cut-over is approved
        ObjectNode input = input("orders-db-restored-f1");
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN the rename went through on the third attempt and the cut-over completed
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(renames()).as("source: 2 throttled + 1, then the copy's").extracting(AwsEmulator.ApiRequest::fault)
                .containsExactly("Throttling", "Throttling", null, null);
        assertThat(clusters()).hasSize(2).contains("orders-db").anyMatch(id -> id.startsWith("orders-db-old-"));
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.RESOLVED);
    }

    @Test
    void persistent5xx_should_endInRecordedFailureWithUndo_andReleaseTheLock() throws Exception {
        // GIVEN RDS answering every rename of the source with a 500
        emulator.injectFault(Fault.error("rds", "ModifyDBCluster", 500, "InternalFailure").matching(SOURCE_RENAME).always());

        // WHEN a rename restore runs and its cut-over is approved
        ObjectNode input = input("orders-db-restored-f2");
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN after the retries the failure is recorded with what exists and how to undo it; production is untouched
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("RestoreFailed");
        assertThat(renames()).as("the state machine's retries, the copy never renamed").hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.fault()).isEqualTo("InternalFailure"));
        assertThat(timeline(input)).last().satisfies(e -> {
            assertThat(e.action()).isEqualTo("Restore failed");
            assertThat(e.outcome()).isEqualTo("failed");
            assertThat(e.detail()).contains("Rds.RdsException").contains("Status Code: 500").contains("orders-db-restored-f2");
            assertThat(e.undo()).contains("orders-db-restored-f2").contains("rename:");
        });
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.FAILED);
        assertThat(clusters()).containsExactlyInAnyOrder("orders-db", "orders-db-restored-f2");
        assertLockFree(input);
    }

    @Test
    void accessDenied_should_escalateNamingTheActionAndTheRole() throws Exception {
        // GIVEN IAM refusing the rename (the message names neither the action nor the role: the playbook must)
        emulator.injectFault(Fault.error("rds", "ModifyDBCluster", 403, "AccessDenied").message("Access denied").matching(SOURCE_RENAME).always());

        // WHEN a rename restore runs and its cut-over is approved
        ObjectNode input = input("orders-db-restored-f3");
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN it escalates (a retry cannot fix a missing grant), naming action and role, the copy kept, nothing cut over
        String role = executions.assertAccessDenied(run);
        assertThat(timeline(input)).last().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo("access denied");
            assertThat(e.detail()).contains("rds:ModifyDBCluster").contains(role).contains("orders-db").contains("not renamed")
                    .contains("orders-db-restored-f3");
        });
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.ESCALATED);
        assertThat(awaitNotification("Escalated")).satisfies(n -> assertThat(n).contains("rds:ModifyDBCluster").contains(role));
        assertThat(clusters()).containsExactlyInAnyOrder("orders-db", "orders-db-restored-f3");
        assertLockFree(input);
    }

    @Test
    void lostResponse_should_cutOverOnce_when_sourceRenameAnswerIsLost() throws Exception {
        // GIVEN RDS renaming the source but its answer never arriving (a 500 after the change), and the retry refused as
        // AWS refuses it: the role's dr:protected condition cannot match a name that no longer exists (the IAM check
        // flags the emulator's NotFound answer to that retry as a call AWS denies)
        emulator.injectFault(Fault.lostResponse("rds", "ModifyDBCluster").matching(SOURCE_RENAME));
        emulator.injectFault(Fault.error("rds", "ModifyDBCluster", 403, "AccessDenied").message("not authorized to perform: rds:ModifyDBCluster")
                .matching(SOURCE_RENAME).always());

        // WHEN a rename restore runs and its cut-over is approved
        ObjectNode input = input("orders-db-restored-f4");
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);

        // THEN the retry was refused, yet Locate source (asked before any access-denied check) found the source moved, and
        // the cut-over went on: not escalated, the source renamed once, the copy took its name, nothing renamed back
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        // (Rds.RdsException is retried, so the refusal comes once per attempt; no rename of the source lands after the first)
        List<String> faults = renames().stream().map(AwsEmulator.ApiRequest::fault).toList();
        assertThat(faults).as("source (applied, answer lost), its retries (refused), then the copy's").first().isEqualTo("InternalFailure");
        assertThat(faults).last().isNull();
        assertThat(faults.subList(1, faults.size() - 1)).isNotEmpty().containsOnly("AccessDenied");
        assertThat(clusters()).hasSize(2).contains("orders-db").anyMatch(id -> id.startsWith("orders-db-old-"));
        DBCluster atSourceName = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0);
        assertThat(atSourceName.tagList()).as("the copy answers at the source's name")
                .anyMatch(t -> t.key().equals("dr:restored-from") && t.value().equals("orders-db"));
        assertThat(timeline(input)).extracting(TimelineEntry::action).doesNotContain("Undo cut-over", "Restore failed");
        assertThat(timeline(input)).extracting(TimelineEntry::outcome).doesNotContain("access denied");
        assertThat(incidentStatus(input)).isEqualTo(IncidentStatus.RESOLVED);
    }

    ObjectNode input(String targetId) {
        ObjectNode input = Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("clusterId", "orders-db").put("targetId", targetId)
                .put("restoreTime", "latest").put("cutover", "rename").put("approval", false).put("pollSeconds", 1).put("timeoutMinutes", 10);
        input.putObject("verify").put("secretId", "orders-db/master").putArray("customSql").add("SELECT count(*) > 0 FROM orders");
        return input;
    }

    /** The state machine's renames (source aside, then the copy to the source's name), oldest first. */
    List<AwsEmulator.ApiRequest> renames() {
        return emulator.requests().stream().filter(r -> r.action().equals("ModifyDBCluster") && r.client().equals("boto3")).toList();
    }

    List<String> clusters() {
        return rds.describeDBClusters().dbClusters().stream().map(DBCluster::dbClusterIdentifier).toList();
    }

    IncidentStatus incidentStatus(ObjectNode input) {
        return ledger().incident(PlaybookExecutions.id(input)).orElseThrow().status();
    }

    void assertLockFree(ObjectNode input) {
        assertThat(ledger().acquireLock(ledger().incident(PlaybookExecutions.id(input)).orElseThrow().resource(), "inc-next",
                Instant.now(), Instant.now().plusSeconds(60)).acquired()).as("lock released").isTrue();
    }

    String awaitNotification(String text) throws InterruptedException {
        List<String> seen = new java.util.ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            seen.addAll(responder.notificationTexts());
            for (String n : seen) {
                if (n.contains(text)) {
                    return n;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no notification containing \"" + text + "\": " + seen);
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return ledger().timeline(PlaybookExecutions.id(input));
    }

    DynamoDbLedger ledger() {
        return responder.ledger();
    }
}
