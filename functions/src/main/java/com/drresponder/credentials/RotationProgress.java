package com.drresponder.credentials;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a RotateSecret has finished: AWSCURRENT is on the version it created and no version is still staged
 * AWSPENDING elsewhere. Counts the checks so the state machine's wait loop ends after {@code maxChecks}.
 */
public final class RotationProgress {
    private final SecretStore store;
    private final int maxChecks;

    public RotationProgress(SecretStore store, int maxChecks) {
        this.store = store;
        this.maxChecks = maxChecks;
    }

    public record Status(String versionId, int attempt, boolean done, boolean timedOut, String currentVersionId) {}

    public Status check(JsonNode in) {
        String secretId = in.path("secretId").asText();
        String versionId = in.path("versionId").asText();
        int attempt = in.path("attempt").asInt(0) + 1;
        SecretStore.Description d = store.describe(secretId);
        String current = d.versionWithStage(SecretStore.CURRENT).orElse(null);
        boolean pendingElsewhere = d.versionStages().entrySet().stream()
                .anyMatch(e -> e.getValue().contains(SecretStore.PENDING) && !e.getValue().contains(SecretStore.CURRENT));
        boolean done = versionId.equals(current) && !pendingElsewhere;
        return new Status(versionId, attempt, done, !done && attempt >= maxChecks, current);
    }
}
