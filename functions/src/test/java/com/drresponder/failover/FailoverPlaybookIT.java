package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testing.PostgresTest;
import com.drresponder.testing.MutatingCalls;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The real fail-over-database ASL in moto's Step Functions, its Java steps served by the harness's Lambda host,
 * RDS read replicas and Aurora readers in moto, lag as CloudWatch data points the test puts (RDS publishes them in
 * AWS), and the verification SQL against a real PostgreSQL (moto's endpoints are no databases: the local
 * deployment's local database address sends connections to it; no request can).
 */
@AwsEmulatorTest
@PostgresTest
class FailoverPlaybookIT {
    static final String VERIFY_PASSWORD = "orders-failover-pass-3b7d";
    static final String URL_PASSWORD = "url-secret-in-failover-9e2a";
    static final String APPROVER = "arn:aws:iam::123456789012:user/alice";
    static PostgresFixture postgres;

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient rds;
    CloudWatchClient cloudWatch;
    PlaybookExecutions executions;

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
        postgres.ordersTable(12, "1 minute");
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        cloudWatch = EmulatorClients.of(emulator, CloudWatchClient.builder());
        EmulatorClients.of(emulator, SecretsManagerClient.builder()).createSecret(r -> r.name("orders-db/verify")
                .secretString(Json.object().put("username", "postgres").put("password", VERIFY_PASSWORD).put("host", "orders-db.local")
                        .put("port", 5432).put("dbname", "postgres").toString())
                .tags(t -> t.key("dr:database").value("orders-db")));
        responder = LocalResponder.create(emulator).localDatabase("localhost:" + postgres.port()).functionsOf(FailoverRequest.PLAYBOOK);
        String stateMachineArn = responder.playbook(FailoverRequest.PLAYBOOK, Map.of("RtoTargetMinutes", "60", "RpoTargetMinutes", "5"));
        executions = new PlaybookExecutions(responder, stateMachineArn, "failover", "Check failover", List.of(VERIFY_PASSWORD, URL_PASSWORD),
                APPROVER, Duration.ofMinutes(3));
    }

    @Test
    void instance_should_promoteTheProtectedReplica_verify_and_pointConsumersAtIt_when_approved() throws Exception {
        // GIVEN orders-db with an opted-in replica (2 s behind) and an unprotected twin that is closer (0 s)
        ordersDbWithReplicas(2.0);
        SsmClient ssm = EmulatorClients.of(emulator, SsmClient.builder());
        String oldUrl = "postgresql://app:" + URL_PASSWORD + "@orders-db.old.local:5432/orders";
        ssm.putParameter(r -> r.name("/orders/database-url").type("SecureString").value(oldUrl)
                .tags(t -> t.key("dr:protected").value("true"), t -> t.key("dr:database").value("orders-db")));
        long oldVersion = ssm.getParameter(r -> r.name("/orders/database-url")).parameter().version();
        ObjectNode input = input().put("cutover", "config");
        input.putObject("cutoverConfig").put("parameterName", "/orders/database-url");
        emulator.clearRequests();
        // WHEN the failover runs and a person approves the promotion, taking a few seconds to do so
        String execution = executions.start(input);
        String token = executions.awaitApprovalToken(input);
        Thread.sleep(Duration.ofSeconds(APPROVAL_DELAY_SECONDS).toMillis());
        responder.sfn.sendTaskSuccess(r -> r.taskToken(token).output(Json.object().put("approved", true).put("approver", APPROVER).toString()));
        DescribeExecutionResponse run = executions.await(execution);
        // THEN the protected replica was promoted (a standalone instance now), the twin still replicates from orders-db,
        // orders-db itself is untouched, and the consumers' URL names the promoted endpoint (only the host changed)
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isNull();
        assertThat(instance("orders-db-twin").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertThat(instance("orders-db").dbInstanceStatus()).isEqualTo("available");
        String endpoint = instance("orders-db-replica").endpoint().address();
        assertThat(ssm.getParameter(r -> r.name("/orders/database-url").withDecryption(true)).parameter().value())
                .isEqualTo("postgresql://app:" + URL_PASSWORD + "@" + endpoint + ":5432/orders");
        assertThat(ssm.getParameter(r -> r.name("/orders/database-url:" + oldVersion).withDecryption(true)).parameter().value()).isEqualTo(oldUrl);
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(TimelineEntry::action).containsSubsequence("Failover planned", "Approval requested", "Approval",
                "Failover intent", "Fail over", "Verify", "Cut-over: configuration", "Failover complete");
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover planned") && e.detail().startsWith("Promote read replica orders-db-replica")
                && e.detail().contains("orders-db-twin: not chosen, not tagged dr:protected=true"));
        // the failback plan is on the timeline before the irreversible call (write-ahead)
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover intent") && e.undo().contains("create-db-instance-read-replica"));
        assertThat(timeline).anyMatch(e -> e.action().equals("Approval") && e.detail().equals("Promotion approved by " + APPROVER));
        assertThat(timeline).anyMatch(e -> e.action().equals("Verify") && e.outcome().equals("passed"));
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover complete")
                && e.detail().contains("RPO 2 s: the promoted replica's lag when the failover was planned (target 300 s, met)"));
        assertThat(timeline).allSatisfy(e -> assertThat(e.detail() + e.undo()).doesNotContain(URL_PASSWORD));
        assertThat(ledgerStore().incident(id(input)).orElseThrow().status().name()).isEqualTo("RESOLVED");
        // AND the cut-over is the restore's: the version in use is recorded (write-ahead) before the one change, which starts from it
        assertThat(timeline).filteredOn(e -> e.action().equals("Cut-over: configuration")).extracting(TimelineEntry::outcome)
                .containsExactly("started", "succeeded");
        TimelineEntry started = timeline.stream().filter(e -> e.action().equals("Cut-over: configuration") && e.outcome().equals("started"))
                .findFirst().orElseThrow();
        assertThat(started.detail()).contains("at " + endpoint + "; the value in use is kept in version " + oldVersion);
        assertThat(started.undo()).isEqualTo("Point parameter /orders/database-url back at its version " + oldVersion);
        List<AwsEmulator.ApiRequest> changes = emulator.requests().stream().filter(r -> r.action().equals("PutParameter")).toList();
        assertThat(changes).hasSize(1);
        assertThat(started.at()).isBefore(changes.get(0).at());
        // AND RTO counts from the incident's opening in the ledger (detection), the approval wait reported apart
        JsonNode figures = measured(execution);
        assertThat(figures.get("detectedAt").asText()).isEqualTo(ledgerStore().incident(id(input)).orElseThrow().createdAt().toString());
        assertThat(figures.get("approvalWaitSeconds").asLong()).isGreaterThanOrEqualTo(APPROVAL_DELAY_SECONDS)
                .isLessThanOrEqualTo(figures.get("rtoSeconds").asLong());
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover complete") && e.detail().contains("RTO " + figures.get("rtoSeconds").asLong()
                + " s from detection") && e.detail().contains("of which " + figures.get("approvalWaitSeconds").asLong() + " s waiting for approval"));
    }

    @Test
    void instance_should_escalateAndChangeNothing_when_everyReplicaIsOverTheRpoTarget() throws Exception {
        ordersDbWithReplicas(600.0);
        emulator.clearRequests();
        DescribeExecutionResponse run = executions.await(executions.start(input()));
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("FailoverRefused");
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertThat(timeline(lastInput)).anyMatch(e -> e.action().equals("Failover refused")
                && e.detail().contains("orders-db-replica: not chosen, lag 600 s is over the RPO target of 300 s"));
        assertThat(ledgerStore().incident(id(lastInput)).orElseThrow().status().name()).isEqualTo("ESCALATED");
    }

    @Test
    void instance_should_neverPromoteTheUnprotectedTwin_when_theRequestNamesIt() throws Exception {
        ordersDbWithReplicas(2.0);
        emulator.clearRequests();
        DescribeExecutionResponse run = executions.await(executions.start(input().put("to", "orders-db-twin")));
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("FailoverRefused");
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(instance("orders-db-twin").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
    }

    @Test
    void dryRun_should_recordThePlan_and_makeNoMutatingCall() throws Exception {
        ordersDbWithReplicas(2.0);
        emulator.clearRequests();
        ObjectNode input = input().put("dryRun", true);
        DescribeExecutionResponse run = executions.await(executions.start(input));
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Dry run") && e.detail().contains("\"candidateId\":\"orders-db-replica\""));
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
    }

    @Test
    void rejectedApproval_should_stopBeforeThePromotion() throws Exception {
        ordersDbWithReplicas(2.0);
        emulator.clearRequests(); // the request log outlives a test: only this run's calls count
        ObjectNode input = input();
        String execution = executions.start(input);
        String token = executions.awaitApprovalToken(input);
        responder.sfn.sendTaskFailure(r -> r.taskToken(token).error("Rejected").cause("not during the sale"));
        DescribeExecutionResponse run = executions.await(execution);
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(emulator.requests()).noneMatch(r -> r.action().equals("PromoteReadReplica"));
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertThat(timeline(input)).extracting(TimelineEntry::action).doesNotContain("Failover intent", "Fail over");
        assertThat(ledgerStore().incident(id(input)).orElseThrow().status().name()).isEqualTo("ESCALATED");
    }

    @Test
    void aurora_should_failOverToTheReaderWithLeastLag_when_approved() throws Exception {
        // GIVEN an Aurora cluster: writer -1, readers -2 (50 ms behind) and -3 (10 ms)
        rds.createDBCluster(r -> r.dbClusterIdentifier("orders-db").engine("aurora-postgresql").engineVersion("15.4").masterUsername("app")
                .masterUserPassword("password-123").tags(t -> t.key("dr:protected").value("true")));
        for (String n : List.of("1", "2", "3")) {
            rds.createDBInstance(r -> r.dbInstanceIdentifier("orders-db-" + n).dbClusterIdentifier("orders-db").engine("aurora-postgresql")
                    .dbInstanceClass("db.r6g.large"));
        }
        putLag("AuroraReplicaLag", "orders-db-2", 50.0);
        putLag("AuroraReplicaLag", "orders-db-3", 10.0);
        ObjectNode input = Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("clusterId", "orders-db").put("pollSeconds", 1)
                .put("timeoutMinutes", 10);
        input.putObject("verify").put("secretId", "orders-db/verify").putObject("rowCounts").put("orders", 1);
        // WHEN it runs and is approved
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN reader -3 writes now; the cluster keeps its endpoints (cut-over none); the failback names the old writer
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0).dbClusterMembers())
                .anyMatch(m -> m.dbInstanceIdentifier().equals("orders-db-3") && m.isClusterWriter())
                .anyMatch(m -> m.dbInstanceIdentifier().equals("orders-db-1") && !m.isClusterWriter());
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("FailoverDBCluster")).hasSize(1);
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Failover intent") && e.undo().contains("--target-db-instance-identifier orders-db-1"));
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Failover complete") && e.detail().contains("RPO 1 s"));
    }

    // ---- rename cut-over (the restore's saga and its undo, issue 17)

    @Test
    void instance_should_giveThePromotedReplicaThePrimarysName_when_cutoverRename() throws Exception {
        // GIVEN orders-db and its opted-in replica, each with its own immutable resource id
        ordersDbWithReplicas(2.0);
        String primaryResource = instance("orders-db").dbiResourceId();
        String replicaResource = instance("orders-db-replica").dbiResourceId();
        assertThat(replicaResource).isNotEqualTo(primaryResource);
        ObjectNode input = input().put("cutover", "rename");
        emulator.clearRequests();
        // WHEN the failover runs with a rename cut-over and is approved
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN the promoted replica (standalone) answers at orders-db, the old primary at orders-db-old-<stamp>, nothing deleted
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        DBInstance atName = instance("orders-db");
        assertThat(atName.dbiResourceId()).as("the promoted replica answers at the primary's name").isEqualTo(replicaResource);
        assertThat(atName.readReplicaSourceDBInstanceIdentifier()).isNull();
        List<DBInstance> all = rds.describeDBInstances().dbInstances();
        assertThat(all).extracting(DBInstance::dbInstanceIdentifier).hasSize(3).contains("orders-db", "orders-db-twin")
                .anyMatch(id -> id.startsWith("orders-db-old-")).doesNotContain("orders-db-replica");
        assertThat(all).filteredOn(i -> i.dbInstanceIdentifier().startsWith("orders-db-old-")).extracting(DBInstance::dbiResourceId)
                .containsExactly(primaryResource);
        // AND the renames were written ahead (with their undo) and recorded, exactly two renames, the old primary's first
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(e -> e.action() + "/" + e.outcome()).containsSubsequence("Verify/passed", "Cut-over: rename/started",
                "Cut-over: rename/succeeded", "Failover complete/succeeded");
        TimelineEntry started = timeline.stream().filter(e -> e.action().equals("Cut-over: rename") && e.outcome().equals("started"))
                .findFirst().orElseThrow();
        assertThat(started.undo()).startsWith("if orders-db is the promoted replica: aws rds modify-db-instance --db-instance-identifier orders-db"
                + " --new-db-instance-identifier orders-db-replica");
        List<AwsEmulator.ApiRequest> renames = emulator.requests().stream().filter(r -> r.action().equals("ModifyDBInstance")).toList();
        assertThat(renames).hasSize(2);
        assertThat(started.at()).isBefore(renames.get(0).at());
        // the failback names the databases by their names after the rename, and the endpoint reported is the one at the primary's name
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover intent") && e.undo().contains("--source-db-instance-identifier orders-db ")
                && e.undo().contains("retire orders-db-old-"));
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover complete") && e.detail().contains("(endpoint " + atName.endpoint().address() + ")"));
        assertThat(ledgerStore().incident(id(input)).orElseThrow().status().name()).isEqualTo("RESOLVED");
    }

    @Test
    void renameCutover_should_renameTheOldPrimaryBack_and_failAsUndone_when_thePromotedRenameFails() throws Exception {
        // GIVEN a rename failover whose second rename (the promoted replica taking the primary's name) RDS refuses, every time
        ordersDbWithReplicas(2.0);
        String primaryResource = instance("orders-db").dbiResourceId();
        ObjectNode input = input().put("cutover", "rename");
        emulator.injectFault(AwsEmulator.Fault.error("rds", "ModifyDBInstance", 400, "InvalidDBInstanceStateFault")
                .matching("DBInstanceIdentifier=orders-db-replica").always());
        emulator.clearRequests();
        // WHEN it runs and is approved
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        List<String> calls = emulator.requests().stream().map(r -> r.service() + ":" + r.action()).toList();
        // THEN the old primary was renamed aside and back: it answers at its name again; the replica stays promoted under its own
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("CutoverUndone");
        assertThat(instance("orders-db").dbiResourceId()).as("the old primary answers at its name").isEqualTo(primaryResource);
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isNull();
        assertThat(rds.describeDBInstances().dbInstances()).extracting(DBInstance::dbInstanceIdentifier)
                .containsExactlyInAnyOrder("orders-db", "orders-db-replica", "orders-db-twin");
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(e -> e.action() + "/" + e.outcome())
                .containsSubsequence("Cut-over: rename/started", "Undo cut-over/started", "Undo cut-over/CutoverUndone");
        assertThat(timeline).anyMatch(e -> e.outcome().equals("CutoverUndone") && e.detail().contains("Injected by the test harness")
                && e.detail().contains("Now: orders-db: the source (available); orders-db-replica: the promoted replica (available)"));
        assertThat(ledgerStore().incident(id(input)).orElseThrow().status().name()).isEqualTo("FAILED");
        // AND the lock went only after the old primary was seen at its name again (its rename back came first)
        assertThat(calls.lastIndexOf("rds:ModifyDBInstance")).as("rename back").isPositive()
                .isLessThan(calls.lastIndexOf("rds:DescribeDBInstances"));
        assertThat(calls.lastIndexOf("rds:DescribeDBInstances")).isLessThan(calls.lastIndexOf("dynamodb:DeleteItem"));
        assertThat(ledgerStore().acquireLock(ledgerStore().incident(id(input)).orElseThrow().resource(), "inc-next",
                Instant.now(), Instant.now().plusSeconds(60)).acquired()).as("lock released").isTrue();
    }

    // ---- failover drill (issue 17)

    @Test
    void drill_should_promoteAndDeleteOnlyTheReplicaItMade() throws Exception {
        // GIVEN orders-db with its opted-in replica and an unprotected twin
        ordersDbWithReplicas(2.0);
        ObjectNode input = input().put("mode", "drill");
        emulator.clearRequests();
        // WHEN a drill runs (no approval: nothing in use changes)
        DescribeExecutionResponse run = executions.await(executions.start(input));
        // THEN it made one replica, promoted and verified it, and deleted it; the primary and its own replicas are as they were
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBInstances().dbInstances()).extracting(DBInstance::dbInstanceIdentifier)
                .containsExactlyInAnyOrder("orders-db", "orders-db-replica", "orders-db-twin");
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertThat(instance("orders-db-twin").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
        assertThat(instance("orders-db").dbInstanceStatus()).isEqualTo("available");
        List<String> mutating = MutatingCalls.of(emulator.requests()).stream().filter(r -> r.service().equals("rds"))
                .map(AwsEmulator.ApiRequest::action).toList();
        assertThat(mutating).containsExactly("CreateDBInstanceReadReplica", "PromoteReadReplica", "DeleteDBInstance");
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(e -> e.action() + "/" + e.outcome()).containsSubsequence("Failover planned/planned",
                "Failover intent/started", "Fail over/succeeded", "Verify/passed", "Drill measured/measured", "Drill cleaned up/succeeded");
        String drillReplica = timeline.stream().filter(e -> e.action().equals("Failover planned")).findFirst().orElseThrow().detail()
                .replaceFirst("^Drill: create read replica (orders-db-drill-\\d+) .*$", "$1");
        assertThat(drillReplica).startsWith("orders-db-drill-");
        assertThat(timeline).anyMatch(e -> e.action().equals("Drill cleaned up") && e.detail().startsWith("Drill replica " + drillReplica
                + " created, promoted, verified and deleted") && e.detail().contains("RTO "));
        assertThat(ledgerStore().incident(id(input)).orElseThrow().status().name()).isEqualTo("RESOLVED");
    }

    // ---- helpers

    static final long APPROVAL_DELAY_SECONDS = 3;

    /** The figures the Measure recovery step returned, from the execution history. */
    JsonNode measured(String executionArn) {
        String output = responder.sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events().stream()
                .filter(e -> e.stateExitedEventDetails() != null && e.stateExitedEventDetails().name().equals("Measure recovery"))
                .findFirst().orElseThrow().stateExitedEventDetails().output();
        return LocalResponder.json(output).path("metrics").path("result");
    }

    ObjectNode lastInput;

    ObjectNode input() {
        ObjectNode input = Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("instanceId", "orders-db").put("pollSeconds", 1)
                .put("timeoutMinutes", 10);
        input.putObject("verify").put("secretId", "orders-db/verify").<ObjectNode>set("rowCounts", Json.object().put("orders", 10))
                .putArray("customSql").add("SELECT count(*) > 0 FROM orders");
        lastInput = input;
        return input;
    }

    /** orders-db, its opted-in replica (lag {@code replicaLag}) and an unprotected twin replica with no lag at all. */
    void ordersDbWithReplicas(double replicaLag) throws Exception {
        java.net.http.HttpResponse<String> subnets = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(emulator.endpoint().resolve("/")).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("Action=DescribeSubnets&Version=2016-11-15")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        List<String> subnetIds = java.util.regex.Pattern.compile("<subnetId>([^<]+)</subnetId>").matcher(subnets.body())
                .results().map(m -> m.group(1)).distinct().limit(2).toList();
        rds.createDBSubnetGroup(r -> r.dbSubnetGroupName("orders-subnets").dbSubnetGroupDescription("orders").subnetIds(subnetIds));
        rds.createDBInstance(r -> r.dbInstanceIdentifier("orders-db").dbSubnetGroupName("orders-subnets").engine("postgres").engineVersion("15.4")
                .dbInstanceClass("db.t3.micro").masterUsername("app").masterUserPassword("password-123").allocatedStorage(20).backupRetentionPeriod(7)
                .tags(t -> t.key("dr:protected").value("true")));
        rds.createDBInstanceReadReplica(r -> r.dbInstanceIdentifier("orders-db-replica").sourceDBInstanceIdentifier("orders-db")
                .tags(t -> t.key("dr:protected").value("true")));
        rds.createDBInstanceReadReplica(r -> r.dbInstanceIdentifier("orders-db-twin").sourceDBInstanceIdentifier("orders-db"));
        // the twin is not opted in, whatever it may have taken over from its source
        rds.removeTagsFromResource(r -> r.resourceName(instance("orders-db-twin").dbInstanceArn()).tagKeys("dr:protected"));
        putLag("ReplicaLag", "orders-db-replica", replicaLag);
        putLag("ReplicaLag", "orders-db-twin", 0.0);
    }

    void putLag(String metric, String instance, double value) {
        cloudWatch.putMetricData(r -> r.namespace("AWS/RDS").metricData(d -> d.metricName(metric).value(value).timestamp(Instant.now())
                .dimensions(x -> x.name("DBInstanceIdentifier").value(instance))));
    }

    DBInstance instance(String id) {
        return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().get(0);
    }

    static String id(ObjectNode input) {
        return input.get("incidentId").asText();
    }

    DynamoDbLedger ledgerStore() {
        return responder.ledger();
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return ledgerStore().timeline(id(input));
    }
}
