package com.drresponder.admission;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where this responder is deployed: the partition, account and region it acts in. Every ARN the
 * responder builds comes from here, never from a request or an event, and events from elsewhere are
 * ignored, so nobody can point it at a resource of another account by naming one.
 */
public record Deployment(String partition, String account, String region) {
    public static final String ACCOUNT_VARIABLE = "DR_ACCOUNT_ID";
    public static final String PARTITION_VARIABLE = "DR_PARTITION";
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern PARTITION = Pattern.compile("aws(-[a-z]+)*");

    public Deployment {
        check(PARTITION, partition, PARTITION_VARIABLE, "a partition such as aws or aws-cn");
        check(ACCOUNT, account, ACCOUNT_VARIABLE, "a 12-digit account id");
        check(REGION, region, "AWS_REGION", "a region such as eu-west-1");
    }

    public static Deployment fromEnvironment() {
        return from(com.drresponder.common.Environment.variables());
    }

    /** {@code DR_ACCOUNT_ID} and {@code AWS_REGION} are required; {@code DR_PARTITION} defaults to the region's partition. */
    public static Deployment from(Map<String, String> env) {
        String region = env.get("AWS_REGION");
        String partition = env.get(PARTITION_VARIABLE);
        return new Deployment(partition == null || partition.isBlank() ? partitionOf(region) : partition.trim(),
                env.get(ACCOUNT_VARIABLE), region);
    }

    static String partitionOf(String region) {
        if (region == null) {
            return "aws";
        }
        return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    }

    /** {@code arn:<partition>:<service>:<region>:<account>:<resource>} in this deployment. */
    public String arn(String service, String resource) {
        return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource;
    }

    /** IAM ARNs have no region. */
    public String iamArn(String resource) {
        return "arn:" + partition + ":iam::" + account + ":" + resource;
    }

    /** Why an event from {@code eventAccount}/{@code eventRegion} is not ours, or null when it is. */
    public String foreignBecause(String eventAccount, String eventRegion) {
        if (!account.equals(eventAccount) || !region.equals(eventRegion)) {
            return "event from account " + eventAccount + " in " + eventRegion + "; this deployment acts only in account "
                    + account + " in " + region;
        }
        return null;
    }

    private static void check(Pattern pattern, String value, String variable, String description) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalStateException(variable + " must be " + description + ", got " + (value == null ? "nothing" : "\"" + value + "\""));
        }
    }
}
