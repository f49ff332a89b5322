package com.drresponder.credentials;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The Secrets Manager operations rotation needs, so the step logic can be tested against an in-memory store. */
public interface SecretStore {
    String CURRENT = "AWSCURRENT";
    String PENDING = "AWSPENDING";
    String PREVIOUS = "AWSPREVIOUS";

    /** Rotation facts of a secret: whether rotation is on, each version's stages, whether it is scheduled for deletion. */
    record Description(String arn, String name, boolean rotationEnabled, Map<String, List<String>> versionStages, boolean deletionScheduled) {
        public Optional<String> versionWithStage(String stage) {
            return versionStages.entrySet().stream().filter(e -> e.getValue().contains(stage)).map(Map.Entry::getKey).findFirst();
        }
    }

    Description describe(String secretId);

    /** The SecretString at {@code versionId} (may be null) with {@code stage}, or empty when there is none (yet). */
    Optional<String> value(String secretId, String versionId, String stage);

    /** Stores a new version with id {@code token} staged AWSPENDING. */
    void putPending(String secretId, String token, String secretString);

    /** Moves {@code stage} to {@code toVersionId} from {@code fromVersionId}; either may be null. */
    void moveStage(String secretId, String stage, String toVersionId, String fromVersionId);

    String randomPassword(int length, String excludeCharacters);
}
