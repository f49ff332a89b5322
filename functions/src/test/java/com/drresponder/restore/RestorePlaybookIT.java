package com.drresponder.restore;

import com.drresponder.local.ResponderDeployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.MutatingCalls;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.PostgresTest;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.drresponder.testsupport.LocalPostgres;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The real restore ASL in moto's Step Functions, its Java steps served by the harness's Lambda host, RDS
 * in moto, and the verifier's SQL against a real PostgreSQL (moto's endpoints are no databases: the local
 * deployment's {@link ResponderDeployment#localDatabaseEnvironment} sends connections to the copy there; no request
 * can). The source is reached at its verify secret's host, here a name that answers nowhere (the broken source) unless
 * a test gives it a PostgreSQL of its own.
 * Every run's execution history is scanned for the secret values the test created.
 */
@AwsEmulatorTest
@PostgresTest
class RestorePlaybookIT {
    static final String ORDERS_PASSWORD = "orders-verify-pass-7f3a";
    static final String BILLING_PASSWORD = "billing-verify-pass-91c2";
    static final String MASTER_PASSWORD = "password-123";
    static final String URL_PASSWORD = "hunter2-in-url-5d1e";
    static final String APPROVER = "arn:aws:iam::123456789012:user/alice";
    /** Snapshot, restore and verification run before the gate: minutes on a loaded machine. */
    static final Duration APPROVAL_WAIT = Duration.ofMinutes(5);
    static PostgresFixture postgres;

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    PlaybookExecutions executions;

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
        postgres.ordersTable(25, "1 day");
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        // the newest order just before the restore point, as on a table written continuously (the freshness lower bound)
        postgres.superuser("UPDATE orders SET updated_at = now() - interval '30 seconds'");
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        createVerifySecret("orders-db", ORDERS_PASSWORD);
        createVerifySecret("billing-db", BILLING_PASSWORD);
        responder = LocalResponder.create(emulator).localDatabase("localhost:" + postgres.port()).functionsOf(RestoreRequest.PLAYBOOK);
        String stateMachineArn = responder.playbook(RestoreRequest.PLAYBOOK, Map.of("RtoTargetMinutes", "60", "RpoTargetMinutes", "5"));
        executions = new PlaybookExecutions(responder, stateMachineArn, "restore", "Check progress",
                List.of(ORDERS_PASSWORD, BILLING_PASSWORD, MASTER_PASSWORD, URL_PASSWORD), APPROVER, APPROVAL_WAIT);
    }

    @Test
    void aurora_should_snapshotRestoreVerifyAndRename_when_cutoverRename() throws Exception {
        // GIVEN a protected Aurora cluster with one writer
        createCluster("orders-db");
        // WHEN the playbook restores it and cuts over by renaming
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename");
        // (a rename is destructive: it waits for a person even though the request says approval: false)
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN the restored copy carries the source's name, the source sits aside as -old-, both snapshots exist
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        List<String> clusters = rds.describeDBClusters().dbClusters().stream().map(DBCluster::dbClusterIdentifier).toList();
        assertThat(clusters).contains("orders-db").anyMatch(id -> id.startsWith("orders-db-old-")).hasSize(2);
        DBCluster renamed = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0);
        assertThat(renamed.tagList()).anyMatch(t -> t.key().equals("dr:restored-from") && t.value().equals("orders-db"));
        assertThat(rds.describeDBClusterSnapshots().dbClusterSnapshots()).extracting(s -> s.dbClusterSnapshotIdentifier())
                .anyMatch(id -> id.startsWith("orders-db-pre-restore-")).anyMatch(id -> id.startsWith("orders-db-final-"));
        assertThat(timeline(input)).extracting(TimelineEntry::action).contains("Restore planned", "Snapshot source",
                "Restore to point in time", "Verify", "Approval requested", "Approval", "Cut-over: rename", "Restore complete");
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Approval") && e.detail().equals("Cut-over approved by " + APPROVER));
        assertThat(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().status().name()).isEqualTo("RESOLVED");
        // AND the source (its secret's host, orders-db.local, answers nowhere) could not be read before the switch: the
        // lost-write window is the time bound, said so, and the cut-over went ahead regardless
        assertThat(timeline(input)).filteredOn(e -> e.action().equals("Restore complete")).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("lost-write window at most ").contains("not measured: the source could not be read ("));
    }

    @Test
    void renameCutover_should_measureTheLostWriteWindowFromTheData_when_theSourceCanBeRead() throws Exception {
        // GIVEN orders-db, its data on a PostgreSQL of its own (the verify secret's host), whose newest order is 75 s
        // ahead of the restored copy's (the copy: the local deployment's PostgreSQL)
        Instant copyNewest = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        postgres.superuser("UPDATE orders SET updated_at = '" + copyNewest + "'");
        try (LocalPostgres source = LocalPostgres.start("drresponder-pg-source-")) {
            source.superuser("postgres", "CREATE TABLE orders (id serial primary key, updated_at timestamptz not null)");
            source.superuser("postgres", "INSERT INTO orders (updated_at) VALUES ('" + copyNewest.minusSeconds(600) + "'), ('"
                    + copyNewest.plusSeconds(75) + "')");
            EmulatorClients.of(emulator, SecretsManagerClient.builder()).putSecretValue(r -> r.secretId("orders-db/master")
                    .secretString(verifySecret(ORDERS_PASSWORD, source.host(), source.port())));
            createCluster("orders-db");
            ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename");
            // WHEN it is restored and cut over by renaming
            DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
            // THEN the window is the gap the test made, read from the data before the renames, and labelled measured
            executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
            assertThat(timeline(input)).filteredOn(e -> e.action().equals("Restore complete")).singleElement()
                    .satisfies(e -> assertThat(e.detail()).contains("lost-write window 75 s, measured before the switch (orders.updated_at: source newest "
                            + copyNewest.plusSeconds(75) + ", copy newest " + copyNewest + ")"));
            // AND the reading wrote nothing on either side
            assertThat(ordersRows()).isEqualTo(25);
            try (var c = source.superuserConnection("postgres"); var rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                assertThat(rs.next() && rs.getLong(1) == 2).isTrue();
            }
        }
    }

    @Test
    void instance_should_restoreAndPointSsmParameterAtCopy_when_cutoverConfig() throws Exception {
        // GIVEN billing-db and its consumers' URL (with a password in it) in an opted-in parameter linked to billing-db
        createInstance("billing-db");
        SsmClient ssm = EmulatorClients.of(emulator, SsmClient.builder());
        String oldUrl = "postgresql://app:" + URL_PASSWORD + "@billing-db.old.local:5432/billing";
        ssm.putParameter(r -> r.name("/billing/database-url").type("SecureString").value(oldUrl)
                .tags(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value("billing-db")));
        long oldVersion = ssm.getParameter(r -> r.name("/billing/database-url")).parameter().version();
        ObjectNode input = input("instanceId", "billing-db").put("cutover", "config");
        input.putObject("cutoverConfig").put("parameterName", "/billing/database-url");
        // WHEN it is restored, approved and cut over by configuration
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN the parameter names the copy (only the host changed), the old value is in the previous version,
        // and neither the timeline nor the history (checked in await) holds the URL's password
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        String target = rds.describeDBInstances().dbInstances().stream().map(i -> i.dbInstanceIdentifier())
                .filter(id -> id.startsWith("billing-db-restored-")).findFirst().orElseThrow();
        String endpoint = rds.describeDBInstances(r -> r.dbInstanceIdentifier(target)).dbInstances().get(0).endpoint().address();
        assertThat(ssm.getParameter(r -> r.name("/billing/database-url").withDecryption(true)).parameter().value())
                .isEqualTo("postgresql://app:" + URL_PASSWORD + "@" + endpoint + ":5432/billing");
        assertThat(ssm.getParameter(r -> r.name("/billing/database-url:" + oldVersion).withDecryption(true)).parameter().value()).isEqualTo(oldUrl);
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Cut-over: configuration")
                && e.detail().contains("host billing-db.old.local -> " + endpoint) && e.detail().contains("kept in version " + oldVersion)
                && e.undo().contains("/billing/database-url:" + oldVersion));
        assertThat(timeline(input)).allSatisfy(e -> assertThat(e.detail() + e.undo()).doesNotContain(URL_PASSWORD));
        // AND the version in use was recorded before the change (write-ahead), and is the one the change started from
        assertThat(timeline(input)).filteredOn(e -> e.action().equals("Cut-over: configuration")).extracting(TimelineEntry::outcome)
                .containsExactly("started", "succeeded");
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Cut-over: configuration") && e.outcome().equals("started")
                && e.detail().contains("kept in version " + oldVersion));
    }

    @Test
    void aurora_should_waitForApproval_then_reportEndpoint_when_cutoverNone() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("approval", true);
        String executionArn = executions.start(input);
        DescribeExecutionResponse run = executions.approveAndAwait(executionArn, input);
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters().dbClusters()).hasSize(2); // source untouched, copy kept
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0).tagList())
                .noneMatch(t -> t.key().equals("dr:restored-from"));
    }

    @Test
    void drill_should_deleteOnlyItsTemporaryCopy_and_leaveSourceUntouched() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("mode", "drill");
        input.remove("restoreTime");
        DescribeExecutionResponse run = runToEnd(input);
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).containsExactly("orders-db");
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier()).containsExactly("orders-db-1");
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Drill measured") && e.detail().startsWith("RTO "));
    }

    @Test
    void dryRun_should_recordPlan_and_createNothing() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("dryRun", true);
        DescribeExecutionResponse run = runToEnd(input);
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).containsExactly("orders-db");
        assertThat(rds.describeDBClusterSnapshots(r -> r.snapshotType("manual")).dbClusterSnapshots()).isEmpty();
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Dry run") && e.detail().contains("\"vpcSecurityGroupIds\""));
    }

    @Test
    void verificationFailure_should_escalateBeforeCutover_and_keepRestoredCopy() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename");
        ((ObjectNode) input.get("verify")).putObject("rowCounts").put("orders", 1000);
        DescribeExecutionResponse run = runToEnd(input);
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("VerificationFailed");
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .contains("orders-db").anyMatch(id -> id.startsWith("orders-db-restored-")).noneMatch(id -> id.contains("-old-"));
        assertThat(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().status().name()).isEqualTo("ESCALATED");
    }

    @Test
    void timeout_should_failCleanly_and_recordWhatExists() throws Exception {
        createInstance("billing-db");
        // the snapshot never becomes available: mock the poll step (Step Functions Local mock format)
        emulator.setStepFunctionsMockConfig("""
                {"StateMachines": {"restore-database-to-point-in-time": {"TestCases": {"NeverReady": {"Check progress": "NotReady"}}}},
                 "MockedResponses": {"NotReady": {"0": {"Return": {"Payload": {"ready": false, "status": "creating", "pastDeadline": true}}}}}}""");
        ObjectNode input = input("instanceId", "billing-db").put("timeoutMinutes", 0);
        String arn = responder.sfn.startExecution(r -> r.stateMachineArn(executions.stateMachineArn() + "#NeverReady").name(input.get("incidentId").asText()).input(input.toString())).executionArn();
        DescribeExecutionResponse run = executions.await(arn);
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(timeline(input)).anyMatch(e -> e.outcome().equals("timed out") && e.detail().contains("Phase snapshot ran out of its 0 s"));
        assertThat(rds.describeDBInstances().dbInstances()).hasSize(1);
    }

    // ---- the cut-over saga (issue 14): once the source is renamed away, every failure gives it its name back

    @Test
    void renameCutover_should_renameSourceBack_and_failAsUndone_when_secondRenameFails() throws Exception {
        // GIVEN a rename restore whose second rename (the copy taking the source's name) RDS refuses, every time
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename").put("targetId", "orders-db-restored-t1");
        emulator.injectFault(AwsEmulator.Fault.error("rds", "ModifyDBCluster", 400, "InvalidDBClusterStateFault")
                .matching("DBClusterIdentifier=orders-db-restored-t1").always());
        String executionArn = executions.start(input);
        executions.awaitApprovalToken(input);
        emulator.clearRequests();
        // WHEN the cut-over is approved
        DescribeExecutionResponse run = executions.approveAndAwait(executionArn, input);
        // (the playbook's calls, taken before this test's own reads below)
        List<String> calls = emulator.requests().stream().map(r -> r.service() + ":" + r.action()).toList();
        // THEN the source is renamed back and answers at its name, the copy keeps its own, the run fails as CutoverUndone
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("CutoverUndone");
        assertSourceAtItsName("orders-db", "orders-db-restored-t1");
        assertUndoneOnTimeline(input, "InvalidDBClusterStateFault");
        // the lock was released only after the source answered at its name again
        assertThat(calls.lastIndexOf("rds:ModifyDBCluster")).as("rename back").isPositive()
                .isLessThan(calls.lastIndexOf("rds:DescribeDBClusters"));
        assertThat(calls.lastIndexOf("rds:DescribeDBClusters")).as("source seen at its name before the lock went")
                .isLessThan(calls.lastIndexOf("dynamodb:DeleteItem"));
        assertLockFree(input);
    }

    @Test
    void renameCutover_should_renameSourceBack_when_renamedSourceTurnsTerminal() throws Exception {
        // GIVEN the rename check reports what CheckProgressHandler throws when the renamed source turns storage-full
        // (moto has no storage-full; CheckProgressHandlerTest proves the handler's side)
        createInstance("billing-db");
        emulator.setStepFunctionsMockConfig("""
                {"StateMachines": {"restore-database-to-point-in-time": {"TestCases": {"SourceTerminal": {"Check rename": "Terminal"}}}},
                 "MockedResponses": {"Terminal": {"0": {"Throw": {"Error": "com.drresponder.restore.RestoreStepFailedException",
                   "Cause": "source billing-db-old-x became storage-full during the cut-over (it was available)"}}}}}""");
        ObjectNode input = input("instanceId", "billing-db").put("cutover", "rename").put("targetId", "billing-db-restored-t3");
        // WHEN the cut-over is approved
        DescribeExecutionResponse run = executions.approveAndAwait(startMocked(input, "SourceTerminal"), input);
        // THEN the source is renamed back and answers at its name
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("CutoverUndone");
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier())
                .containsExactlyInAnyOrder("billing-db", "billing-db-restored-t3");
        assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("billing-db")).dbInstances().get(0).tagList())
                .noneMatch(t -> t.key().equals("dr:restored-from"));
        assertUndoneOnTimeline(input, "became storage-full");
        assertLockFree(input);
    }

    /** The final snapshot's call failing: its answer lost after RDS took it, or refused every time (RDS's 500 after the retries). */
    static Stream<Arguments> finalSnapshotFaults() {
        return Stream.of(
                Arguments.of(AwsEmulator.Fault.lostResponse("rds", "CreateDBClusterSnapshot").matching("orders-db-final-"), 1,
                        List.of("started"), "Taking final snapshot orders-db-final-"),
                Arguments.of(AwsEmulator.Fault.error("rds", "CreateDBClusterSnapshot", 500, "InternalFailure").matching("orders-db-final-").always(), 0,
                        List.of("started", "skipped"), "could not be taken (Rds.RdsException"));
    }

    @ParameterizedTest
    @MethodSource("finalSnapshotFaults")
    void renameCutover_should_recordTheFinalSnapshotAsRdsHoldsIt_when_itsCallFails(AwsEmulator.Fault fault, int snapshotsLeft,
            List<String> outcomes, String lastDetail) throws Exception {
        // GIVEN a cluster whose final snapshot call fails
        createCluster("orders-db");
        emulator.injectFault(fault);
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename");
        // WHEN the cut-over is approved
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN the ownership check decided from what RDS holds, and the cut-over went on (the source is kept under -old-)
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(executions.history(run.executionArn())).anyMatch(e -> e.endsWith("TaskStateEntered Check final snapshot"));
        assertSourceRenamedAside("orders-db");
        // AND a snapshot taken is this incident's and recorded as taken; one refused is recorded as skipped with RDS's error
        assertThat(rds.describeDBClusterSnapshots().dbClusterSnapshots()).filteredOn(s -> s.dbClusterSnapshotIdentifier().startsWith("orders-db-final-"))
                .hasSize(snapshotsLeft).allSatisfy(s -> assertThat(s.tagList())
                        .anyMatch(t -> t.key().equals("dr:incident") && t.value().equals(PlaybookExecutions.id(input))));
        List<TimelineEntry> finalRecords = timeline(input).stream().filter(e -> e.action().equals("Final snapshot")).toList();
        assertThat(finalRecords).extracting(TimelineEntry::outcome).isEqualTo(outcomes);
        assertThat(finalRecords.get(finalRecords.size() - 1).detail()).contains(lastDetail);
        assertLockFree(input);
    }

    void assertSourceRenamedAside(String sourceId) {
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).anyMatch(id -> id.startsWith(sourceId + "-old-"));
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier(sourceId)).dbClusters().get(0).tagList())
                .as("the restored copy answers at " + sourceId).anyMatch(t -> t.key().equals("dr:restored-from"));
    }

    /** A rename that never settles: past the cut-over's deadline, or out of the checks the execution's history allows. */
    static Stream<Arguments> stuckRenames() {
        return Stream.of(Arguments.of("\"pastDeadline\": true", "CutoverDeadlinePassed"),
                Arguments.of("\"pastDeadline\": false, \"budgetExhausted\": true, \"turn\": 1600",
                        "PollBudgetExhausted: phase source-renamed not done after 1600 checks"));
    }

    @ParameterizedTest
    @MethodSource("stuckRenames")
    void renameCutover_should_renameSourceBack_when_theRenameWaitEnds(String end, String cause) throws Exception {
        // GIVEN a source rename that never settles: the check reports the deadline passed, or the history budget spent
        createCluster("orders-db");
        emulator.setStepFunctionsMockConfig("""
                {"StateMachines": {"restore-database-to-point-in-time": {"TestCases": {"RenameStuck": {"Check rename": "Stuck"}}}},
                 "MockedResponses": {"Stuck": {"0": {"Return": {"Payload": {"ready": false, "status": "renaming", %s}}}}}}""".formatted(end));
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename").put("targetId", "orders-db-restored-t4");
        // WHEN the cut-over is approved
        DescribeExecutionResponse run = executions.approveAndAwait(startMocked(input, "RenameStuck"), input);
        // THEN that is the recorded cause and the compensation gave the source its name back
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("CutoverUndone");
        assertSourceAtItsName("orders-db", "orders-db-restored-t4");
        assertUndoneOnTimeline(input, cause);
        assertLockFree(input);
    }

    @Test
    void lateApproval_should_leaveTheRenamePhasesTheirFullDeadline_and_beReportedApartFromRto() throws Exception {
        // GIVEN a rename restore whose phases may take 1 minute each, approved only after the gate waited longer than that
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename").put("timeoutMinutes", 1);
        String executionArn = executions.start(input);
        String token = executions.awaitApprovalToken(input);
        Thread.sleep(Duration.ofSeconds(65).toMillis()); // the person takes longer than any phase's allowance
        responder.sfn.sendTaskSuccess(r -> r.taskToken(token).output(Json.object().put("approved", true).put("approver", APPROVER).toString()));
        DescribeExecutionResponse run = executions.await(executionArn);
        // THEN the cut-over's own clock started after the approval: it completes, no deadline passed, nothing undone
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .contains("orders-db").anyMatch(id -> id.startsWith("orders-db-old-"));
        assertThat(timeline(input)).extracting(TimelineEntry::action).doesNotContain("Undo cut-over").contains("Cut-over: rename");
        // AND the recovery figures count from detection with the approval wait (at least the 65 s the test waited) apart
        TimelineEntry complete = timeline(input).stream().filter(e -> e.action().equals("Restore complete")).findFirst().orElseThrow();
        java.util.regex.Matcher wait = java.util.regex.Pattern.compile("RTO (\\d+) s from detection .*, of which (\\d+) s waiting for approval")
                .matcher(complete.detail());
        assertThat(wait.find()).as(complete.detail()).isTrue();
        assertThat(Long.parseLong(wait.group(2))).isGreaterThanOrEqualTo(65).isLessThanOrEqualTo(Long.parseLong(wait.group(1)));
    }

    // ---- restore from a snapshot (issue 14): when PITR is not possible, the source's own snapshot, same verify and cut-over

    @Test
    void fromSnapshot_should_restoreClusterFromNewestAutomatedSnapshot_verifyAndRename() throws Exception {
        // GIVEN a protected cluster (RDS takes an automated snapshot of it) and a request naming the newest automated one
        createCluster("orders-db");
        String automated = rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier("orders-db").snapshotType("automated"))
                .dbClusterSnapshots().get(0).dbClusterSnapshotIdentifier();
        ObjectNode input = fromSnapshot(input("clusterId", "orders-db"), "latest-automated").put("cutover", "rename");
        emulator.clearRequests();
        // WHEN it is restored, verified, approved (an older point than latest always waits for a person) and cut over
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN the copy came from that snapshot, not from a point in time, and carries the source's name
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(emulator.requests()).extracting(AwsEmulator.ApiRequest::action)
                .contains("RestoreDBClusterFromSnapshot").doesNotContain("RestoreDBClusterToPointInTime");
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier)
                .contains("orders-db").anyMatch(id -> id.startsWith("orders-db-old-"));
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0).tagList())
                .anyMatch(t -> t.key().equals("dr:restored-from") && t.value().equals("orders-db"));
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Restore to point in time") && e.outcome().equals("started")
                && e.detail().contains("from snapshot " + automated + " (taken "));
        assertThat(timeline(input)).extracting(TimelineEntry::action).contains("Verify", "Approval", "Cut-over: rename", "Restore complete");
    }

    @Test
    void fromSnapshot_should_restoreInstanceFromNamedManualSnapshot() throws Exception {
        // GIVEN billing-db and a manual snapshot of it taken before a bad change
        createInstance("billing-db");
        rds.createDBSnapshot(r -> r.dbInstanceIdentifier("billing-db").dbSnapshotIdentifier("billing-before-upgrade"));
        ObjectNode input = fromSnapshot(input("instanceId", "billing-db"), "billing-before-upgrade").put("targetId", "billing-db-restored-s1");
        emulator.clearRequests();
        // WHEN it is restored from that snapshot (and approved)
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN a new instance exists beside the untouched source, made by RestoreDBInstanceFromDBSnapshot of that snapshot
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier())
                .containsExactlyInAnyOrder("billing-db", "billing-db-restored-s1");
        assertThat(emulator.requests()).extracting(AwsEmulator.ApiRequest::action)
                .contains("RestoreDBInstanceFromDBSnapshot").doesNotContain("RestoreDBInstanceToPointInTime");
        assertThat(rds.describeDBInstances(r -> r.dbInstanceIdentifier("billing-db-restored-s1")).dbInstances().get(0).tagList())
                .anyMatch(t -> t.key().equals("dr:incident") && t.value().equals(input.get("incidentId").asText()));
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Restore to point in time") && e.outcome().equals("succeeded"));
    }

    @Test
    void fromSnapshot_should_beRejected_and_changeNothing_when_snapshotIsOfAnotherDatabase() throws Exception {
        // GIVEN orders-db, and a snapshot of another cluster (an attacker's copy of other data, or a mistake)
        createCluster("orders-db");
        rds.createDBCluster(r -> r.dbClusterIdentifier("payments-db").engine("aurora-postgresql").masterUsername("app").masterUserPassword(MASTER_PASSWORD));
        rds.createDBClusterSnapshot(r -> r.dbClusterIdentifier("payments-db").dbClusterSnapshotIdentifier("payments-snap"));
        ObjectNode input = fromSnapshot(input("clusterId", "orders-db"), "payments-snap");
        emulator.clearRequests();
        // WHEN orders-db is to be restored from it
        DescribeExecutionResponse run = runToEnd(input);
        // THEN validation refuses it, naming whose snapshot it is, and nothing was created or changed
        assertRejectedWithoutChanges(run, input, "source.snapshot: cluster snapshot payments-snap is of payments-db, not of orders-db");
    }

    static ObjectNode fromSnapshot(ObjectNode input, String snapshot) {
        input.remove("restoreTime");
        input.putObject("source").put("snapshot", snapshot);
        return input;
    }

    void assertSourceAtItsName(String sourceId, String copyId) {
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).containsExactlyInAnyOrder(sourceId, copyId);
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier(sourceId)).dbClusters().get(0).tagList())
                .as("the source, not the copy, answers at " + sourceId).noneMatch(t -> t.key().equals("dr:restored-from"));
    }

    void assertUndoneOnTimeline(ObjectNode input, String cause) {
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(e -> e.action() + "/" + e.outcome())
                .containsSubsequence("Cut-over: rename/started", "Undo cut-over/started", "Undo cut-over/CutoverUndone");
        assertThat(timeline).anyMatch(e -> e.outcome().equals("CutoverUndone") && e.detail().contains(cause));
        assertThat(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().status().name()).isEqualTo("FAILED");
    }

    void assertLockFree(ObjectNode input) {
        assertThat(ledgerStore().acquireLock(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().resource(), "inc-next",
                Instant.now(), Instant.now().plusSeconds(60)).acquired()).as("lock released").isTrue();
    }

    String startMocked(ObjectNode input, String testCase) {
        return responder.sfn.startExecution(r -> r.stateMachineArn(executions.stateMachineArn() + "#" + testCase).name(input.get("incidentId").asText())
                .input(input.toString())).executionArn();
    }

    // ---- attacks (issue 10): each sends what an attacker would and proves the refusal changed nothing

    @Test
    void jdbcUrlOverride_should_beRejected_and_changeNothing_when_requestPointsVerificationAtAnotherHost() throws Exception {
        // GIVEN a protected cluster, and a request that would send the verify secret's password to a host of the caller's choosing
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db");
        ((ObjectNode) input.get("verify")).put("jdbcUrlOverride", "jdbc:postgresql://attacker.example:5432/postgres");
        emulator.clearRequests();
        // WHEN it is started directly
        DescribeExecutionResponse run = runToEnd(input);
        // THEN it is rejected by name, and nothing in the estate was touched
        assertRefusedAtAdmission(run, input, "verify.jdbcUrlOverride: is not a known field");
    }

    @Test
    void verifySecret_should_beRejected_and_changeNothing_when_itBelongsToAnotherDatabase() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db");
        ((ObjectNode) input.get("verify")).put("secretId", "billing-db/master");
        emulator.clearRequests();
        DescribeExecutionResponse run = runToEnd(input);
        assertRejectedWithoutChanges(run, input, "verify.secretId: secret billing-db/master does not belong to orders-db");
    }

    @Test
    void chainedCustomSql_should_beRejected_and_changeNothing() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db");
        ((ObjectNode) input.get("verify")).putArray("customSql").add("SELECT 1; DROP TABLE orders");
        emulator.clearRequests();
        DescribeExecutionResponse run = runToEnd(input);
        assertRefusedAtAdmission(run, input, "verify.customSql: each entry must be exactly one SQL statement, got 2");
        assertThat(ordersRows()).isEqualTo(25);
    }

    @Test
    void cutoverConfig_should_beRejected_and_changeNothing_when_targetBelongsToAnotherDatabase() throws Exception {
        // GIVEN an opted-in parameter of another application (linked to payments-db, not billing-db)
        createInstance("billing-db");
        SsmClient ssm = EmulatorClients.of(emulator, SsmClient.builder());
        ssm.putParameter(r -> r.name("/payments/database-url").type("String").value("postgresql://pay@payments-db.local:5432/pay")
                .tags(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value("payments-db")));
        ObjectNode input = input("instanceId", "billing-db").put("cutover", "config");
        input.putObject("cutoverConfig").put("parameterName", "/payments/database-url");
        emulator.clearRequests();
        DescribeExecutionResponse run = runToEnd(input);
        assertRejectedWithoutChanges(run, input, "cutoverConfig.parameterName: arn:aws:ssm:");
        assertThat(timeline(input)).anyMatch(e -> e.detail() != null && e.detail().contains("does not belong to billing-db"));
        assertThat(ssm.getParameter(r -> r.name("/payments/database-url")).parameter().value()).contains("payments-db.local");
    }

    static Stream<Arguments> answersThatDoNotApprove() {
        return Stream.of(
                Arguments.of("{\"approved\":false,\"approver\":\"" + APPROVER + "\"}", "approved is false, not true"),
                Arguments.of("{}", "approved is missing, not true"),
                Arguments.of("{\"approved\":true,\"approver\":\"" + APPROVER + "\",\"cutover\":\"rename\"}", "unknown field \"cutover\""),
                Arguments.of("{\"approved\":true}", "approver must be the approving caller's ARN"));
    }

    @ParameterizedTest
    @MethodSource("answersThatDoNotApprove")
    void approvalGate_should_recordRejection_releaseLock_and_notCutOver_when_answerIsNotApprovedTrue(String answer, String why) throws Exception {
        // GIVEN a rename restore waiting at the approval gate
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename");
        String executionArn = executions.start(input);
        String token = executions.awaitApprovalToken(input);
        // the token reached no timeline entry and no notification (people are told the drctl command instead)
        List<String> notifications = awaitNotification("drctl approve " + input.get("incidentId").asText());
        assertThat(notifications).allSatisfy(n -> assertThat(n).doesNotContain(token));
        assertThat(timeline(input)).allSatisfy(e -> assertThat(e.detail() + e.undo()).doesNotContain(token));
        emulator.clearRequests();
        // WHEN someone holding the token answers with something other than approved == true
        responder.sfn.sendTaskSuccess(r -> r.taskToken(token).output(answer));
        DescribeExecutionResponse run = executions.await(executionArn);
        // THEN nothing is cut over, the refusal and its reason are on the timeline, the lock is released
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).noneMatch(id -> id.contains("-old-"));
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Approval") && e.outcome().equals("rejected") && e.detail().contains(why));
        assertThat(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().status().name()).isEqualTo("ESCALATED");
        assertThat(ledgerStore().acquireLock(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().resource(), "inc-next",
                Instant.now(), Instant.now().plusSeconds(60)).acquired()).as("lock released").isTrue();
        assertThat(ledgerStore().approvalToken(input.get("incidentId").asText())).isEmpty();
    }

    /** The first step's schema check refuses the request before any incident exists: no timeline, no change. */
    void assertRefusedAtAdmission(DescribeExecutionResponse run, ObjectNode input, String reason) {
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("RequestRejected");
        assertThat(run.cause()).contains(reason);
        assertThat(ledgerStore().incident(input.get("incidentId").asText())).as("no incident opened").isEmpty();
        assertThat(MutatingCalls.of(emulator.requests())).as("calls that change the estate").isEmpty();
    }

    void assertRejectedWithoutChanges(DescribeExecutionResponse run, ObjectNode input, String reason) {
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("InvalidRestoreRequest");
        assertThat(timeline(input)).anyMatch(e -> e.outcome().equals("rejected") && e.detail().contains(reason));
        assertThat(MutatingCalls.of(emulator.requests())).as("calls that change the estate").isEmpty();
    }

    static long ordersRows() {
        return postgres.queryLong("SELECT count(*) FROM orders");
    }

    // ---- helpers

    ObjectNode input(String idField, String id) {
        ObjectNode input = Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put(idField, id)
                .put("restoreTime", "latest").put("cutover", "none").put("approval", false).put("pollSeconds", 1).put("timeoutMinutes", 10);
        input.putObject("verify").put("secretId", id + "/master")
                .<ObjectNode>set("maxUpdatedAt", Json.object().put("table", "orders").put("column", "updated_at"));
        ((ObjectNode) input.get("verify")).putArray("customSql").add("SELECT count(*) > 0 FROM orders");
        return input;
    }

    void createCluster(String id) {
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-postgresql").engineVersion("15.4").masterUsername("app")
                .masterUserPassword(MASTER_PASSWORD).storageEncrypted(true).backupRetentionPeriod(7)
                .tags(t -> t.key("dr:protected").value("true"), t -> t.key("team").value("orders")));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id + "-1").dbClusterIdentifier(id).engine("aurora-postgresql").dbInstanceClass("db.r6g.large"));
    }

    void createInstance(String id) throws Exception {
        // an RDS instance lives in a DB subnet group; moto's default VPC has subnets (no EC2 SDK module here: raw query)
        java.net.http.HttpResponse<String> subnets = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(emulator.endpoint().resolve("/")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("Action=DescribeSubnets&Version=2016-11-15")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        List<String> subnetIds = java.util.regex.Pattern.compile("<subnetId>([^<]+)</subnetId>").matcher(subnets.body())
                .results().map(m -> m.group(1)).distinct().limit(2).toList();
        rds.createDBSubnetGroup(r -> r.dbSubnetGroupName("billing-subnets").dbSubnetGroupDescription("billing").subnetIds(subnetIds));
        rds.createDBInstance(r -> r.dbInstanceIdentifier(id).dbSubnetGroupName("billing-subnets").engine("postgres").engineVersion("15.4").dbInstanceClass("db.t3.micro")
                .masterUsername("app").masterUserPassword(MASTER_PASSWORD).allocatedStorage(20).backupRetentionPeriod(7)
                .tags(t -> t.key("dr:protected").value("true")));
    }

    DescribeExecutionResponse runToEnd(ObjectNode input) throws InterruptedException {
        return executions.await(executions.start(input));
    }

    DynamoDbLedger ledgerStore() {
        return responder.ledger();
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return ledgerStore().timeline(input.get("incidentId").asText());
    }

    /** Notifications so far, once one containing {@code text} has arrived (SNS to SQS delivery lags the step). */
    List<String> awaitNotification(String text) throws InterruptedException {
        List<String> seen = new java.util.ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            seen.addAll(responder.notificationTexts());
            if (seen.stream().anyMatch(n -> n.contains(text))) {
                return seen;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no notification containing \"" + text + "\": " + seen);
    }

    void createVerifySecret(String database, String password) {
        // username postgres: the embedded server trusts it; the password is what must never leak
        EmulatorClients.of(emulator, SecretsManagerClient.builder()).createSecret(r -> r.name(database + "/master")
                .secretString(verifySecret(password, database + ".local", 5432))
                .tags(t -> t.key("dr:database").value(database)));
    }

    static String verifySecret(String password, String host, int port) {
        return Json.object().put("username", "postgres").put("password", password).put("host", host).put("port", port)
                .put("dbname", "postgres").toString();
    }
}
