package com.drresponder.restore;

import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;

/**
 * Which resources a restore request may use for a database: only those tagged
 * {@value #DATABASE_TAG}{@code =<database id>}, so a request cannot borrow another database's password
 * (the verify secret) or repoint another application's configuration (the cut-over target). A cut-over
 * target is also changed, so it must be opted in like every resource the responder changes: tagged
 * {@code <protection tag>=true} and in the allow-list ({@code PROTECTED_RESOURCES}). Reads tags only;
 * a failed check is an {@link InvalidRequestException} naming the field.
 */
public final class DatabaseLinks {
    public static final String DATABASE_TAG = "dr:database";

    private final Supplier<SecretsManagerClient> secrets;
    private final Supplier<SsmClient> ssm;
    private final Supplier<LambdaClient> lambda;
    private final String protectionTagKey;
    private final Set<String> allowList;

    public DatabaseLinks(Supplier<SecretsManagerClient> secrets, Supplier<SsmClient> ssm, Supplier<LambdaClient> lambda,
                         String protectionTagKey, Set<String> allowList) {
        this.secrets = secrets;
        this.ssm = ssm;
        this.lambda = lambda;
        this.protectionTagKey = protectionTagKey;
        this.allowList = allowList;
    }

    /** Only the secret check ({@link #requireSecretOf}): the verification step reads no configuration. */
    public static DatabaseLinks secretsOnly(Supplier<SecretsManagerClient> secrets) {
        Supplier<SsmClient> noSsm = () -> { throw new IllegalStateException("no SSM client here"); };
        Supplier<LambdaClient> noLambda = () -> { throw new IllegalStateException("no Lambda client here"); };
        return new DatabaseLinks(secrets, noSsm, noLambda, null, Set.of());
    }

    /** The secret the verifier logs in with belongs to the database. */
    public void requireSecretOf(String field, String secretId, String databaseId) {
        requireLinked(field, "secret " + secretId, secretTags(field, secretId).tags, databaseId);
    }

    /** The configuration a config cut-over changes belongs to the database and is opted in. */
    public void requireCutoverTarget(RestoreRequest.CutoverConfig config, SourceDatabase source) {
        requireCutoverTarget(config, source.id(), source.arn());
    }

    /** The same, for a database known by its identifier and ARN (the primary of a failover). */
    public void requireCutoverTarget(RestoreRequest.CutoverConfig config, String databaseId, String databaseArn) {
        Tagged target = switch (config.kind()) {
            case "secret" -> secretTags("cutoverConfig.secretId", config.secretId());
            case "parameter" -> parameterTags(config.parameterName(), databaseArn);
            default -> functionTags(config.functionName());
        };
        String field = "cutoverConfig." + switch (config.kind()) {
            case "secret" -> "secretId";
            case "parameter" -> "parameterName";
            default -> "functionName";
        };
        requireLinked(field, target.arn, target.tags, databaseId);
        if (!"true".equalsIgnoreCase(target.tags.get(protectionTagKey))) {
            throw new InvalidRequestException(field, target.arn + " is not tagged " + protectionTagKey + "=true; a cut-over only changes opted-in configuration");
        }
        if (!allowList.contains("*") && !allowList.contains(target.arn)) {
            throw new InvalidRequestException(field, target.arn + " is not in the allow-list (PROTECTED_RESOURCES); a cut-over only changes opted-in configuration");
        }
    }

    private static void requireLinked(String field, String what, Map<String, String> tags, String databaseId) {
        String linked = tags.get(DATABASE_TAG);
        if (linked == null || !linked.equalsIgnoreCase(databaseId)) {
            throw new InvalidRequestException(field, what + " does not belong to " + databaseId + ": its tag " + DATABASE_TAG + " is "
                    + (linked == null ? "missing" : "\"" + linked + "\"") + ", and only resources tagged " + DATABASE_TAG + "=" + databaseId
                    + " are used for it");
        }
    }

    private record Tagged(String arn, Map<String, String> tags) {}

    private Tagged secretTags(String field, String secretId) {
        DescribeSecretResponse d;
        try {
            d = secrets.get().describeSecret(r -> r.secretId(secretId));
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException e) {
            throw new InvalidRequestException(field, "no secret " + secretId + " in this account and region");
        }
        return new Tagged(d.arn(), d.tags().stream().collect(Collectors.toMap(t -> t.key(), t -> t.value(), (a, b) -> a)));
    }

    /** A parameter's ARN lives in the database's account and region (parameters are regional). */
    private Tagged parameterTags(String name, String databaseArn) {
        Map<String, String> tags;
        try {
            tags = ssm.get().listTagsForResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name)).tagList().stream()
                    .collect(Collectors.toMap(t -> t.key(), t -> t.value(), (a, b) -> a));
        } catch (software.amazon.awssdk.services.ssm.model.InvalidResourceIdException e) {
            throw new InvalidRequestException("cutoverConfig.parameterName", "no parameter " + name + " in this account and region");
        }
        String[] arn = databaseArn.split(":", 6);
        String path = name.startsWith("/") ? name.substring(1) : name;
        return new Tagged("arn:" + arn[1] + ":ssm:" + arn[3] + ":" + arn[4] + ":parameter/" + path, tags);
    }

    private Tagged functionTags(String name) {
        GetFunctionResponse f;
        try {
            f = lambda.get().getFunction(r -> r.functionName(name));
        } catch (software.amazon.awssdk.services.lambda.model.ResourceNotFoundException e) {
            throw new InvalidRequestException("cutoverConfig.functionName", "no function " + name + " in this account and region");
        }
        return new Tagged(f.configuration().functionArn(), f.tags() == null ? Map.of() : f.tags());
    }
}
