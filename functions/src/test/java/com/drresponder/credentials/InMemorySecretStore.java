package com.drresponder.credentials;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link SecretStore} in memory with Secrets Manager's staging rules (AWSPREVIOUS follows a moved AWSCURRENT). */
final class InMemorySecretStore implements SecretStore {
    private record Version(String value, List<String> stages) {}

    private final Map<String, Map<String, Version>> secrets = new LinkedHashMap<>();
    private final Map<String, Boolean> rotationEnabled = new LinkedHashMap<>();
    final List<String> passwordsHandedOut = new ArrayList<>();
    private int passwords;

    void create(String secretId, String versionId, String value) {
        Map<String, Version> versions = new LinkedHashMap<>();
        versions.put(versionId, new Version(value, new ArrayList<>(List.of(CURRENT))));
        secrets.put(secretId, versions);
        rotationEnabled.put(secretId, true);
    }

    /** What RotateSecret does before calling the function: a value-less version staged AWSPENDING. */
    void startRotation(String secretId, String token) {
        secrets.get(secretId).values().forEach(v -> v.stages().remove(PENDING));
        secrets.get(secretId).put(token, new Version(null, new ArrayList<>(List.of(PENDING))));
    }

    private final java.util.Set<String> deletionScheduled = new java.util.HashSet<>();

    void scheduleDeletion(String secretId) {
        deletionScheduled.add(secretId);
    }

    void disableRotation(String secretId) {
        rotationEnabled.put(secretId, false);
    }

    String valueOf(String secretId, String stage) {
        return secrets.get(secretId).values().stream().filter(v -> v.stages().contains(stage)).map(Version::value).findFirst().orElse(null);
    }

    Map<String, List<String>> stages(String secretId) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        secrets.get(secretId).forEach((id, v) -> out.put(id, List.copyOf(v.stages())));
        return out;
    }

    @Override
    public Description describe(String secretId) {
        return new Description("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + secretId, secretId,
                rotationEnabled.get(secretId), stages(secretId), deletionScheduled.contains(secretId));
    }

    @Override
    public Optional<String> value(String secretId, String versionId, String stage) {
        return secrets.getOrDefault(secretId, Map.of()).entrySet().stream()
                .filter(e -> versionId == null || e.getKey().equals(versionId))
                .filter(e -> stage == null || e.getValue().stages().contains(stage))
                .map(e -> e.getValue().value()).filter(v -> v != null).findFirst();
    }

    @Override
    public void putPending(String secretId, String token, String secretString) {
        Map<String, Version> versions = secrets.get(secretId);
        versions.values().forEach(v -> v.stages().remove(PENDING));
        versions.put(token, new Version(secretString, new ArrayList<>(List.of(PENDING))));
    }

    @Override
    public void moveStage(String secretId, String stage, String toVersionId, String fromVersionId) {
        Map<String, Version> versions = secrets.get(secretId);
        if (fromVersionId != null) {
            versions.get(fromVersionId).stages().remove(stage);
        }
        if (toVersionId != null) {
            versions.get(toVersionId).stages().add(stage);
        }
        if (CURRENT.equals(stage) && fromVersionId != null) {
            versions.values().forEach(v -> v.stages().remove(PREVIOUS));
            versions.get(fromVersionId).stages().add(PREVIOUS);
        }
    }

    @Override
    public String randomPassword(int length, String excludeCharacters) {
        String password = ("Pw" + (++passwords) + "x".repeat(length)).substring(0, length);
        passwordsHandedOut.add(password);
        return password;
    }
}
