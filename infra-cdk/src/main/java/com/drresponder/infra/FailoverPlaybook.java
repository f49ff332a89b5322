package com.drresponder.infra;

import static com.drresponder.infra.Permissions.NO_RESOURCE_LEVEL;
import static com.drresponder.infra.Permissions.READ_ONLY_LOOKUP;
import static com.drresponder.infra.Permissions.TAG_SCOPED;
import static com.drresponder.infra.Permissions.arn;

import com.drresponder.catalog.Catalog;
import com.drresponder.infra.config.DrConfig;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.IRole;

/**
 * fail-over-database: a manual request promotes a tagged read replica (or fails a tagged Aurora cluster over to a
 * reader) after planning reads replicas, tags and lag; verification, approval, config cut-over and metrics are the
 * restore's steps, deployed as this playbook's own functions with the same grants. The state machine may promote and
 * rename only instances tagged protected and fail over only tagged clusters; it deletes nothing but a drill's own replica.
 */
public final class FailoverPlaybook extends PlaybookConstruct {
    public static final String NAME = "fail-over-database";
    private static final String DRILL_MARKER = "-drill-";
    private static final String DRILL_INPUTS = "RDS authorises a read replica also against the subnet group, parameter group, option "
            + "group and cluster resource types it may use, whose names come from the source; the playbook never modifies them.";
    private static final String DRILL_TAG_KEY = "dr:drill";
    private static final List<String> DATABASES = List.of(arn("rds", "cluster:*"), arn("rds", "db:*"));
    private static final String FAILOVER_TARGET = "FailoverDBCluster is also authorised against the reader it names (resource type db, "
            + "optional): RDS accepts only a member of the cluster, and the cluster itself must be tagged protected.";

    private static final String GLOBAL_CLUSTERS = "A global cluster belongs to no Region and is named by the request's primary; "
            + "RDS authorises a switchover, failover or detach against it and against the secondary, which must be tagged protected.";

    FailoverPlaybook(ResponderCore core, Catalog.Playbook playbook) {
        super(core, playbook);
        grantSteps();
        grantGlobalDatabase(core.config());
        DrConfig config = core.config();
        IRole role = deploy(Map.of("RtoTargetMinutes", Integer.toString(config.rtoTargetMinutes()),
                "RpoTargetMinutes", Integer.toString(config.rpoTargetMinutes()))).getRole();
        // Promotion ends replication and cannot be undone: only replicas that opted in themselves (an untagged twin never),
        // and a forced failover only of opted-in clusters.
        allow(role, List.of("rds:PromoteReadReplica"), List.of(arn("rds", "db:*")), taggedProtected(), TAG_SCOPED);
        // the rename cut-over (old primary aside, promoted replica to its name, and back on failure): both are tagged protected
        allow(role, List.of("rds:ModifyDBInstance"), List.of(arn("rds", "db:*")), taggedProtected(), TAG_SCOPED);
        allow(role, List.of("rds:FailoverDBCluster"), List.of(arn("rds", "cluster:*")), taggedProtected(), TAG_SCOPED);
        // A drill: a read replica of a protected primary (the source statement), created only named *-drill-* and tagged
        // dr:drill=true and dr:playbook=<this playbook> in its create request; then promoted and deleted, and nothing else.
        List<String> drillReplicas = List.of(arn("rds", "db:*" + DRILL_MARKER + "*"));
        allow(role, List.of("rds:CreateDBInstanceReadReplica"), List.of(arn("rds", "db:*")), taggedProtected(), TAG_SCOPED);
        allow(role, List.of("rds:CreateDBInstanceReadReplica", "rds:AddTagsToResource"), drillReplicas,
                Map.of("StringEquals", Map.of("aws:RequestTag/" + DRILL_TAG_KEY, "true", "aws:RequestTag/" + RestorePlaybook.PLAYBOOK_TAG_KEY, NAME)),
                TAG_SCOPED);
        // RDS also authorises the replica against the configuration it takes from its source (optional resource types, found
        // by the IAM check): shared, never changed here; the db statements above still decide which replica may exist.
        allow(role, List.of("rds:CreateDBInstanceReadReplica"), List.of(arn("rds", "subgrp:*"), arn("rds", "pg:*"), arn("rds", "og:*"),
                arn("rds", "cluster:*")), null, DRILL_INPUTS);
        allow(role, List.of("rds:PromoteReadReplica", "rds:DeleteDBInstance"), drillReplicas,
                Map.of("StringEquals", Map.of("aws:ResourceTag/" + DRILL_TAG_KEY, "true", "aws:ResourceTag/" + RestorePlaybook.PLAYBOOK_TAG_KEY, NAME)),
                TAG_SCOPED);
        allow(role, List.of("rds:FailoverDBCluster"), List.of(arn("rds", "db:*")), null, FAILOVER_TARGET);
    }

    /**
     * Aurora Global Database: the planner and the poll read the global cluster and its secondaries in the deployment's
     * Regions; the global-failover step (Java: aws-sdk tasks reach only their own Region) may make only a tagged
     * secondary, in one of those Regions, take over. No other Region appears in any grant.
     */
    private void grantGlobalDatabase(DrConfig config) {
        List<String> clusters = new java.util.ArrayList<>(List.of(arn("rds", "cluster:*")));
        config.failoverRegions().forEach(region -> clusters.add(Permissions.arnIn(region, "rds", "cluster:*")));
        List<String> globalClusters = List.of("arn:" + software.amazon.awscdk.Aws.PARTITION + ":rds::" + software.amazon.awscdk.Aws.ACCOUNT_ID
                + ":global-cluster:*");
        for (String step : List.of("plan-failover", "check-failover", "global-failover")) {
            IRole role = function(step).role();
            allow(role, List.of("rds:DescribeGlobalClusters"), globalClusters, null, READ_ONLY_LOOKUP);
            allow(role, List.of("rds:DescribeDBClusters"), clusters, null, READ_ONLY_LOOKUP);
        }
        IRole act = function("global-failover").role();
        List<String> actions = List.of("rds:SwitchoverGlobalCluster", "rds:FailoverGlobalCluster", "rds:RemoveFromGlobalCluster");
        allow(act, actions, clusters, taggedProtected(), TAG_SCOPED);
        allow(act, actions, globalClusters, null, GLOBAL_CLUSTERS);
    }

    private void grantSteps() {
        Permissions permissions = core.permissions();
        IRole plan = function("plan-failover").role();
        allow(plan, List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances", "rds:ListTagsForResource"), DATABASES, null, READ_ONLY_LOOKUP);
        allow(plan, List.of("cloudwatch:GetMetricData"), List.of("*"), null, NO_RESOURCE_LEVEL);
        // the tags of what a request names besides the database (verify secret, cut-over target), as the restore's validation
        allow(plan, List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")), null, READ_ONLY_LOOKUP);
        allow(plan, List.of("ssm:ListTagsForResource"), List.of(arn("ssm", "parameter/*")), null, READ_ONLY_LOOKUP);
        allow(plan, List.of("lambda:GetFunction"), List.of(arn("lambda", "function:*")), null, READ_ONLY_LOOKUP);
        allow(function("check-failover").role(), List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances"), DATABASES, null, READ_ONLY_LOOKUP);
        IRole verify = function("verify-promoted").role();
        allow(verify, List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"), List.of(arn("secretsmanager", "secret:*")),
                Map.of("Null", Map.of("aws:ResourceTag/dr:database", "false")), TAG_SCOPED);
        permissions.allowSecretKeys(verify, false);
        IRole cutover = function("failover-config-cutover").role();
        // the restore's config cut-over (ConfigCutoverHandler): the same grants as restore's config-cutover
        allow(cutover, List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"),
                List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        permissions.allowSecretKeys(cutover, true);
        allow(cutover, List.of("ssm:GetParameter", "ssm:PutParameter"), List.of(arn("ssm", "parameter/*")), taggedProtected(), TAG_SCOPED);
        allow(cutover, List.of("ssm:DescribeParameters"), List.of("*"), null, Permissions.NO_RESOURCE_LEVEL);
        allow(cutover, List.of("kms:Decrypt", "kms:Encrypt"), List.of(arn("kms", "key/*")),
                Map.of("StringEquals", Map.of("kms:ViaService", "ssm." + software.amazon.awscdk.Aws.REGION + ".amazonaws.com")), Permissions.SECRET_KEYS);
        allow(cutover, List.of("lambda:GetFunctionConfiguration", "lambda:PublishVersion", "lambda:UpdateFunctionConfiguration",
                "lambda:GetAlias", "lambda:ListAliases", "lambda:UpdateAlias"), List.of(arn("lambda", "function:*")), taggedProtected(), TAG_SCOPED);
    }
}
