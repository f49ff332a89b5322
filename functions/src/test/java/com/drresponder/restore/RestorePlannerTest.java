package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.drresponder.common.Json;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterMember;
import software.amazon.awssdk.services.rds.model.DBClusterSnapshot;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClusterSnapshotsResponse;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBParameterGroupStatus;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbClustersResponse;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesRequest;
import software.amazon.awssdk.services.rds.model.DescribeDbInstancesResponse;

/** The planner through the real AwsRdsInventory; Mockito only for the RDS client. */
class RestorePlannerTest {
    static final Instant NOW = Instant.parse("2026-11-22T03:30:00Z");
    static final Instant EARLIEST = Instant.parse("2026-11-15T00:00:00Z");
    static final Instant LATEST = Instant.parse("2026-11-22T03:25:00Z");
    RdsClient rds = mock(RdsClient.class);
    RestorePlanner planner = new RestorePlanner(new AwsRdsInventory(rds), Clock.fixed(NOW, ZoneOffset.UTC), "dr:protected");

    @BeforeEach
    @SuppressWarnings("unchecked")
    void cluster() {
        DBCluster source = DBCluster.builder().dbClusterIdentifier("orders-db").dbClusterArn("arn:aws:rds:us-east-1:123456789012:cluster:orders-db")
                .status("available").engine("aurora-postgresql").engineVersion("15.4").earliestRestorableTime(EARLIEST).latestRestorableTime(LATEST)
                .vpcSecurityGroups(g -> g.vpcSecurityGroupId("sg-1")).dbSubnetGroup("db-private").storageEncrypted(true).kmsKeyId("arn:aws:kms:key/1")
                .dbClusterParameterGroup("orders-cluster-pg").deletionProtection(true).iamDatabaseAuthenticationEnabled(true)
                .serverlessV2ScalingConfiguration(s -> s.minCapacity(0.5).maxCapacity(8.0))
                .tagList(t -> t.key("dr:protected").value("true"), t -> t.key("team").value("orders"))
                .dbClusterMembers(DBClusterMember.builder().dbInstanceIdentifier("orders-db-reader").isClusterWriter(false).build(),
                        DBClusterMember.builder().dbInstanceIdentifier("orders-db-writer").isClusterWriter(true).build()).build();
        when(rds.describeDBClusters(any(Consumer.class))).thenAnswer(inv -> {
            DescribeDbClustersRequest.Builder b = DescribeDbClustersRequest.builder();
            ((Consumer<DescribeDbClustersRequest.Builder>) inv.getArgument(0)).accept(b);
            if ("orders-db".equals(b.build().dbClusterIdentifier())) {
                return DescribeDbClustersResponse.builder().dbClusters(source).build();
            }
            throw DbClusterNotFoundException.builder().message("not found").build();
        });
        when(rds.describeDBInstances(any(Consumer.class))).thenAnswer(inv -> {
            DescribeDbInstancesRequest.Builder b = DescribeDbInstancesRequest.builder();
            ((Consumer<DescribeDbInstancesRequest.Builder>) inv.getArgument(0)).accept(b);
            if (b.build().dbInstanceIdentifier() != null) {
                return DescribeDbInstancesResponse.builder().build();
            }
            return DescribeDbInstancesResponse.builder().dbInstances(
                    instance("orders-db-reader", "db.r6g.large"), instance("orders-db-writer", "db.serverless")).build();
        });
    }

    static DBInstance instance(String id, String cls) {
        return DBInstance.builder().dbInstanceIdentifier(id).dbClusterIdentifier("orders-db").dbInstanceClass(cls)
                .dbParameterGroups(DBParameterGroupStatus.builder().dbParameterGroupName("orders-pg").build()).promotionTier(1).build();
    }

    // ---- restore from a snapshot (issue 14)

    @SuppressWarnings("unchecked")
    void clusterSnapshots(DBClusterSnapshot... snapshots) {
        when(rds.describeDBClusterSnapshots(any(Consumer.class))).thenAnswer(inv -> {
            DescribeDbClusterSnapshotsRequest r = com.drresponder.testing.SdkRequests.of(inv, DescribeDbClusterSnapshotsRequest.builder());
            return DescribeDbClusterSnapshotsResponse.builder().dbClusterSnapshots(java.util.Arrays.stream(snapshots)
                    .filter(s -> r.dbClusterSnapshotIdentifier() == null || s.dbClusterSnapshotIdentifier().equals(r.dbClusterSnapshotIdentifier()))
                    .filter(s -> r.dbClusterIdentifier() == null || s.dbClusterIdentifier().equals(r.dbClusterIdentifier()))
                    .filter(s -> r.snapshotType() == null || s.snapshotType().equals(r.snapshotType())).toList()).build();
        });
    }

    static DBClusterSnapshot snapshot(String id, String of, String type, String status, String created) {
        return DBClusterSnapshot.builder().dbClusterSnapshotIdentifier(id).dbClusterIdentifier(of).snapshotType(type).status(status)
                .snapshotCreateTime(Instant.parse(created)).build();
    }

    static ObjectNode fromSnapshot(String snapshot) {
        ObjectNode request = request();
        request.remove("restoreTime");
        request.putObject("source").put("snapshot", snapshot);
        return request;
    }

    @Test
    void plan_should_restoreFromNewestAvailableAutomatedSnapshot_when_latestAutomatedRequested() {
        clusterSnapshots(snapshot("rds:orders-db-2026-11-21-03-00", "orders-db", "automated", "available", "2026-11-21T03:00:00Z"),
                snapshot("rds:orders-db-2026-11-22-03-00", "orders-db", "automated", "available", "2026-11-22T03:00:00Z"),
                snapshot("rds:orders-db-2026-11-22-03-20", "orders-db", "automated", "creating", "2026-11-22T03:20:00Z"),
                snapshot("rds:billing-db-2026-11-22-03-10", "billing-db", "automated", "available", "2026-11-22T03:10:00Z"));
        RestorePlan plan = planner.plan(RestoreRequest.parse(fromSnapshot("latest-automated")), "inc-1");
        ObjectNode state = plan.toStateJson();
        assertThat(state.get("restoreFrom").asText()).isEqualTo("snapshot");
        assertThat(state.get("fromSnapshot").asText()).isEqualTo("rds:orders-db-2026-11-22-03-00");
        assertThat(plan.restoreTime()).as("the data is as of the snapshot").isEqualTo(Instant.parse("2026-11-22T03:00:00Z"));
        assertThat(plan.approval()).as("an older point than latest waits for a person").isTrue();
        assertThat(plan.summary()).contains("from snapshot rds:orders-db-2026-11-22-03-00");
        assertThat(planner.plan(RestoreRequest.parse(request()), "inc-1").toStateJson().get("restoreFrom").asText()).isEqualTo("time");
    }

    @Test
    void plan_should_rejectSnapshot_when_itIsAnotherDatabasesOrMissingOrNotAvailable() {
        clusterSnapshots(snapshot("billing-before-upgrade", "billing-db", "manual", "available", "2026-11-20T00:00:00Z"),
                snapshot("orders-being-taken", "orders-db", "manual", "creating", "2026-11-22T03:29:00Z"));
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(fromSnapshot("billing-before-upgrade")), "inc-1"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("source.snapshot: cluster snapshot billing-before-upgrade is of billing-db, not of orders-db: only a snapshot of the database being restored may be used");
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(fromSnapshot("nope")), "inc-1"))
                .hasMessage("source.snapshot: no cluster snapshot named nope in this account and region");
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(fromSnapshot("orders-being-taken")), "inc-1"))
                .hasMessageContaining("is creating; only an available snapshot can be restored");
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(fromSnapshot("latest-automated")), "inc-1"))
                .hasMessage("source.snapshot: orders-db has no available automated snapshot; name a manual snapshot of it");
    }

    static ObjectNode request() {
        return Json.object().put("clusterId", "orders-db").put("restoreTime", "latest").put("cutover", "none");
    }

    @Test
    void plan_should_resolveLatest_and_nameTargetWithTimestamp_when_latestRequested() {
        RestorePlan plan = planner.plan(RestoreRequest.parse(request()), "inc-1");
        assertThat(plan.restoreTime()).isEqualTo(LATEST);
        assertThat(plan.targetId()).isEqualTo("orders-db-restored-202611220330");
        assertThat(plan.snapshotId()).isEqualTo("orders-db-pre-restore-202611220330");
        assertThat(plan.oldId()).isEqualTo("orders-db-old-202611220330");
    }

    @Test
    void plan_should_copyEverySettingFromSource_when_restoringCluster() {
        ObjectNode state = planner.plan(RestoreRequest.parse(request()), "inc-1").toStateJson();
        ObjectNode p = (ObjectNode) state.get("restoreCluster");
        assertThat(p.get("VpcSecurityGroupIds").toString()).isEqualTo("[\"sg-1\"]");
        assertThat(p.get("DbSubnetGroupName").asText()).isEqualTo("db-private");
        assertThat(p.get("DbClusterParameterGroupName").asText()).isEqualTo("orders-cluster-pg");
        assertThat(p.get("DeletionProtection").asBoolean()).isTrue();
        assertThat(p.get("EnableIAMDatabaseAuthentication").asBoolean()).isTrue();
        assertThat(p.get("ServerlessV2ScalingConfiguration").toString()).isEqualTo("{\"MinCapacity\":0.5,\"MaxCapacity\":8.0}");
        assertThat(p.get("Tags").toString()).contains("\"team\"").contains("dr:restored-from").contains("dr:incident");
        assertThat(state.get("copied").get("kmsKeyId").asText()).startsWith("arn:aws:kms:key/1");
        // writer first, classes and parameter groups as the source's instances
        assertThat(state.get("instances").get(0).get("DbInstanceIdentifier").asText()).isEqualTo("orders-db-restored-202611220330-1");
        assertThat(state.get("instances").get(0).get("DbInstanceClass").asText()).isEqualTo("db.serverless");
        assertThat(state.get("instances").get(1).get("DbInstanceClass").asText()).isEqualTo("db.r6g.large");
        assertThat(state.get("instances").get(1).get("DbParameterGroupName").asText()).isEqualTo("orders-pg");
    }

    @Test
    void plan_should_expireItsSnapshots_afterTheDeploymentsRetention() {
        // GIVEN the default retention, and a deployment keeping snapshots 7 days (snapshotRetentionDays)
        RestorePlanner weekly = new RestorePlanner(new AwsRdsInventory(rds), Clock.fixed(NOW, ZoneOffset.UTC), "dr:protected",
                java.util.Set.of(), java.time.Duration.ofDays(7));
        // WHEN a restore is planned THEN its snapshots' dr:expires is the plan time plus that retention
        assertThat(planner.plan(RestoreRequest.parse(request()), "inc-1").toStateJson().get("snapshotExpiresAt").asText())
                .isEqualTo("2026-12-22T03:30:00Z");
        assertThat(weekly.plan(RestoreRequest.parse(request()), "inc-1").toStateJson().get("snapshotExpiresAt").asText())
                .isEqualTo("2026-11-29T03:30:00Z");
    }

    @Test
    void plan_should_markDrillCopy_and_dropProtection_when_drill() {
        ObjectNode state = planner.plan(RestoreRequest.parse(Json.object().put("clusterId", "orders-db").put("mode", "drill")), "inc-1").toStateJson();
        assertThat(state.get("targetId").asText()).isEqualTo("orders-db-drill-202611220330");
        assertThat(state.get("restoreCluster").get("Tags").toString()).contains("{\"Key\":\"dr:drill\",\"Value\":\"true\"}").doesNotContain("dr:protected");
        assertThat(state.get("restoreCluster").get("DeletionProtection").asBoolean()).isFalse();
    }

    @Test
    void plan_should_snapshotFirst_when_sourceCanBeSnapshotted() {
        ObjectNode state = planner.plan(RestoreRequest.parse(request()), "inc-1").toStateJson();
        assertThat(state.get("snapshotFirst").asBoolean()).isTrue();
        assertThat(state.get("sourceStatus").asText()).isEqualTo("available");
        assertThat(state.get("summary").asText()).contains("snapshot orders-db-pre-restore-202611220330 first");
    }

    @Test
    @SuppressWarnings("unchecked")
    void plan_should_skipSnapshot_and_nameSourceState_when_sourceCannotBeSnapshotted() {
        // GIVEN a source RDS will not snapshot (the state that usually starts a restore)
        DBCluster full = rds.describeDBClusters((Consumer<DescribeDbClustersRequest.Builder>) r -> r.dbClusterIdentifier("orders-db"))
                .dbClusters().get(0).toBuilder().status("storage-full").build();
        when(rds.describeDBClusters(any(Consumer.class))).thenAnswer(inv -> {
            DescribeDbClustersRequest.Builder b = DescribeDbClustersRequest.builder();
            ((Consumer<DescribeDbClustersRequest.Builder>) inv.getArgument(0)).accept(b);
            if ("orders-db".equals(b.build().dbClusterIdentifier())) {
                return DescribeDbClustersResponse.builder().dbClusters(full).build();
            }
            throw DbClusterNotFoundException.builder().message("not found").build();
        });
        // WHEN planned
        ObjectNode state = planner.plan(RestoreRequest.parse(request()), "inc-1").toStateJson();
        // THEN the restore goes on without it, and says why
        assertThat(state.get("snapshotFirst").asBoolean()).isFalse();
        assertThat(state.get("snapshotSkipped").asText()).isEqualTo("orders-db is storage-full: RDS snapshots only " + RestorePlan.SNAPSHOTTABLE);
        assertThat(state.get("sourceStatus").asText()).isEqualTo("storage-full");
    }

    @Test
    void plan_should_takeNoSnapshot_when_drill() {
        ObjectNode state = planner.plan(RestoreRequest.parse(Json.object().put("clusterId", "orders-db").put("mode", "drill")), "inc-1").toStateJson();
        assertThat(state.get("snapshotFirst").asBoolean()).isFalse();
        assertThat(state.get("snapshotSkipped").asText()).isEqualTo("a drill takes no snapshot");
    }

    @Test
    void plan_should_giveEachPhaseItsOwnAllowance_and_theUndoAtLeastTenMinutes() {
        ObjectNode seconds = (ObjectNode) planner.plan(RestoreRequest.parse(request().put("timeoutMinutes", 2)), "inc-1").toStateJson().get("phaseSeconds");
        assertThat(seconds.toString()).isEqualTo("{\"snapshot\":120,\"restore\":120,\"cutover\":120,\"deletion\":120,\"undo\":600}");
        ObjectNode longer = (ObjectNode) planner.plan(RestoreRequest.parse(request().put("timeoutMinutes", 30)), "inc-1").toStateJson().get("phaseSeconds");
        assertThat(longer.get("undo").asLong()).isEqualTo(1800);
    }

    @Test
    void plan_should_nameTheWindow_when_restoreTimeOutsideIt() {
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(request().put("restoreTime", "2026-11-01T00:00:00Z")), "inc-1"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("restoreTime: 2026-11-01T00:00:00Z is outside the restore window of orders-db: from 2026-11-15T00:00:00Z"
                        + " (EarliestRestorableTime) to 2026-11-22T03:25:00Z (LatestRestorableTime)");
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(request().put("restoreTime", "2026-11-22T03:26:00Z")), "inc-1"))
                .hasMessageContaining("outside the restore window");
    }

    @Test
    void plan_should_refuse_when_sourceMissingOrTargetTaken() {
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(request().put("clusterId", "nope")), "inc-1"))
                .hasMessage("clusterId: no Aurora cluster named nope in this account and region");
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(request().put("targetId", "orders-db")), "inc-1"))
                .hasMessageStartingWith("targetId: must differ from the source");
    }

    @Test
    void plan_should_refuse_when_targetIdLacksTheRestoredOrDrillMarker() {
        assertThatThrownBy(() -> planner.plan(RestoreRequest.parse(request().put("targetId", "orders-copy")), "inc-1"))
                .hasMessage("targetId: must contain -restored- or -drill- (e.g. orders-db-restored-1): the restore role may create databases only by such names");
    }

    @Test
    void plan_should_acceptTargetId_when_itCarriesTheMarker() {
        assertThat(planner.plan(RestoreRequest.parse(request().put("targetId", "orders-db-restored-manual")), "inc-1").targetId())
                .isEqualTo("orders-db-restored-manual");
    }

    @Test
    void name_should_stayValidIdentifier_when_sourceIsLong() {
        String name = RestorePlanner.name("a".repeat(60), "-restored-202611220330");
        assertThat(name).hasSize(63).endsWith("-restored-202611220330");
    }

    // ---- destructive choices wait for a person (issue 10): the request cannot opt out, only the deployment can

    static ObjectNode renameWithoutApproval() {
        ObjectNode r = request().put("cutover", "rename").put("approval", false);
        r.putObject("verify").put("secretId", "orders-db/verify");
        return r;
    }

    @Test
    void plan_should_requireApproval_when_renameCutoverAsksForNone() {
        // GIVEN a request that cuts over by renaming and says approval: false
        // WHEN it is planned
        RestorePlan plan = planner.plan(RestoreRequest.parse(renameWithoutApproval()), "inc-1");
        // THEN the plan waits for approval all the same
        assertThat(plan.approval()).isTrue();
        assertThat(plan.toStateJson().get("approval").asBoolean()).isTrue();
    }

    @Test
    void plan_should_requireApproval_when_restoreTimeIsNotLatest() {
        RestorePlan plan = planner.plan(RestoreRequest.parse(request().put("restoreTime", "2026-11-20T00:00:00Z").put("approval", false)), "inc-1");
        assertThat(plan.approval()).isTrue();
    }

    @Test
    void plan_should_notRequireApproval_when_latestCopyWithoutCutover() {
        RestorePlan plan = planner.plan(RestoreRequest.parse(request()), "inc-1");
        assertThat(plan.approval()).isFalse();
    }

    @Test
    void plan_should_skipApproval_when_deploymentListsTheDatabase() {
        // GIVEN the deployment lets orders-db restore destructively without a person (restoreWithoutApproval)
        RestorePlanner unattended = new RestorePlanner(new AwsRdsInventory(rds), Clock.fixed(NOW, ZoneOffset.UTC), "dr:protected",
                java.util.Set.of("arn:aws:rds:us-east-1:123456789012:cluster:orders-db"));
        // WHEN a rename cut-over is planned THEN it does not wait
        assertThat(unattended.plan(RestoreRequest.parse(renameWithoutApproval()), "inc-1").approval()).isFalse();
        // AND another database's listing does not help this one
        RestorePlanner other = new RestorePlanner(new AwsRdsInventory(rds), Clock.fixed(NOW, ZoneOffset.UTC), "dr:protected",
                java.util.Set.of("arn:aws:rds:us-east-1:123456789012:cluster:billing-db"));
        assertThat(other.plan(RestoreRequest.parse(renameWithoutApproval()), "inc-1").approval()).isTrue();
    }
}
