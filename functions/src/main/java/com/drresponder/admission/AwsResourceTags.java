package com.drresponder.admission;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Lazy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Reads tags from the service that owns the ARN. Clients are created on first use only, so a router
 * that never sees, say, an IAM finding never pays for an IAM client at cold start.
 */
public final class AwsResourceTags implements ResourceTags {
    private final Supplier<LambdaClient> lambda;
    private final Supplier<RdsClient> rds;
    private final Supplier<SecretsManagerClient> secrets;
    private final Supplier<CloudWatchClient> cloudwatch;
    private final Supplier<IamClient> iam;

    public AwsResourceTags(Supplier<LambdaClient> lambda, Supplier<RdsClient> rds, Supplier<SecretsManagerClient> secrets,
            Supplier<CloudWatchClient> cloudwatch, Supplier<IamClient> iam) {
        this.lambda = lambda;
        this.rds = rds;
        this.secrets = secrets;
        this.cloudwatch = cloudwatch;
        this.iam = iam;
    }

    /** Real clients, each built on first use (IAM is global: the SDK resolves its endpoint from any region). */
    public static AwsResourceTags fromEnvironment() {
        return fromEnvironment(Lazy.of(() -> AwsClients.create(RdsClient.builder())));
    }

    /** The same, sharing an RDS client the caller also uses. */
    public static AwsResourceTags fromEnvironment(Supplier<RdsClient> rds) {
        return new AwsResourceTags(Lazy.of(() -> AwsClients.create(LambdaClient.builder())), rds,
                Lazy.of(() -> AwsClients.create(SecretsManagerClient.builder())),
                Lazy.of(() -> AwsClients.create(CloudWatchClient.builder())),
                Lazy.of(() -> AwsClients.create(IamClient.builder())));
    }

    @Override
    public Map<String, String> tagsOf(String arn) {
        String[] parts = arn.split(":", 6);
        if (parts.length < 6 || !"arn".equals(parts[0])) {
            throw new IllegalArgumentException("not an ARN: " + arn);
        }
        try {
            return switch (parts[2]) {
                case "lambda" -> lambda.get().listTags(b -> b.resource(functionArn(arn))).tags();
                case "rds" -> toMap(rds.get().listTagsForResource(b -> b.resourceName(arn)).tagList(),
                        t -> t.key(), t -> t.value());
                case "secretsmanager" -> toMap(secrets.get().describeSecret(b -> b.secretId(arn)).tags(),
                        t -> t.key(), t -> t.value());
                case "cloudwatch" -> toMap(cloudwatch.get().listTagsForResource(b -> b.resourceARN(arn)).tags(),
                        t -> t.key(), t -> t.value());
                case "iam" -> iamTags(parts[5]);
                default -> Map.of();
            };
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404 || e.statusCode() == 400 && String.valueOf(e.awsErrorDetails().errorCode()).contains("NotFound")) {
                return Map.of();
            }
            throw e;
        }
    }

    private Map<String, String> iamTags(String resource) {
        if (resource.startsWith("user/")) {
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            return toMap(iam.get().listUserTags(b -> b.userName(name)).tags(), t -> t.key(), t -> t.value());
        }
        if (resource.startsWith("role/")) {
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            return toMap(iam.get().listRoleTags(b -> b.roleName(name)).tags(), t -> t.key(), t -> t.value());
        }
        return Map.of();
    }

    /** Lambda tags live on the function, not on a version or alias ARN. */
    static String functionArn(String arn) {
        String[] p = arn.split(":");
        return p.length > 7 ? String.join(":", java.util.Arrays.copyOf(p, 7)) : arn;
    }

    private static <T> Map<String, String> toMap(java.util.List<T> tags, java.util.function.Function<T, String> key,
            java.util.function.Function<T, String> value) {
        Map<String, String> map = new HashMap<>();
        tags.forEach(t -> map.put(key.apply(t), value.apply(t)));
        return map;
    }
}
