package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.ExecutionHistorySecrets;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.PostgresFixture;
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
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
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
    SfnClient sfn;
    CloudWatchClient cloudWatch;
    String stateMachineArn;

    @BeforeAll
    static void startPostgres(PostgresFixture started) {
        postgres = started;
        postgres.superuser("CREATE TABLE orders (id serial primary key, updated_at timestamptz not null)");
        postgres.superuser("INSERT INTO orders (updated_at) SELECT now() - interval '1 minute' FROM generate_series(1, 12)");
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
        sfn = responder.sfn;
        stateMachineArn = responder.playbook(FailoverRequest.PLAYBOOK, Map.of("RtoTargetMinutes", "60", "RpoTargetMinutes", "5"));
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
        String execution = start(input);
        String token = awaitApprovalToken(input);
        Thread.sleep(Duration.ofSeconds(APPROVAL_DELAY_SECONDS).toMillis());
        sfn.sendTaskSuccess(r -> r.taskToken(token).output(Json.object().put("approved", true).put("approver", APPROVER).toString()));
        DescribeExecutionResponse run = await(execution);
        // THEN the protected replica was promoted (a standalone instance now), the twin still replicates from orders-db,
        // orders-db itself is untouched, and the consumers' URL names the promoted endpoint (only the host changed)
        assertStatus(run, ExecutionStatus.SUCCEEDED);
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
        DescribeExecutionResponse run = await(start(input()));
        assertStatus(run, ExecutionStatus.FAILED);
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
        DescribeExecutionResponse run = await(start(input().put("to", "orders-db-twin")));
        assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("FailoverRefused");
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(instance("orders-db-twin").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
    }

    @Test
    void dryRun_should_recordThePlan_and_makeNoMutatingCall() throws Exception {
        ordersDbWithReplicas(2.0);
        emulator.clearRequests();
        ObjectNode input = input().put("dryRun", true);
        DescribeExecutionResponse run = await(start(input));
        assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Dry run") && e.detail().contains("\"candidateId\":\"orders-db-replica\""));
        assertThat(instance("orders-db-replica").readReplicaSourceDBInstanceIdentifier()).isEqualTo("orders-db");
    }

    @Test
    void rejectedApproval_should_stopBeforeThePromotion() throws Exception {
        ordersDbWithReplicas(2.0);
        ObjectNode input = input();
        String execution = start(input);
        String token = awaitApprovalToken(input);
        sfn.sendTaskFailure(r -> r.taskToken(token).error("Rejected").cause("not during the sale"));
        DescribeExecutionResponse run = await(execution);
        assertStatus(run, ExecutionStatus.SUCCEEDED);
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
        DescribeExecutionResponse run = approveAndAwait(start(input), input);
        // THEN reader -3 writes now; the cluster keeps its endpoints (cut-over none); the failback names the old writer
        assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(rds.describeDBClusters(r -> r.dbClusterIdentifier("orders-db")).dbClusters().get(0).dbClusterMembers())
                .anyMatch(m -> m.dbInstanceIdentifier().equals("orders-db-3") && m.isClusterWriter())
                .anyMatch(m -> m.dbInstanceIdentifier().equals("orders-db-1") && !m.isClusterWriter());
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("FailoverDBCluster")).hasSize(1);
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Failover intent") && e.undo().contains("--target-db-instance-identifier orders-db-1"));
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Failover complete") && e.detail().contains("RPO 1 s"));
    }

    // ---- helpers

    static final long APPROVAL_DELAY_SECONDS = 3;

    /** The figures the Measure recovery step returned, from the execution history. */
    JsonNode measured(String executionArn) {
        String output = sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events().stream()
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

    String start(ObjectNode input) {
        return sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(id(input)).input(input.toString())).executionArn();
    }

    List<String> lastHistory = List.of();

    DescribeExecutionResponse await(String executionArn) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(300));
        while (Instant.now().isBefore(deadline)) {
            DescribeExecutionResponse d = sfn.describeExecution(r -> r.executionArn(executionArn));
            if (d.status() != ExecutionStatus.RUNNING) {
                lastHistory = history(executionArn);
                printCost(executionArn, d);
                ExecutionHistorySecrets.assertNoneIn(sfn, executionArn, List.of(VERIFY_PASSWORD, URL_PASSWORD));
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("execution still running after 300 s: " + history(executionArn));
    }

    /**
     * Benchmark line (docs/BENCHMARKS.md, "Database failover"): state transitions, Lambda invocations, RDS calls of
     * the state machine, poll turns and wall time (approval waits included: the test answers as soon as it sees the token).
     */
    void printCost(String executionArn, DescribeExecutionResponse d) {
        List<HistoryEvent> events = sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events();
        long transitions = events.stream().filter(e -> e.typeAsString().endsWith("StateEntered")).count();
        long lambdas = events.stream().filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resourceType().equals("lambda")).count();
        long rdsCalls = events.stream().filter(e -> e.taskScheduledEventDetails() != null && e.taskScheduledEventDetails().resourceType().contains("rds")).count();
        long polls = events.stream().filter(e -> e.stateEnteredEventDetails() != null && e.stateEnteredEventDetails().name().equals("Check failover")).count();
        System.out.printf("BENCHMARK failover %s status=%s transitions=%d lambdaInvokes=%d (polls=%d) rdsSdkCalls=%d wall=%d ms%n",
                d.name(), d.status(), transitions, lambdas, polls, rdsCalls, Duration.between(d.startDate(), d.stopDate()).toMillis());
    }

    String awaitApprovalToken(ObjectNode input) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(deadline)) {
            var token = ledgerStore().approvalToken(id(input));
            if (token.isPresent()) {
                return token.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no approval token in the ledger: " + timeline(input));
    }

    DescribeExecutionResponse approveAndAwait(String executionArn, ObjectNode input) throws InterruptedException {
        String token = awaitApprovalToken(input);
        sfn.sendTaskSuccess(r -> r.taskToken(token).output(Json.object().put("approved", true).put("approver", APPROVER).toString()));
        return await(executionArn);
    }

    void assertStatus(DescribeExecutionResponse run, ExecutionStatus expected) {
        assertThat(run.status()).as(() -> String.join("\n", lastHistory)).isEqualTo(expected);
    }

    List<String> history(String executionArn) {
        return sfn.getExecutionHistory(r -> r.executionArn(executionArn).maxResults(1000)).events().stream().map(FailoverPlaybookIT::describe).toList();
    }

    static String describe(HistoryEvent e) {
        String name = e.stateEnteredEventDetails() != null ? " " + e.stateEnteredEventDetails().name() : "";
        String failure = e.taskFailedEventDetails() != null ? " " + e.taskFailedEventDetails().error() + ": " + e.taskFailedEventDetails().cause()
                : e.executionFailedEventDetails() != null ? " " + e.executionFailedEventDetails().error() + ": " + e.executionFailedEventDetails().cause() : "";
        return e.id() + " " + e.typeAsString() + name + failure;
    }

    DynamoDbLedger ledgerStore() {
        return responder.ledger();
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return ledgerStore().timeline(id(input));
    }
}
