package com.drresponder.restore;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the playbook will do, decided before anything is created: names, the restore point, and every
 * setting copied from the source. {@link #toStateJson()} is what the state machine reads; its
 * {@code restoreCluster}, {@code instances} and {@code restoreInstance} blocks use the field names of the
 * Step Functions RDS SDK integration, so the ASL passes them through without rebuilding them.
 */
public record RestorePlan(
        SourceDatabase source,
        String targetId,
        Instant restoreTime,
        String restoreTimeRequested,
        String snapshotId,
        String finalSnapshotId,
        String oldId,
        long phaseSeconds,
        int pollSeconds,
        boolean drill,
        String cutover,
        boolean approval,
        Map<String, String> targetTags,
        boolean targetDeletionProtection,
        List<TargetInstance> targetInstances,
        String targetInstanceClass,
        Instant plannedAt,
        String fromSnapshot,
        java.time.Duration snapshotRetention) {

    public static final String DRILL_TAG_KEY = "dr:drill";
    /**
     * On everything the playbook creates, from the create request on (the snapshots carry it in the ASL): the
     * restore role may create only what carries it (infra-cdk RestorePlaybook.PLAYBOOK_TAG_KEY).
     */
    public static final String PLAYBOOK_TAG_KEY = "dr:playbook";
    /** On the snapshots the playbook takes: when the snapshot sweeper ({@link SnapshotSweeperHandler}) may delete it. */
    public static final String EXPIRES_TAG_KEY = "dr:expires";
    /** On everything a restore creates (copy, its instances, snapshots): tells its own work from anyone else's after a lost answer. */
    public static final String INCIDENT_TAG_KEY = "dr:incident";
    /**
     * Every restored database's name holds one of these (default names do; a given targetId must): the restore role
     * may create databases by these names only (infra-cdk RestorePlaybook.RESTORE_TARGET_MARKERS, docs/SECURITY.md).
     */
    public static final java.util.List<String> TARGET_NAME_MARKERS = java.util.List.of("-restored-", "-drill-");

    /** Source states RDS takes a manual snapshot in; in any other (failed, storage-full, incompatible-*) it refuses. */
    public static final java.util.Set<String> SNAPSHOTTABLE = java.util.Set.of("available", "storage-optimization");
    /**
     * The compensation of a cut-over always gets at least this long (even with a short {@code timeoutMinutes}):
     * giving up leaves production without its database and pages a person.
     */
    public static final long MIN_UNDO_SECONDS = 600;

    /** One instance to create in the restored Aurora cluster, modelled on a source member. */
    public record TargetInstance(String id, String fromSourceId, String instanceClass, String parameterGroup, Integer promotionTier) {}

    public boolean cluster() {
        return source.cluster();
    }

    public ObjectNode toStateJson() {
        ObjectNode plan = Json.object();
        plan.put("kind", source.kind());
        plan.put("sourceId", source.id());
        plan.put("sourceArn", source.arn());
        plan.put("targetId", targetId);
        plan.put("restoreTime", restoreTime.toString());
        plan.put("restoreTimeRequested", restoreTimeRequested);
        // time: RestoreDB...ToPointInTime; snapshot: RestoreDBClusterFromSnapshot / RestoreDBInstanceFromDBSnapshot of fromSnapshot
        plan.put("restoreFrom", fromSnapshot == null ? "time" : "snapshot");
        plan.put("fromSnapshot", fromSnapshot == null ? "" : fromSnapshot);
        plan.put("restoreSource", fromSnapshot == null ? "point in time " + restoreTime : "snapshot " + fromSnapshot + " (taken " + restoreTime + ")");
        // when the restore window was read: the drill's RPO is how far its newest restorable point lagged this
        plan.put("plannedAt", plannedAt.toString());
        // the pre-restore and final snapshots' dr:expires (RestoreSettings: SNAPSHOT_RETENTION_DAYS)
        plan.put("snapshotExpiresAt", plannedAt.plus(snapshotRetention).toString());
        plan.putObject("restoreWindow").put("earliest", String.valueOf(source.earliestRestorableTime()))
                .put("latest", String.valueOf(source.latestRestorableTime()));
        plan.put("snapshotId", snapshotId);
        plan.put("finalSnapshotId", finalSnapshotId);
        plan.put("oldId", oldId);
        plan.put("sourceStatus", source.status());
        plan.put("snapshotFirst", snapshotFirst());
        plan.put("snapshotSkipped", snapshotFirst() ? "" : snapshotSkipped());
        // each waited phase's allowance, armed when the phase starts (PhaseDeadline): an approval wait costs none of them
        plan.putObject("phaseSeconds").put("snapshot", phaseSeconds).put("restore", phaseSeconds).put("cutover", phaseSeconds)
                .put("deletion", phaseSeconds).put("undo", Math.max(phaseSeconds, MIN_UNDO_SECONDS));
        plan.put("pollSeconds", pollSeconds);
        plan.put("drill", drill);
        plan.put("cutover", cutover);
        plan.put("approval", approval);
        plan.put("engine", source.engine());
        plan.put("engineVersion", source.engineVersion());
        plan.put("serverlessV2", source.minCapacity() != null);
        plan.set("copied", copied());
        if (cluster()) {
            plan.set("restoreCluster", restoreClusterParameters());
            ArrayNode instances = plan.putArray("instances");
            targetInstances.forEach(i -> instances.add(createInstanceParameters(i)));
        } else {
            plan.set("restoreInstance", restoreInstanceParameters());
        }
        plan.put("summary", summary());
        plan.put("undoRestore", undoRestore());
        plan.put("undoRename", undoRename());
        return plan;
    }

    /**
     * The source's current state is kept in a snapshot before anything else when RDS can take one; a drill never
     * takes one (it changes nothing, and a single-AZ instance would suspend I/O for it).
     */
    public boolean snapshotFirst() {
        return !drill && SNAPSHOTTABLE.contains(source.status());
    }

    private String snapshotSkipped() {
        return drill ? "a drill takes no snapshot" : source.id() + " is " + source.status() + ": RDS snapshots only " + SNAPSHOTTABLE;
    }

    /** One line for people: what will be restored to what, and how. */
    public String summary() {
        String instances = cluster() ? ", instances " + targetInstances.stream()
                .map(i -> i.id() + " (" + i.instanceClass() + ")").toList() : " (" + targetInstanceClass + ")";
        return (drill ? "Drill: restore " : "Restore ") + source.kind() + " " + source.id() + " to " + restoreTime
                + (fromSnapshot == null ? " (requested " + restoreTimeRequested + ")" : " from snapshot " + fromSnapshot) + " into new " + source.kind() + " " + targetId + instances
                + (snapshotFirst() ? "; snapshot " + snapshotId + " first" : "; no snapshot first (" + snapshotSkipped() + ")") + "; cut-over: " + cutover + (approval ? " after approval" : "")
                + "; copies " + copied();
    }

    /** How to remove what a restore created (for people; the playbook itself never deletes a restore). */
    public String undoRestore() {
        if (cluster()) {
            StringBuilder undo = new StringBuilder();
            targetInstances.forEach(i -> undo.append("aws rds delete-db-instance --db-instance-identifier ").append(i.id()).append("; "));
            return undo + "aws rds delete-db-cluster --db-cluster-identifier " + targetId
                    + " --skip-final-snapshot (keep snapshot " + snapshotId + " or delete it with aws rds delete-db-cluster-snapshot)";
        }
        return "aws rds delete-db-instance --db-instance-identifier " + targetId + " --skip-final-snapshot (keep snapshot "
                + snapshotId + " or delete it with aws rds delete-db-snapshot)";
    }

    /** How to reverse the rename cut-over, step by step, whichever rename got done. */
    public String undoRename() {
        String modify = cluster() ? "aws rds modify-db-cluster --db-cluster-identifier " : "aws rds modify-db-instance --db-instance-identifier ";
        String flag = cluster() ? " --new-db-cluster-identifier " : " --new-db-instance-identifier ";
        return "if " + source.id() + " is the restored copy: " + modify + source.id() + flag + targetId + " --apply-immediately; then "
                + modify + oldId + flag + source.id() + " --apply-immediately (final snapshot " + finalSnapshotId + " is kept)";
    }

    private ObjectNode copied() {
        ObjectNode c = Json.object();
        c.put("engine", source.engine() + " " + source.engineVersion());
        c.set("vpcSecurityGroupIds", Json.MAPPER.valueToTree(source.vpcSecurityGroupIds()));
        c.put("subnetGroup", source.subnetGroup());
        c.put("kmsKeyId", source.kmsKeyId() == null ? "not encrypted" : source.kmsKeyId() + " (inherited from the source)");
        c.put(cluster() ? "clusterParameterGroup" : "parameterGroup", source.parameterGroup());
        c.set("tags", Json.MAPPER.valueToTree(targetTags));
        c.put("deletionProtection", targetDeletionProtection);
        c.put("iamAuth", source.iamAuth());
        if (source.minCapacity() != null) {
            c.putObject("serverlessV2Scaling").put("minCapacity", source.minCapacity()).put("maxCapacity", source.maxCapacity());
        }
        if (cluster()) {
            ArrayNode instances = c.putArray("instances");
            targetInstances.forEach(i -> instances.addObject().put("id", i.id()).put("from", i.fromSourceId())
                    .put("instanceClass", i.instanceClass()).put("parameterGroup", i.parameterGroup()));
        } else {
            c.put("instanceClass", targetInstanceClass);
            c.put("multiAz", source.multiAz());
        }
        return c;
    }

    private ObjectNode restoreClusterParameters() {
        ObjectNode p = Json.object();
        p.put("DbClusterIdentifier", targetId);
        p.put("SourceDbClusterIdentifier", source.id());
        p.put("RestoreToTime", restoreTime.toString());
        p.put("RestoreType", "full-copy");
        p.put("DbSubnetGroupName", source.subnetGroup());
        p.set("VpcSecurityGroupIds", Json.MAPPER.valueToTree(source.vpcSecurityGroupIds()));
        p.put("DbClusterParameterGroupName", source.parameterGroup());
        p.put("DeletionProtection", targetDeletionProtection);
        p.put("EnableIAMDatabaseAuthentication", source.iamAuth());
        p.put("CopyTagsToSnapshot", source.copyTagsToSnapshot());
        p.set("Tags", sdkTags());
        if (source.minCapacity() != null) {
            p.putObject("ServerlessV2ScalingConfiguration").put("MinCapacity", source.minCapacity()).put("MaxCapacity", source.maxCapacity());
        }
        return p;
    }

    private ObjectNode createInstanceParameters(TargetInstance i) {
        ObjectNode p = Json.object();
        p.put("DbInstanceIdentifier", i.id());
        p.put("DbClusterIdentifier", targetId);
        p.put("DbInstanceClass", i.instanceClass());
        p.put("Engine", source.engine());
        p.put("DbParameterGroupName", i.parameterGroup());
        p.put("PromotionTier", i.promotionTier() == null ? 1 : i.promotionTier());
        p.set("Tags", sdkTags());
        return p;
    }

    private ObjectNode restoreInstanceParameters() {
        ObjectNode p = Json.object();
        p.put("SourceDbInstanceIdentifier", source.id());
        p.put("TargetDbInstanceIdentifier", targetId);
        p.put("RestoreTime", restoreTime.toString());
        p.put("DbInstanceClass", targetInstanceClass);
        p.put("DbSubnetGroupName", source.subnetGroup());
        p.set("VpcSecurityGroupIds", Json.MAPPER.valueToTree(source.vpcSecurityGroupIds()));
        p.put("DbParameterGroupName", source.parameterGroup());
        p.put("MultiAZ", source.multiAz());
        p.put("DeletionProtection", targetDeletionProtection);
        p.put("EnableIAMDatabaseAuthentication", source.iamAuth());
        p.put("CopyTagsToSnapshot", source.copyTagsToSnapshot());
        p.set("Tags", sdkTags());
        return p;
    }

    private ArrayNode sdkTags() {
        ArrayNode tags = Json.MAPPER.createArrayNode();
        targetTags.forEach((k, v) -> tags.addObject().put("Key", k).put("Value", v));
        return tags;
    }
}
