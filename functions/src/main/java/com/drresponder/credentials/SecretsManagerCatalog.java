package com.drresponder.credentials;

import com.drresponder.common.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/** {@link SecretCatalog} on Secrets Manager (DescribeSecret, ListSecrets with tag filters, GetSecretValue for the host). */
public record SecretsManagerCatalog(SecretsManagerClient client) implements SecretCatalog {
    @Override
    public Optional<SecretInfo> describe(String secretId) {
        try {
            DescribeSecretResponse d = client.describeSecret(r -> r.secretId(secretId));
            return Optional.of(new SecretInfo(d.arn(), d.name(), tags(d.tags()), d.owningService(), d.rotationLambdaARN()));
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<SecretInfo> withTag(String key, String value) {
        // ListSecrets matches tag-key and tag-value independently (any tag); check the pair exactly here.
        return client.listSecretsPaginator(r -> r.filters(f -> f.key(FilterNameStringType.TAG_KEY).values(key),
                        f -> f.key(FilterNameStringType.TAG_VALUE).values(value)))
                .stream().flatMap(page -> page.secretList().stream()).map(SecretsManagerCatalog::info)
                .filter(s -> value.equals(s.tags().get(key))).toList();
    }

    @Override
    public Optional<String> host(String secretId) {
        String value = client.getSecretValue(r -> r.secretId(secretId).versionStage(SecretStore.CURRENT)).secretString();
        try {
            JsonNode node = value == null ? null : Json.MAPPER.readTree(value);
            return Optional.ofNullable(Json.text(node, "host"));
        } catch (JsonProcessingException e) {
            return Optional.empty(); // not a database secret; the parser's message would quote the value, so it is not kept
        }
    }

    @Override
    public StartState startState(String secretArn) {
        DescribeSecretResponse d = client.describeSecret(r -> r.secretId(secretArn));
        Map<String, List<String>> stages = d.versionIdsToStages() == null ? Map.of() : d.versionIdsToStages();
        boolean alternating = false;
        String value = client.getSecretValue(r -> r.secretId(secretArn).versionStage(SecretStore.CURRENT)).secretString();
        try {
            JsonNode node = value == null ? null : Json.MAPPER.readTree(value);
            alternating = Json.text(node, "masterarn") != null;
        } catch (JsonProcessingException e) {
            // not a database secret: one pass; the parser's message would quote the value, so it is not kept
        }
        return new StartState(withStage(stages, SecretStore.CURRENT), withStage(stages, SecretStore.PREVIOUS), alternating);
    }

    private static String withStage(Map<String, List<String>> stages, String stage) {
        return stages.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey).findFirst().orElse(null);
    }

    private static SecretInfo info(SecretListEntry s) {
        return new SecretInfo(s.arn(), s.name(), tags(s.tags()), s.owningService(), s.rotationLambdaARN());
    }

    private static Map<String, String> tags(List<Tag> tags) {
        return tags == null ? Map.of() : tags.stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
    }
}
