package com.drresponder.restore;

import com.drresponder.database.RdsLookup;
import com.drresponder.playbook.RestoreRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbClusterSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSnapshotNotFoundException;
import software.amazon.awssdk.services.rds.model.Filter;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/** {@link RdsInventory} over the RDS API (DescribeDBClusters / DescribeDBInstances; tags come in the answer). */
public record AwsRdsInventory(RdsClient rds) implements RdsInventory {
    @Override
    public Optional<SourceDatabase> cluster(String id) {
        return RdsLookup.cluster(rds, id).map(c -> source(c, id));
    }

    private SourceDatabase source(DBCluster c, String id) {
        List<DBInstance> instances = rds.describeDBInstances(r -> r.filters(Filter.builder().name("db-cluster-id").values(id).build())).dbInstances();
        Map<String, Boolean> writers = new LinkedHashMap<>();
        c.dbClusterMembers().forEach(m -> writers.put(m.dbInstanceIdentifier(), Boolean.TRUE.equals(m.isClusterWriter())));
        List<SourceDatabase.Member> members = instances.stream()
                .filter(i -> writers.containsKey(i.dbInstanceIdentifier()) || id.equals(i.dbClusterIdentifier()))
                .map(i -> new SourceDatabase.Member(i.dbInstanceIdentifier(), i.dbInstanceClass(),
                        i.dbParameterGroups().isEmpty() ? null : i.dbParameterGroups().get(0).dbParameterGroupName(),
                        writers.getOrDefault(i.dbInstanceIdentifier(), false), i.promotionTier()))
                .toList();
        return new SourceDatabase(SourceDatabase.CLUSTER, c.dbClusterIdentifier(), c.dbClusterArn(), c.status(),
                c.engine(), c.engineVersion(), c.earliestRestorableTime(), c.latestRestorableTime(),
                securityGroups(c.vpcSecurityGroups()), c.dbSubnetGroup(), Boolean.TRUE.equals(c.storageEncrypted()) ? c.kmsKeyId() : null,
                c.dbClusterParameterGroup(), RdsLookup.tags(c.tagList()), Boolean.TRUE.equals(c.deletionProtection()),
                Boolean.TRUE.equals(c.iamDatabaseAuthenticationEnabled()), Boolean.TRUE.equals(c.copyTagsToSnapshot()),
                c.serverlessV2ScalingConfiguration() == null ? null : c.serverlessV2ScalingConfiguration().minCapacity(),
                c.serverlessV2ScalingConfiguration() == null ? null : c.serverlessV2ScalingConfiguration().maxCapacity(),
                null, Boolean.TRUE.equals(c.multiAZ()), members);
    }

    @Override
    public Optional<SourceDatabase> instance(String id) {
        return RdsLookup.instance(rds, id).map(AwsRdsInventory::source);
    }

    private static SourceDatabase source(DBInstance i) {
        return new SourceDatabase(SourceDatabase.INSTANCE, i.dbInstanceIdentifier(), i.dbInstanceArn(), i.dbInstanceStatus(),
                i.engine(), i.engineVersion(), earliestForInstance(i), i.latestRestorableTime(),
                securityGroups(i.vpcSecurityGroups()), i.dbSubnetGroup() == null ? null : i.dbSubnetGroup().dbSubnetGroupName(),
                Boolean.TRUE.equals(i.storageEncrypted()) ? i.kmsKeyId() : null,
                i.dbParameterGroups().isEmpty() ? null : i.dbParameterGroups().get(0).dbParameterGroupName(),
                RdsLookup.tags(i.tagList()), Boolean.TRUE.equals(i.deletionProtection()), Boolean.TRUE.equals(i.iamDatabaseAuthenticationEnabled()),
                Boolean.TRUE.equals(i.copyTagsToSnapshot()), null, null, i.dbInstanceClass(), Boolean.TRUE.equals(i.multiAZ()), List.of());
    }

    @Override
    public boolean exists(String kind, String id) {
        return SourceDatabase.CLUSTER.equals(kind) ? RdsLookup.cluster(rds, id).isPresent() : RdsLookup.instance(rds, id).isPresent();
    }

    @Override
    public Optional<SourceSnapshot> snapshot(String kind, String sourceId, String requested) {
        boolean latest = RestoreRequest.LATEST_AUTOMATED.equals(requested);
        List<SourceSnapshot> found;
        try {
            found = SourceDatabase.CLUSTER.equals(kind)
                    ? (latest ? rds.describeDBClusterSnapshots(r -> r.dbClusterIdentifier(sourceId).snapshotType("automated"))
                            : rds.describeDBClusterSnapshots(r -> r.dbClusterSnapshotIdentifier(requested))).dbClusterSnapshots().stream()
                            .map(s -> new SourceSnapshot(s.dbClusterSnapshotIdentifier(), s.dbClusterIdentifier(), s.status(), s.snapshotCreateTime(), s.snapshotType()))
                            .toList()
                    : (latest ? rds.describeDBSnapshots(r -> r.dbInstanceIdentifier(sourceId).snapshotType("automated"))
                            : rds.describeDBSnapshots(r -> r.dbSnapshotIdentifier(requested))).dbSnapshots().stream()
                            .map(s -> new SourceSnapshot(s.dbSnapshotIdentifier(), s.dbInstanceIdentifier(), s.status(), s.snapshotCreateTime(), s.snapshotType()))
                            .toList();
        } catch (DbClusterSnapshotNotFoundException | DbSnapshotNotFoundException e) {
            return Optional.empty();
        }
        if (!latest) {
            return found.stream().filter(s -> requested.equals(s.id())).findFirst();
        }
        // the newest one RDS can restore from now (an automated snapshot still being taken cannot be used yet)
        return found.stream().filter(s -> "available".equals(s.status()) && s.createdAt() != null && sourceId.equals(s.databaseId()))
                .max(Comparator.comparing(SourceSnapshot::createdAt));
    }

    /**
     * DescribeDBInstances has no EarliestRestorableTime (only the automated-backups API has a window), so
     * the window starts at the later of creation and "retention period ago"; no retention means no PITR.
     */
    private static Instant earliestForInstance(DBInstance i) {
        Instant latest = i.latestRestorableTime();
        if (latest == null || i.backupRetentionPeriod() == null || i.backupRetentionPeriod() == 0) {
            return null;
        }
        Instant byRetention = latest.minus(Duration.ofDays(i.backupRetentionPeriod()));
        Instant created = i.instanceCreateTime();
        return created != null && created.isAfter(byRetention) ? created : byRetention;
    }

    private static List<String> securityGroups(List<VpcSecurityGroupMembership> groups) {
        return groups.stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList();
    }
}
