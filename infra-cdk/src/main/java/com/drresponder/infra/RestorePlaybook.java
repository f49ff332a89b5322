package com.drresponder.infra;

import static com.drresponder.infra.Permissions.NO_RESOURCE_LEVEL;
import static com.drresponder.infra.Permissions.READ_ONLY_LOOKUP;
import static com.drresponder.infra.Permissions.SECRET_KEYS;
import static com.drresponder.infra.Permissions.TAG_SCOPED;
import static com.drresponder.infra.Permissions.arn;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.IRole;

/**
 * restore-database-to-point-in-time: an RDS event (or a manual request, or the scheduled drill) snapshots a tagged
 * database and restores it to a point in time into a NEW, tagged database; verification, approval and cut-over follow.
 * Its Java steps get only what each uses; its RTO/RPO targets are parameters of its state machine.
 */
public final class RestorePlaybook extends PlaybookConstruct {
    public static final String NAME = "restore-database-to-point-in-time";

    /** What every database the restore playbook creates is named with (functions' RestorePlan.TARGET_NAME_MARKERS). */
    public static final List<String> RESTORE_TARGET_MARKERS = List.of("-restored-", "-drill-");

    /** Tag every resource a playbook creates carries from its create request on ({@code dr:playbook=<playbook>}). */
    public static final String PLAYBOOK_TAG_KEY = "dr:playbook";

    private static final String RDS_RESTORE_INPUTS = "RDS authorises a point-in-time restore against the subnet group, DB cluster "
            + "parameter group, DB parameter group and option group it uses, whose names come from the source database; "
            + "the playbook never modifies them.";
    private static final String FINAL_SNAPSHOT = "rds:DeleteDBCluster names a cluster-snapshot resource type for the final "
            + "snapshot; the cluster itself must carry dr:drill=true, and the action deletes no snapshot (only sweep-snapshots may, by "
            + "DeleteDBClusterSnapshot/DeleteDBSnapshot on snapshots tagged dr:playbook=restore-database-to-point-in-time).";
    private static final String TASK_TOKEN = "states:SendTaskSuccess has no resource-level permissions (IAM authorises it against *): "
            + "the task token is the credential. rds-wait only resumes tokens the restore's own Wait for RDS kept in the ledger, and "
            + "gets neither SendTaskFailure nor SendTaskHeartbeat.";
    private static final List<String> DATABASES = List.of(arn("rds", "cluster:*"), arn("rds", "db:*"));
    private static final List<String> SNAPSHOTS = List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*"));
    private static final String SNAPSHOT_SOURCE = "A restore from a snapshot (request source.snapshot) reads the snapshot: automated "
            + "snapshots carry no tags unless the database copies them, so no tag condition can select them; validate-restore "
            + "admits only an available snapshot taken of the protected source itself, and what the restore creates is limited "
            + "by name (-restored-/-drill-) and request tag in the target statement.";

    RestorePlaybook(ResponderCore core, Catalog.Playbook playbook) {
        super(core, playbook);
        grantSteps();
        drillSchedule();
        snapshotSweeper();
        DrConfig config = core.config();
        grantStateMachine(deploy(Map.of("RtoTargetMinutes", Integer.toString(config.rtoTargetMinutes()),
                "RpoTargetMinutes", Integer.toString(config.rpoTargetMinutes()))).getRole());
    }

    private void grantSteps() {
        Permissions permissions = core.permissions();
        List<String> describe = List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:ListTagsForResource");
        JavaFunction validate = function("validate-restore");
        allow(validate.role(), describe, DATABASES, null, READ_ONLY_LOOKUP);
        // source.snapshot: the newest automated snapshot of the source (filtered by its identifier), or a named one
        allow(validate.role(), List.of("rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots"),
                List.of(arn("rds", "cluster:*"), arn("rds", "db:*"), arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), null, READ_ONLY_LOOKUP);
        allow(function("check-progress").role(), List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances",
                "rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots"), List.of(arn("rds", "cluster:*"), arn("rds", "db:*"),
                arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), null, READ_ONLY_LOOKUP);
        // rds-wait re-checks a resource an RDS event names before it resumes the task waiting on it
        IRole wait = function("rds-wait").role();
        allow(wait, List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots"),
                List.of(arn("rds", "cluster:*"), arn("rds", "db:*"), arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), null, READ_ONLY_LOOKUP);
        allow(wait, List.of("states:SendTaskSuccess"), List.of("*"), null, TASK_TOKEN);
        JavaFunction verify = function("verify-database");
        // Only secrets linked to a database (tag dr:database); the code also checks the value names the database verified.
        // A verification login (read-only user) need not be dr:protected: the responder never rotates it.
        allow(verify.role(), List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"), List.of(arn("secretsmanager", "secret:*")),
                Map.of("Null", Map.of("aws:ResourceTag/dr:database", "false")), TAG_SCOPED);
        permissions.allowSecretKeys(verify.role(), false);
        // validation reads the tags of what a request names besides the database (verify secret, cut-over target)
        allow(validate.role(), List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")), null, READ_ONLY_LOOKUP);
        allow(validate.role(), List.of("ssm:ListTagsForResource"), List.of(arn("ssm", "parameter/*")), null, READ_ONLY_LOOKUP);
        allow(validate.role(), List.of("lambda:GetFunction"), List.of(arn("lambda", "function:*")), null, READ_ONLY_LOOKUP);
        JavaFunction cutover = function("config-cutover");
        allow(cutover.role(), List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"),
                List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        permissions.allowSecretKeys(cutover.role(), true);
        allow(cutover.role(), List.of("ssm:GetParameter", "ssm:PutParameter"), List.of(arn("ssm", "parameter/*")), taggedProtected(), TAG_SCOPED);
        // a SecureString's type and KMS key (written back unchanged) are only in DescribeParameters, which has no resource level
        allow(cutover.role(), List.of("ssm:DescribeParameters"), List.of("*"), null, NO_RESOURCE_LEVEL);
        allow(cutover.role(), List.of("kms:Decrypt", "kms:Encrypt"), List.of(arn("kms", "key/*")),
                Map.of("StringEquals", Map.of("kms:ViaService", "ssm." + Aws.REGION + ".amazonaws.com")), SECRET_KEYS);
        // PublishVersion keeps the old configuration (a URL may hold a password) in a version, referenced by number;
        // consumers behind an alias move with it (UpdateAlias), the old version being the undo
        allow(cutover.role(), List.of("lambda:GetFunctionConfiguration", "lambda:PublishVersion", "lambda:UpdateFunctionConfiguration",
                "lambda:GetAlias", "lambda:ListAliases", "lambda:UpdateAlias"), List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
        IRole delete = function("delete-drill-copy").role();
        allow(delete, describe, DATABASES, null, READ_ONLY_LOOKUP);
        // The only deletion anywhere in the stack: resources the drill created, tagged dr:drill=true at creation.
        allow(delete, List.of("rds:DeleteDBCluster", "rds:DeleteDBInstance"), DATABASES,
                Map.of("StringEquals", Map.of("aws:ResourceTag/dr:drill", "true")), TAG_SCOPED);
        // IAM authorises DeleteDBCluster against the cluster AND a cluster-snapshot (both required resource types), even
        // with SkipFinalSnapshot. Safe unconditioned: the cluster statement above still requires dr:drill=true, and
        // this action cannot delete snapshots (that is DeleteDBClusterSnapshot, granted only to sweep-snapshots, on the playbook's own).
        allow(delete, List.of("rds:DeleteDBCluster"), List.of(arn("rds", "cluster-snapshot:*")), null, FINAL_SNAPSHOT);
        allow(function("sweep-snapshots").role(), List.of("rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshots"),
                List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), null, READ_ONLY_LOOKUP);
        allow(function("sweep-snapshots").role(), List.of("rds:DeleteDBClusterSnapshot", "rds:DeleteDBSnapshot"),
                List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")),
                Map.of("StringEquals", Map.of("aws:ResourceTag/" + PLAYBOOK_TAG_KEY, playbook.name())), TAG_SCOPED);
    }

    /**
     * Daily, sweep-snapshots deletes the snapshots the restore playbook made once their dr:expires passed (only those:
     * its delete statement requires dr:playbook=restore-database-to-point-in-time on the snapshot), and an alarm
     * watches the manual-snapshot quota headroom it reports.
     */
    private void snapshotSweeper() {
        Rule rule = Rule.Builder.create(this, "SnapshotSweeperRule")
                .description("DR Responder: deletes expired snapshots the restore playbook made")
                .schedule(Schedule.expression("rate(1 day)"))
                .build();
        rule.addTarget(new LambdaFunction(function("sweep-snapshots").alias(), core.routing().targetProps()
                .event(RuleTargetInput.fromObject(Map.of("snapshotQuota", core.config().manualSnapshotQuota()))).build()));
        core.routing().addRule("snapshot-sweeper", rule);
        Alarm.Builder.create(this, "ManualSnapshotHeadroomLow")
                .alarmDescription("DR Responder: fewer than " + DrConfig.SNAPSHOT_HEADROOM_ALARM + " manual RDS snapshots left under the quota;"
                        + " the next restore's snapshot would fail (delete old manual snapshots or raise the quota)")
                .metric(Metric.Builder.create().namespace(JavaFunction.METRICS_NAMESPACE).metricName("ManualSnapshotHeadroom")
                        .dimensionsMap(Map.of("Service", "sweep-snapshots")).statistic("Minimum").period(Duration.days(1)).build())
                .threshold(DrConfig.SNAPSHOT_HEADROOM_ALARM)
                .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build()
                .addAlarmAction(new SnsAction(core.topic()));
    }

    /** Snapshot and restore tagged databases into new, tagged ones. */
    private void grantStateMachine(IRole role) {
        allow(role, List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:DescribeDBClusterSnapshots",
                        "rds:DescribeDBSnapshots", "rds:DescribeDBSubnetGroups", "rds:ListTagsForResource"),
                List.of(arn("rds", "cluster:*"), arn("rds", "db:*"), arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*"),
                        arn("rds", "subgrp:*")), null, READ_ONLY_LOOKUP);
        // Acting on the source: only databases tagged protected.
        allow(role, List.of("rds:CreateDBClusterSnapshot", "rds:CreateDBSnapshot", "rds:RestoreDBClusterToPointInTime",
                        "rds:RestoreDBInstanceToPointInTime", "rds:ModifyDBCluster", "rds:ModifyDBInstance",
                        "rds:PromoteReadReplica", "rds:PromoteReadReplicaDBCluster"),
                DATABASES, taggedProtected(), TAG_SCOPED);
        // What the playbook creates carries dr:playbook=<this playbook> from the request on (snapshots, restored
        // databases, drill copies, instances): only snapshot resources here, so that an unprotected source never passes.
        allow(role, List.of("rds:CreateDBClusterSnapshot", "rds:CreateDBSnapshot", "rds:AddTagsToResource"),
                List.of(arn("rds", "cluster-snapshot:*"), arn("rds", "snapshot:*")), requestTagged(), TAG_SCOPED);
        // The restored database and its instances: new resources, tagged by the playbook and named by its plan
        // (<source>-restored-<stamp>, drills <source>-drill-<stamp>). RDS authorises a restore against the source as well
        // as the target, both of one resource type: the name pattern is what keeps an unprotected source out.
        List<String> targets = new ArrayList<>();
        for (String marker : RESTORE_TARGET_MARKERS) {
            targets.add(arn("rds", "cluster:*" + marker + "*"));
            targets.add(arn("rds", "db:*" + marker + "*"));
        }
        allow(role, List.of("rds:RestoreDBClusterToPointInTime", "rds:RestoreDBInstanceToPointInTime", "rds:CreateDBInstance",
                "rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot", "rds:AddTagsToResource"), targets, requestTagged(), TAG_SCOPED);
        allow(role, List.of("rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"), SNAPSHOTS, null, SNAPSHOT_SOURCE);
        // RDS also authorises a restore against the subnet group, parameter groups and option group it copies from
        // the source (and instances against theirs); these are shared configuration, never changed here.
        allow(role, List.of("rds:RestoreDBClusterToPointInTime", "rds:RestoreDBInstanceToPointInTime", "rds:CreateDBInstance",
                        "rds:RestoreDBClusterFromSnapshot", "rds:RestoreDBInstanceFromDBSnapshot"),
                List.of(arn("rds", "subgrp:*"), arn("rds", "cluster-pg:*"), arn("rds", "pg:*"), arn("rds", "og:*")), null, RDS_RESTORE_INPUTS);
        // An encrypted source restores with its KMS key: RDS needs a grant on it, and only RDS may use this permission.
        allow(role, List.of("kms:CreateGrant", "kms:DescribeKey"), List.of(arn("kms", "key/*")),
                Map.of("StringLike", Map.of("kms:ViaService", "rds." + Aws.REGION + ".amazonaws.com")), TAG_SCOPED);
    }

    /** Resources the playbook creates must be tagged with it in the create request. */
    private Map<String, Object> requestTagged() {
        return Map.of("StringEquals", Map.of("aws:RequestTag/" + PLAYBOOK_TAG_KEY, playbook.name()));
    }

    /** The scheduled DR drill: each configured target reaches the router as a manual drill request, when scheduled. */
    private void drillSchedule() {
        DrConfig config = core.config();
        if (config.drillSchedule() == null || config.drillTargets().isEmpty()) {
            return;
        }
        Rule rule = Rule.Builder.create(this, "DrillScheduleRule")
                .description("DR Responder: scheduled restore drill (" + config.drillSchedule() + ")")
                .schedule(Schedule.expression(config.drillSchedule()))
                .build();
        // As a manual request a drill takes the database's lock, opens an incident and is deduplicated like any other.
        for (Map<String, Object> target : config.drillTargets()) {
            Map<String, Object> detail = new LinkedHashMap<>(target);
            detail.put("playbook", playbook.name());
            detail.put("mode", "drill");
            detail.putIfAbsent("reason", "Scheduled restore drill (" + config.drillSchedule() + ")");
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("version", "0");
            event.put("id", EventField.fromPath("$.id"));
            event.put("detail-type", "Manual Playbook Request");
            event.put("source", "drresponder.manual");
            event.put("account", EventField.fromPath("$.account"));
            event.put("time", EventField.fromPath("$.time"));
            event.put("region", EventField.fromPath("$.region"));
            event.put("resources", List.of());
            event.put("detail", detail);
            rule.addTarget(new LambdaFunction(core.router().alias(), core.routing().targetProps().event(RuleTargetInput.fromObject(event)).build()));
        }
        core.routing().addRule("drill-schedule", rule);
    }
}
