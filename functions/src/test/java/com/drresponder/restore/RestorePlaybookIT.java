package com.drresponder.restore;

import com.drresponder.local.ResponderDeployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LedgerFixture;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The real restore ASL in moto's Step Functions, its Java steps served by the harness's Lambda host, RDS
 * in moto, and the verifier's SQL against a real PostgreSQL (moto's endpoints are no databases, so the
 * request's verify.jdbcUrlOverride points at it).
 */
@AwsEmulatorTest
class RestorePlaybookIT {
    static final Path ASL = Path.of("..", "statemachines", "restore-database-to-point-in-time.asl.json");
    static EmbeddedPostgres postgres;
    static String jdbcUrl;

    AwsEmulator emulator;
    LedgerFixture ledger;
    RdsClient rds;
    SfnClient sfn;
    String stateMachineArn;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id serial primary key, updated_at timestamptz not null)");
            s.execute("INSERT INTO orders (updated_at) SELECT now() - interval '1 day' FROM generate_series(1, 25)");
        }
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void setUp(AwsEmulator emulator) throws Exception {
        this.emulator = emulator;
        ledger = LedgerFixture.create(emulator);
        rds = EmulatorClients.of(emulator, RdsClient.builder());
        sfn = EmulatorClients.of(emulator, SfnClient.builder());
        EmulatorClients.of(emulator, SecretsManagerClient.builder()).createSecret(r -> r.name("orders-db/master")
                .secretString("{\"username\":\"postgres\",\"password\":\"not-a-real-pass\",\"host\":\"orders-db.local\",\"port\":5432,\"dbname\":\"postgres\"}"));
        Map<String, String> env = new HashMap<>(ledger.environment());
        Map<String, String> substitutions = new HashMap<>();
        substitutions.put("RecordStepFunctionArn", emulator.deployJavaFunction("record-step", "com.drresponder.timeline.RecordStepHandler::handleRequest", env));
        for (String step : List.of("ValidateRestore", "CheckProgress", "VerifyDatabase", "RequestApproval", "ConfigCutover", "DeleteDrillCopy", "RecoveryMetrics")) {
            String handler = "com.drresponder.restore." + (step.equals("RecoveryMetrics") ? "RecoveryMetricsHandler" : step + "Handler") + "::handleRequest";
            substitutions.put(step + "FunctionArn", emulator.deployJavaFunction("restore-" + step, handler, env));
        }
        substitutions.put("RtoTargetMinutes", "60");
        substitutions.put("RpoTargetMinutes", "5");
        String def = ResponderDeployment.substitute(Files.readString(ASL), substitutions);
        stateMachineArn = sfn.createStateMachine(r -> r.name("restore-database-to-point-in-time").definition(def)
                .roleArn("arn:aws:iam::" + emulator.accountId() + ":role/sfn")).stateMachineArn();
    }

    @Test
    void aurora_should_snapshotRestoreVerifyAndRename_when_cutoverRename() throws Exception {
        // GIVEN a protected Aurora cluster with one writer
        createCluster("orders-db");
        // WHEN the playbook restores it and cuts over by renaming
        ObjectNode input = input("clusterId", "orders-db").put("cutover", "rename");
        DescribeExecutionResponse run = runToEnd(input);
        // THEN the restored copy carries the source's name, the source sits aside as -old-, both snapshots exist
        assertStatus(run, ExecutionStatus.SUCCEEDED);
        List<String> clusters = rds.describeDBClusters().dbClusters().stream().map(DBCluster::dbClusterIdentifier).toList();
        assertThat(clusters).contains("orders-db").anyMatch(id -> id.startsWith("orders-db-old-")).hasSize(2);
        DBCluster renamed = rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0);
        assertThat(renamed.tagList()).anyMatch(t -> t.key().equals("dr:restored-from") && t.value().equals("orders-db"));
        assertThat(rds.describeDBClusterSnapshots().dbClusterSnapshots()).extracting(s -> s.dbClusterSnapshotIdentifier())
                .anyMatch(id -> id.startsWith("orders-db-pre-restore-")).anyMatch(id -> id.startsWith("orders-db-final-"));
        assertThat(timeline(input)).extracting(TimelineEntry::action).contains("Restore planned", "Snapshot source",
                "Restore to point in time", "Verify", "Cut-over: rename", "Restore complete");
        assertThat(ledgerStore().incident(input.get("incidentId").asText()).orElseThrow().status().name()).isEqualTo("RESOLVED");
    }

    @Test
    void instance_should_restoreAndPointSsmParameterAtCopy_when_cutoverConfig() throws Exception {
        createInstance("billing-db");
        SsmClient ssm = EmulatorClients.of(emulator, SsmClient.builder());
        ssm.putParameter(r -> r.name("/billing/database-url").type("String").value("postgresql://app@billing-db.old.local:5432/billing"));
        ObjectNode input = input("instanceId", "billing-db").put("cutover", "config");
        input.putObject("cutoverConfig").put("parameterName", "/billing/database-url");
        DescribeExecutionResponse run = runToEnd(input);
        assertStatus(run, ExecutionStatus.SUCCEEDED);
        String target = rds.describeDBInstances().dbInstances().stream().map(i -> i.dbInstanceIdentifier())
                .filter(id -> id.startsWith("billing-db-restored-")).findFirst().orElseThrow();
        String endpoint = rds.describeDBInstances(r -> r.dbInstanceIdentifier(target)).dbInstances().get(0).endpoint().address();
        assertThat(ssm.getParameter(r -> r.name("/billing/database-url")).parameter().value())
                .isEqualTo("postgresql://app@" + endpoint + ":5432/billing");
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Cut-over: configuration") && e.undo().contains("billing-db.old.local"));
    }

    @Test
    void aurora_should_waitForApproval_then_reportEndpoint_when_cutoverNone() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("approval", true);
        String executionArn = start(input);
        String token = awaitApprovalToken(input, Duration.ofSeconds(90));
        sfn.sendTaskSuccess(r -> r.taskToken(token).output("{\"approved\":true}"));
        DescribeExecutionResponse run = await(executionArn);
        assertStatus(run, ExecutionStatus.SUCCEEDED);
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
        assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters().dbClusters()).extracting(DBCluster::dbClusterIdentifier).containsExactly("orders-db");
        assertThat(rds.describeDBInstances().dbInstances()).extracting(i -> i.dbInstanceIdentifier()).containsExactly("orders-db-1");
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Drill measured") && e.detail().startsWith("RTO "));
    }

    @Test
    void dryRun_should_recordPlan_and_createNothing() throws Exception {
        createCluster("orders-db");
        ObjectNode input = input("clusterId", "orders-db").put("dryRun", true);
        DescribeExecutionResponse run = runToEnd(input);
        assertStatus(run, ExecutionStatus.SUCCEEDED);
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
        assertStatus(run, ExecutionStatus.FAILED);
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
        String arn = sfn.startExecution(r -> r.stateMachineArn(stateMachineArn + "#NeverReady").input(input.toString())).executionArn();
        DescribeExecutionResponse run = await(arn);
        assertStatus(run, ExecutionStatus.FAILED);
        assertThat(timeline(input)).anyMatch(e -> e.outcome().equals("timed out") && e.detail().contains("phase snapshot"));
        assertThat(rds.describeDBInstances().dbInstances()).hasSize(1);
    }

    // ---- helpers

    ObjectNode input(String idField, String id) {
        ObjectNode input = Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put(idField, id)
                .put("restoreTime", "latest").put("cutover", "none").put("approval", false).put("pollSeconds", 1).put("timeoutMinutes", 10);
        input.putObject("verify").put("secretId", "orders-db/master").put("jdbcUrlOverride", jdbcUrl)
                .put("sourceJdbcUrlOverride", jdbcUrl)
                .<ObjectNode>set("maxUpdatedAt", Json.object().put("table", "orders").put("column", "updated_at"));
        ((ObjectNode) input.get("verify")).putArray("customSql").add("SELECT count(*) > 0 FROM orders");
        return input;
    }

    void createCluster(String id) {
        rds.createDBCluster(r -> r.dbClusterIdentifier(id).engine("aurora-postgresql").engineVersion("15.4").masterUsername("app")
                .masterUserPassword("password-123").storageEncrypted(true).backupRetentionPeriod(7)
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
                .masterUsername("app").masterUserPassword("password-123").allocatedStorage(20).backupRetentionPeriod(7)
                .tags(t -> t.key("dr:protected").value("true")));
    }

    String start(ObjectNode input) {
        return sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).input(input.toString())).executionArn();
    }

    DescribeExecutionResponse runToEnd(ObjectNode input) throws InterruptedException {
        return await(start(input));
    }

    DescribeExecutionResponse await(String executionArn) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (Instant.now().isBefore(deadline)) {
            DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING) {
                lastHistory = history(executionArn);
                printCost(executionArn, d);
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("execution still running after 180 s: " + history(executionArn));
    }

    List<String> lastHistory = List.of();

    DynamoDbLedger ledgerStore() {
        return new DynamoDbLedger(EmulatorClients.of(emulator, software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()), LedgerFixture.TABLE);
    }

    void assertStatus(DescribeExecutionResponse run, ExecutionStatus expected) {
        assertThat(run.status()).as(() -> String.join("\n", lastHistory)).isEqualTo(expected);
    }

    List<String> history(String executionArn) {
        return sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events().stream().map(RestorePlaybookIT::describe).toList();
    }

    /**
     * Benchmark line (docs/BENCHMARKS.md, "Database restore"): state transitions (StateEntered events),
     * Lambda invocations and RDS API calls the execution made, Wait turns, and wall time.
     */
    void printCost(String executionArn, DescribeExecutionResponse d) {
        List<HistoryEvent> events = sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events();
        long transitions = events.stream().filter(e -> e.typeAsString().endsWith("StateEntered")).count();
        long waits = events.stream().filter(e -> e.typeAsString().equals("WaitStateEntered")).count();
        long lambdas = events.stream().filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resourceType().equals("lambda")).count();
        long rdsCalls = events.stream().filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resourceType().contains("rds")).count();
        long polls = events.stream().filter(e -> e.stateEnteredEventDetails() != null && e.stateEnteredEventDetails().name().equals("Check progress")).count();
        Duration wall = Duration.between(d.startDate(), d.stopDate());
        System.out.printf("BENCHMARK restore %s status=%s transitions=%d lambdaInvokes=%d (progressPolls=%d) rdsSdkCalls=%d waitTurns=%d wall=%d ms%n",
                d.name(), d.status(), transitions, lambdas, polls, rdsCalls, waits, wall.toMillis());
    }

    /** The SDK's toString redacts error and cause; tests need them. */
    static String describe(HistoryEvent e) {
        String name = e.stateEnteredEventDetails() != null ? " " + e.stateEnteredEventDetails().name() : "";
        String failure = e.taskFailedEventDetails() != null ? " " + e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause()
                : e.executionFailedEventDetails() != null ? " " + e.executionFailedEventDetails().error() + ": " + e.executionFailedEventDetails().cause() : "";
        return e.id() + " " + e.typeAsString() + name + failure;
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return ledgerStore().timeline(input.get("incidentId").asText());
    }

    String awaitApprovalToken(ObjectNode input, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            for (TimelineEntry e : timeline(input)) {
                if (e.action().equals("Approval requested")) {
                    String detail = e.detail();
                    int at = detail.indexOf("--task-token ") + "--task-token ".length();
                    return detail.substring(at, detail.indexOf(' ', at));
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no approval request on the timeline: " + timeline(input));
    }
}
