package com.drresponder.infra;

import static com.drresponder.infra.Permissions.NO_RESOURCE_LEVEL;
import static com.drresponder.infra.Permissions.READ_ONLY_LOOKUP;
import static com.drresponder.infra.Permissions.TAG_SCOPED;
import static com.drresponder.infra.Permissions.arn;
import static com.drresponder.infra.Permissions.iamArn;

import com.drresponder.catalog.Catalog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnTag;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Permission;
import software.amazon.awscdk.services.wafv2.CfnIPSet;

/**
 * respond-to-credential-compromise: a GuardDuty finding (or a manual request) rotates tagged secrets, deactivates tagged
 * users' keys, revokes tagged roles' older sessions and blocks the caller's addresses in the playbook's own WAF block
 * lists (IPv4 and IPv6), which a sweeper empties again as blocks expire. The rotation function is invoked by Secrets
 * Manager itself; it and the verifier need a network path to the databases (catalog: DATABASE_NETWORK).
 */
public final class CredentialPlaybook extends PlaybookConstruct {
    public static final String NAME = "respond-to-credential-compromise";

    private final CfnIPSet blockList;
    private final CfnIPSet blockList6;

    CredentialPlaybook(ResponderCore core, Catalog.Playbook playbook) {
        super(core, playbook);
        this.blockList = blockList("BlockList", "-blocklist", "IPV4");
        this.blockList6 = blockList("BlockList6", "-blocklist6", "IPV6");
        grantSteps();
        ipBlockSweeper();
        IRole role = deploy(Map.of("WafIpSetName", blockList.getName(), "WafIpSetId", blockList.getAttrId(), "WafScope", blockList.getScope(),
                "WafIpSet6Name", blockList6.getName(), "WafIpSet6Id", blockList6.getAttrId())).getRole();
        allow(role, List.of("secretsmanager:DescribeSecret", "secretsmanager:RotateSecret"),
                List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        // A user's key is deactivated and its sessions issued before the incident denied (an inline policy).
        allow(role, List.of("iam:UpdateAccessKey", "iam:PutUserPolicy"), List.of(iamArn("user/*")), taggedProtected(), TAG_SCOPED);
        // Temporary (ASIA...) keys of a role cannot be deactivated: the playbook revokes the role's older sessions.
        allow(role, List.of("iam:PutRolePolicy"), List.of(iamArn("role/*")), taggedProtected(), TAG_SCOPED);
        allow(role, List.of("guardduty:GetFindings"), List.of(arn("guardduty", "detector/*")), null, READ_ONLY_LOOKUP);
    }

    private void grantSteps() {
        Permissions permissions = core.permissions();
        JavaFunction rotation = function("secret-rotation");
        // Secrets rotate through the `live` alias ARN, so the permission sits on the alias.
        rotation.alias().addPermission("SecretsManagerInvoke", Permission.builder()
                .principal(new ServicePrincipal("secretsmanager.amazonaws.com")).sourceAccount(Aws.ACCOUNT_ID).build());
        allow(rotation.role(), List.of("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage"), List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        permissions.allowSecretKeys(rotation.role(), true);
        allow(rotation.role(), List.of("secretsmanager:GetRandomPassword"), List.of("*"), null, NO_RESOURCE_LEVEL);

        IRole resolve = function("resolve-credential-targets").role();
        allow(resolve, List.of("secretsmanager:ListSecrets"), List.of("*"), null, NO_RESOURCE_LEVEL);
        // Reading a secret's tags decides whether it is opted in (and tells "no such secret" from "not opted in").
        allow(resolve, List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")), null, READ_ONLY_LOOKUP);
        allow(resolve, List.of("secretsmanager:GetSecretValue"), List.of(arn("secretsmanager", "secret:*")), taggedProtected(), TAG_SCOPED);
        permissions.allowSecretKeys(resolve, false);
        // the plan lists a compromised user's other keys and console password, with a recommendation
        allow(resolve, List.of("iam:ListAccessKeys", "iam:GetLoginProfile"), List.of(iamArn("user/*")), taggedProtected(), TAG_SCOPED);

        allow(function("check-rotation").role(), List.of("secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")),
                taggedProtected(), TAG_SCOPED);

        IRole verify = function("verify-rotation").role();
        // DescribeSecret: an RDS-managed secret names its database only in its aws:rds:primaryDB*Arn tag
        allow(verify, List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"), List.of(arn("secretsmanager", "secret:*")),
                taggedProtected(), TAG_SCOPED);
        permissions.allowSecretKeys(verify, false);
        // ... and RDS gives that database's endpoint, where the verifier logs in with the old and new passwords
        allow(verify, List.of("rds:DescribeDBClusters", "rds:DescribeDBInstances"), List.of(arn("rds", "cluster:*"), arn("rds", "db:*")),
                null, READ_ONLY_LOOKUP);

        // one step reads, merges and writes each block list; each block's expiry is a ledger item (catalog: LEDGER)
        allow(function("merge-ip-set").role(), List.of("wafv2:GetIPSet", "wafv2:UpdateIPSet"),
                List.of(arn("wafv2", "regional/ipset/*/*")), taggedProtected(), TAG_SCOPED);
    }

    private CfnIPSet blockList(String id, String suffix, String version) {
        return CfnIPSet.Builder.create(this, id)
                .name(Stack.of(this).getStackName() + suffix)
                .description("DR Responder - " + version + " addresses named in GuardDuty findings, blocked until their expiry in the ledger")
                .scope("REGIONAL").ipAddressVersion(version).addresses(List.of())
                .tags(List.of(CfnTag.builder().key(core.config().protectionTagKey()).value("true").build()))
                .build();
    }

    /** Every 15 minutes merge-ip-set removes the addresses whose block expired (only those the responder added). */
    private void ipBlockSweeper() {
        // ordered maps: the input is a string in the template, and Map.of's order changes from run to run
        Map<String, Object> ipSets = new TreeMap<>(Map.of("ipv4", new TreeMap<>(Map.of("name", blockList.getName(), "id", blockList.getAttrId(),
                "scope", blockList.getScope())), "ipv6", new TreeMap<>(Map.of("name", blockList6.getName(), "id", blockList6.getAttrId(),
                "scope", blockList6.getScope()))));
        Rule rule = Rule.Builder.create(this, "IpBlockSweeperRule")
                .description("DR Responder: removes expired WAF blocks")
                .schedule(Schedule.expression("rate(15 minutes)"))
                .build();
        rule.addTarget(new LambdaFunction(function("merge-ip-set").alias(), core.routing().targetProps()
                .event(RuleTargetInput.fromObject(new TreeMap<>(Map.of("sweep", true, "ipSets", ipSets)))).build()));
        core.routing().addRule("ip-block-sweeper", rule);
    }

    public CfnIPSet blockList() { return blockList; }

    public CfnIPSet blockList6() { return blockList6; }
}
