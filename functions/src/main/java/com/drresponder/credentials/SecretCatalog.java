package com.drresponder.credentials;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finding secrets for the credential playbook: by id, by tag, and the database host a secret points at. */
public interface SecretCatalog {

    record SecretInfo(String arn, String name, Map<String, String> tags, String owningService, String rotationLambdaArn) {
        public boolean managedByRds() {
            return "rds".equals(owningService) || "rds".equals(tags.get("aws:secretsmanager:owningService"));
        }
    }

    Optional<SecretInfo> describe(String secretId);

    /** Secrets carrying tag {@code key} with exactly {@code value}. */
    List<SecretInfo> withTag(String key, String value);

    /** The {@code host} field of the secret's current value, when it is a JSON database secret. Reads no other field. */
    Optional<String> host(String secretId);

    /**
     * The credential versions live when the incident starts (AWSCURRENT and AWSPREVIOUS version ids; either may be
     * null) and whether the secret uses alternating users ({@code masterarn} in its current value). Reads no password.
     */
    record StartState(String currentVersionId, String previousVersionId, boolean alternatingUsers) {}

    StartState startState(String secretArn);
}
