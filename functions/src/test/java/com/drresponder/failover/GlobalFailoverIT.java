package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.testing.EmulatorClients;
import com.drresponder.testing.LocalResponder;
import com.drresponder.testing.MutatingCalls;
import com.drresponder.testing.PlaybookExecutions;
import com.drresponder.testsupport.AwsEmulator;
import com.drresponder.testsupport.AwsEmulatorTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.GlobalClusterMember;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Aurora Global Database in the real fail-over-database ASL (issue 17): two Regions in the emulator (the deployment's
 * us-east-1 and its failoverRegions us-west-2), the launcher's managed switchover/failover and cross-region detach,
 * {@code AuroraGlobalDBReplicationLag} as data points the test puts into us-west-2's CloudWatch (RDS publishes them
 * there in AWS). The secondary's Region is called by the global-failover function, never by the state machine.
 */
@AwsEmulatorTest
class GlobalFailoverIT {
    static final String APPROVER = "arn:aws:iam::123456789012:user/alice";
    static final String WEST = "us-west-2";

    AwsEmulator emulator;
    LocalResponder responder;
    RdsClient east;
    RdsClient west;
    PlaybookExecutions executions;
    String primaryArn;
    String westArn;
    String twinArn;

    @BeforeEach
    void setUp(AwsEmulator emulator) {
        this.emulator = emulator;
        east = EmulatorClients.of(emulator, RdsClient.builder());
        west = inRegion(RdsClient.builder(), WEST);
        responder = LocalResponder.create(emulator).env(FailoverRegions.VARIABLE, WEST).functionsOf(FailoverRequest.PLAYBOOK);
        String stateMachineArn = responder.playbook(FailoverRequest.PLAYBOOK, Map.of("RtoTargetMinutes", "60", "RpoTargetMinutes", "5"));
        executions = new PlaybookExecutions(responder, stateMachineArn, "global-failover", "Check failover", List.of(), APPROVER, Duration.ofMinutes(3));
        globalDatabase();
    }

    @Test
    void switchover_should_makeTheProtectedSecondaryTheWriter_inItsOwnRegion_when_approved() throws Exception {
        // GIVEN orders-db (us-east-1, healthy) the primary of orders-global, its opted-in secondary in us-west-2 (1.5 s behind)
        // and an unprotected twin there that is closer (0.2 s)
        ObjectNode input = input();
        emulator.clearRequests();
        // WHEN the failover runs and a person approves
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN the protected secondary writes now, orders-db is a secondary of the same global database, the twin is untouched
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(writer()).isEqualTo(westArn);
        assertThat(members()).extracting(GlobalClusterMember::dbClusterArn).containsExactlyInAnyOrder(primaryArn, westArn, twinArn);
        // AND exactly one SwitchoverGlobalCluster, made by the global-failover function in us-west-2 (not by the state machine)
        assertThat(emulator.requests()).filteredOn(r -> r.action().equals("SwitchoverGlobalCluster")).singleElement()
                .satisfies(r -> assertThat(r.caller()).startsWith(AwsEmulator.FUNCTION_ACCESS_KEY_PREFIX));
        assertThat(MutatingCalls.of(emulator.requests())).extracting(AwsEmulator.ApiRequest::action).containsExactly("SwitchoverGlobalCluster");
        assertThat(recordedCalls("SwitchoverGlobalCluster")).isNotEmpty().allSatisfy(c -> {
            assertThat(c.path("region").asText()).isEqualTo(WEST);
            assertThat(c.path("principal").path("handler").asText()).startsWith(GlobalFailoverHandler.class.getName());
        });
        // AND the failback (switch back to orders-db) was on the timeline before the switchover (write-ahead)
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(TimelineEntry::action).containsSubsequence("Failover planned", "Approval", "Failover intent", "Fail over",
                "Failover complete");
        TimelineEntry intent = timeline.stream().filter(e -> e.action().equals("Failover intent")).findFirst().orElseThrow();
        assertThat(intent.undo()).contains("aws rds switchover-global-cluster --region us-west-2 --global-cluster-identifier orders-global "
                + "--target-db-cluster-identifier " + primaryArn);
        Instant switchover = emulator.requests().stream().filter(r -> r.action().equals("SwitchoverGlobalCluster")).findFirst().orElseThrow().at();
        assertThat(intent.at()).isBefore(switchover);
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover planned") && e.detail().startsWith("Switch Aurora Global Database orders-global")
                && e.detail().contains("orders-db-twin: not chosen, secondary of global database orders-global in us-west-2, not tagged dr:protected=true"));
        // a switchover loses nothing: RPO 0, whatever the lag was
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover complete") && e.detail().contains("RPO 0 s"));
        assertThat(responder.ledger().incident(PlaybookExecutions.id(input)).orElseThrow().status().name()).isEqualTo("RESOLVED");
    }

    @Test
    void detach_should_promoteTheSecondaryToAStandaloneCluster_when_theApprovalAllowsDataLoss() throws Exception {
        ObjectNode input = input().put("globalAction", "detach");
        emulator.clearRequests();
        // WHEN a person approves with data loss allowed (drctl approve --allow-data-loss)
        DescribeExecutionResponse run = executions.approveAllowingDataLossAndAwait(executions.start(input), input);
        // THEN the secondary left the global database in us-west-2 and writes on its own; orders-db is still the primary
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(members()).extracting(GlobalClusterMember::dbClusterArn).containsExactlyInAnyOrder(primaryArn, twinArn);
        assertThat(writer()).isEqualTo(primaryArn);
        assertThat(west.describeDBClusters(r -> r.dbClusterIdentifier("orders-db-west")).dbClusters().get(0).status()).isEqualTo("available");
        assertThat(MutatingCalls.of(emulator.requests())).extracting(AwsEmulator.ApiRequest::action).containsExactly("RemoveFromGlobalCluster");
        assertThat(recordedCalls("RemoveFromGlobalCluster")).isNotEmpty().allSatisfy(c -> assertThat(c.path("region").asText()).isEqualTo(WEST));
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).anyMatch(e -> e.action().equals("Approval") && e.detail().contains("data loss allowed"));
        assertThat(timeline).anyMatch(e -> e.action().equals("Failover intent") && e.undo().startsWith("Detaching cannot be reversed")
                && e.undo().contains("create-global-cluster --region us-west-2"));
    }

    @Test
    void dataLossFailover_should_changeNothing_when_theApprovalDoesNotAllowDataLoss() throws Exception {
        // GIVEN a request for a failover with data loss
        ObjectNode input = input().put("globalAction", "failover");
        emulator.clearRequests();
        // WHEN a person approves as for any promotion, without allowing data loss
        DescribeExecutionResponse run = executions.approveAndAwait(executions.start(input), input);
        // THEN it stops before the failover: nothing changed, orders-db still writes, the reason is on the timeline
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(writer()).isEqualTo(primaryArn);
        List<TimelineEntry> timeline = timeline(input);
        assertThat(timeline).extracting(TimelineEntry::action).doesNotContain("Failover intent", "Fail over");
        assertThat(timeline).anyMatch(e -> e.detail() != null && e.detail().contains("\"allowDataLoss\": true approves it"));
        assertThat(responder.ledger().incident(PlaybookExecutions.id(input)).orElseThrow().status().name()).isEqualTo("ESCALATED");
    }

    @Test
    void failover_should_runWithDataLoss_when_theApprovalAllowsIt() throws Exception {
        ObjectNode input = input().put("globalAction", "failover");
        emulator.clearRequests();
        DescribeExecutionResponse run = executions.approveAllowingDataLossAndAwait(executions.start(input), input);
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(writer()).isEqualTo(westArn);
        assertThat(MutatingCalls.of(emulator.requests())).extracting(AwsEmulator.ApiRequest::action).containsExactly("FailoverGlobalCluster");
        // RPO: the secondary's lag when the failover was planned (1.5 s, in whole seconds up)
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Failover complete") && e.detail().contains("RPO 2 s"));
    }

    @Test
    void unprotectedSecondary_should_neverBeChosen_when_theRequestNamesIt() throws Exception {
        emulator.clearRequests();
        ObjectNode input = input().put("to", "orders-db-twin");
        DescribeExecutionResponse run = executions.await(executions.start(input));
        executions.assertStatus(run, ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("FailoverRefused");
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(writer()).isEqualTo(primaryArn);
    }

    @Test
    void dryRun_should_recordTheGlobalPlan_and_makeNoMutatingCall() throws Exception {
        emulator.clearRequests();
        ObjectNode input = input().put("dryRun", true).put("globalAction", "detach");
        DescribeExecutionResponse run = executions.await(executions.start(input));
        executions.assertStatus(run, ExecutionStatus.SUCCEEDED);
        assertThat(MutatingCalls.of(emulator.requests())).isEmpty();
        assertThat(timeline(input)).anyMatch(e -> e.action().equals("Dry run") && e.detail().contains("\"action\":\"global-detach\"")
                && e.detail().contains("\"candidateId\":\"orders-db-west\""));
        assertThat(members()).hasSize(3);
    }

    // ---- helpers

    /** orders-db in us-east-1, primary of orders-global; orders-db-west (opted in) and orders-db-twin (not) in us-west-2. */
    void globalDatabase() {
        primaryArn = east.createDBCluster(r -> r.dbClusterIdentifier("orders-db").engine("aurora-postgresql").engineVersion("15.4")
                .masterUsername("app").masterUserPassword("password-123").tags(t -> t.key("dr:protected").value("true"))).dbCluster().dbClusterArn();
        east.createGlobalCluster(r -> r.globalClusterIdentifier("orders-global").sourceDBClusterIdentifier(primaryArn));
        westArn = west.createDBCluster(r -> r.dbClusterIdentifier("orders-db-west").engine("aurora-postgresql").engineVersion("15.4")
                .globalClusterIdentifier("orders-global").tags(t -> t.key("dr:protected").value("true"))).dbCluster().dbClusterArn();
        twinArn = west.createDBCluster(r -> r.dbClusterIdentifier("orders-db-twin").engine("aurora-postgresql").engineVersion("15.4")
                .globalClusterIdentifier("orders-global")).dbCluster().dbClusterArn();
        putGlobalLag("orders-db-west", 1500.0);
        putGlobalLag("orders-db-twin", 200.0);
    }

    /** AuroraGlobalDBReplicationLag in milliseconds, in the secondary's Region, as RDS publishes it. */
    void putGlobalLag(String cluster, double millis) {
        CloudWatchClient cloudWatch = inRegion(CloudWatchClient.builder(), WEST);
        cloudWatch.putMetricData(r -> r.namespace("AWS/RDS").metricData(d -> d.metricName("AuroraGlobalDBReplicationLag").value(millis)
                .unit("Milliseconds").timestamp(Instant.now()).dimensions(x -> x.name("DBClusterIdentifier").value(cluster))));
    }

    ObjectNode input() {
        return Json.object().put("incidentId", "inc-" + UUID.randomUUID()).put("clusterId", "orders-db").put("pollSeconds", 1).put("timeoutMinutes", 10);
    }

    List<GlobalClusterMember> members() {
        return east.describeGlobalClusters(r -> r.globalClusterIdentifier("orders-global")).globalClusters().get(0).globalClusterMembers();
    }

    String writer() {
        return members().stream().filter(m -> Boolean.TRUE.equals(m.isWriter())).map(GlobalClusterMember::dbClusterArn).findFirst().orElse(null);
    }

    /** The API call log's records of an action (what the IAM check evaluates): caller, Region, resources. */
    List<JsonNode> recordedCalls(String action) throws Exception {
        return Files.readAllLines(emulator.apiCallLog()).stream().map(LocalResponder::json).filter(n -> action.equals(n.path("action").asText())).toList();
    }

    List<TimelineEntry> timeline(ObjectNode input) {
        return responder.ledger().timeline(PlaybookExecutions.id(input));
    }

    <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C inRegion(B builder, String region) {
        return builder.endpointOverride(emulator.endpoint()).region(Region.of(region)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(emulator.accessKey(), emulator.secretKey())))
                .overrideConfiguration(c -> c.putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, "drr-test"))
                .build();
    }
}
