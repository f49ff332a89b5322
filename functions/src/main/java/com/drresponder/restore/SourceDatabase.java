package com.drresponder.restore;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the playbook read about the database to restore: everything the restored copy must inherit
 * (network, encryption, parameter groups, tags, protection, scaling) and its restore window.
 *
 * @param kind            {@code cluster} (Aurora) or {@code instance} (RDS)
 * @param parameterGroup  cluster parameter group for a cluster, DB parameter group for an instance
 * @param instanceClass   the instance's class; null for a cluster (its members carry theirs)
 * @param minCapacity     Aurora Serverless v2 scaling (ACUs), null when the cluster has none
 * @param members         the cluster's instances (empty for an instance)
 */
public record SourceDatabase(
        String kind,
        String id,
        String arn,
        String status,
        String engine,
        String engineVersion,
        Instant earliestRestorableTime,
        Instant latestRestorableTime,
        List<String> vpcSecurityGroupIds,
        String subnetGroup,
        String kmsKeyId,
        String parameterGroup,
        Map<String, String> tags,
        boolean deletionProtection,
        boolean iamAuth,
        boolean copyTagsToSnapshot,
        Double minCapacity,
        Double maxCapacity,
        String instanceClass,
        boolean multiAz,
        List<Member> members) {

    public static final String CLUSTER = "cluster";
    public static final String INSTANCE = "instance";

    public boolean cluster() {
        return CLUSTER.equals(kind);
    }

    /** One instance of an Aurora cluster: the restored cluster gets one like it. */
    public record Member(String id, String instanceClass, String parameterGroup, boolean writer, Integer promotionTier) {}
}
