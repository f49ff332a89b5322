package com.drresponder.credentials;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** {@link SecretStore} on the real Secrets Manager API. */
public record SecretsManagerSecretStore(SecretsManagerClient client) implements SecretStore {
    @Override
    public Description describe(String secretId) {
        DescribeSecretResponse d = client.describeSecret(r -> r.secretId(secretId));
        Map<String, List<String>> stages = d.versionIdsToStages() == null ? Map.of() : d.versionIdsToStages();
        return new Description(d.arn(), d.name(), Boolean.TRUE.equals(d.rotationEnabled()), stages, d.deletedDate() != null);
    }

    @Override
    public Optional<String> value(String secretId, String versionId, String stage) {
        try {
            GetSecretValueResponse v = client.getSecretValue(r -> r.secretId(secretId).versionId(versionId).versionStage(stage));
            return Optional.ofNullable(v.secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty(); // a version staged without a value yet (RotateSecret's fresh AWSPENDING)
        }
    }

    @Override
    public void putPending(String secretId, String token, String secretString) {
        client.putSecretValue(r -> r.secretId(secretId).clientRequestToken(token).secretString(secretString).versionStages(PENDING));
    }

    @Override
    public void moveStage(String secretId, String stage, String toVersionId, String fromVersionId) {
        client.updateSecretVersionStage(r -> r.secretId(secretId).versionStage(stage).moveToVersionId(toVersionId)
                .removeFromVersionId(fromVersionId));
    }

    @Override
    public String randomPassword(int length, String excludeCharacters) {
        return client.getRandomPassword(r -> r.passwordLength((long) length).excludeCharacters(excludeCharacters)
                .requireEachIncludedType(true)).randomPassword();
    }
}
