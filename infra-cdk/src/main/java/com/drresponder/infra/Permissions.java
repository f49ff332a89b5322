package com.drresponder.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IRole;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * Least-privilege grants of one stack. Every grant goes through {@link #allow}, which also records the cdk-nag
 * acknowledgement for each wildcard it introduces, on that one role, with the reason; {@link #acknowledgeWildcards}
 * writes them once every construct has granted what it needs.
 */
final class Permissions {
    static final String TAG_SCOPED = "Resource names are not known at deploy time (any opted-in resource); every "
            + "mutating action is restricted by an aws:ResourceTag/aws:RequestTag condition on the protection tag.";
    static final String READ_ONLY_LOOKUP = "Read-only lookups of tags, aliases and alarm definitions, used to decide "
            + "whether a resource is opted in; resource names are not known at deploy time, the ARN pattern fixes service, "
            + "region, account and resource type.";
    static final String NO_RESOURCE_LEVEL = "X-Ray (PutTraceSegments, PutTelemetryRecords), Step Functions log delivery "
            + "(logs:CreateLogDelivery and friends), cloudwatch:GetMetricData, secretsmanager:ListSecrets and ssm:DescribeParameters "
            + "support no resource-level permissions.";
    static final String SECRET_KEYS = "Customer-managed keys of opted-in secrets are not known at deploy time; the "
            + "kms:ViaService condition limits their use to Secrets Manager calls (SSM calls for the config cut-over's SecureString parameters).";
    static final String LEDGER_INDEX = "Queries the ledger's own GSIs (byStatus); the wildcard is limited to indexes of this one table.";
    static final String TOPIC_KEY = "kms:GenerateDataKey* on the notification topic's own key only, needed to publish to the encrypted topic.";

    private final String protectionTagKey;
    private final Map<String, Acknowledgements> acknowledgements = new LinkedHashMap<>();

    private record Acknowledgements(IRole role, Map<String, Set<String>> findingsByReason) {}

    Permissions(String protectionTagKey) {
        this.protectionTagKey = protectionTagKey;
    }

    /** Allows {@code actions} on {@code resources}; each wildcard resource is acknowledged with {@code wildcardReason}. */
    void allow(IRole role, List<String> actions, List<String> resources, Map<String, Object> conditions, String wildcardReason) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(actions).resources(resources);
        if (conditions != null) {
            b.conditions(conditions);
        }
        role.addToPrincipalPolicy(b.build());
        for (String resource : resources) {
            if (resource.contains("*")) {
                acknowledge(role, wildcardReason, nagResource(resource));
            }
        }
    }

    /** Records that {@code finding} (a cdk-nag IAM5 wildcard) on {@code role} is intended, for {@code reason}. */
    void acknowledge(IRole role, String reason, String finding) {
        acknowledgements.computeIfAbsent(role.getNode().getPath(), k -> new Acknowledgements(role, new LinkedHashMap<>()))
                .findingsByReason().computeIfAbsent(reason, k -> new LinkedHashSet<>()).add(finding);
    }

    /** Every role here has X-Ray tracing (functions and state machines), state machines also log delivery. */
    void acknowledgeNoResourceLevel(IRole role) {
        acknowledge(role, NO_RESOURCE_LEVEL, "Resource::*");
    }

    /** One suppression per reason, each listing exactly the wildcard findings it covers, on each role (and its policy). */
    void acknowledgeWildcards() {
        for (Acknowledgements a : acknowledgements.values()) {
            List<NagPackSuppression> list = new ArrayList<>();
            a.findingsByReason().forEach((reason, findings) -> list.add(NagPackSuppression.builder()
                    .id("AwsSolutions-IAM5").reason(reason).appliesTo(List.copyOf(findings)).build()));
            NagSuppressions.addResourceSuppressions(a.role(), list, true);
        }
    }

    /** {@code aws:ResourceTag/<protectionTagKey> = "true"}: only opted-in resources can be acted on. */
    Map<String, Object> taggedProtected() {
        return Map.of("StringEquals", Map.of("aws:ResourceTag/" + protectionTagKey, "true"));
    }

    /**
     * Secrets under a customer-managed key: Secrets Manager decrypts (and, to store a value, encrypts) with the
     * caller's permission on that key, and only through Secrets Manager.
     */
    void allowSecretKeys(IRole role, boolean write) {
        allow(role, write ? List.of("kms:Decrypt", "kms:GenerateDataKey") : List.of("kms:Decrypt"), List.of(arn("kms", "key/*")),
                Map.of("StringEquals", Map.of("kms:ViaService", "secretsmanager." + Aws.REGION + ".amazonaws.com")), SECRET_KEYS);
    }

    /** A regional resource ARN of this account. */
    static String arn(String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    /** A resource ARN of this account in another Region (an Aurora Global Database's secondary). */
    static String arnIn(String region, String service, String resource) {
        return "arn:" + Aws.PARTITION + ":" + service + ":" + region + ":" + Aws.ACCOUNT_ID + ":" + resource;
    }

    /** An IAM (global) resource ARN of this account, e.g. {@code user/*}. */
    static String iamArn(String resource) {
        return "arn:" + Aws.PARTITION + ":iam::" + Aws.ACCOUNT_ID + ":" + resource;
    }

    /** The cdk-nag spelling of a resource ARN built from {@link Aws} pseudo parameters. */
    private static String nagResource(String arn) {
        return "Resource::" + arn.replace(Aws.PARTITION, "<AWS::Partition>").replace(Aws.REGION, "<AWS::Region>")
                .replace(Aws.ACCOUNT_ID, "<AWS::AccountId>");
    }
}
