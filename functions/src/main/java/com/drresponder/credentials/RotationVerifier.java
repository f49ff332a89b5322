package com.drresponder.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After the rotations: for each rotated PostgreSQL secret, the new password logs in and (single-user) the
 * previous one no longer does. Other secrets count as rotated once Secrets Manager says so. Never reads a
 * password into a message.
 */
public final class RotationVerifier {
    private final SecretStore store;
    private final PostgresPasswordChanger database;

    public RotationVerifier(SecretStore store, PostgresPasswordChanger database) {
        this.store = store;
        this.database = database;
    }

    public record Verification(boolean ok, List<String> verified, List<String> failed, List<String> skipped, String summary) {}

    public Verification verify(JsonNode rotations) {
        List<String> verified = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (JsonNode r : rotations) {
            String name = r.path("name").asText();
            String outcome = r.path("outcome").asText();
            switch (outcome) {
                case "rotated" -> check(r.path("secretId").asText(), name).ifPresentOrElse(failed::add, () -> verified.add(name));
                case "skipped" -> skipped.add(name + " (" + r.path("reason").asText() + ")");
                default -> failed.add(name + ": " + outcome + (r.hasNonNull("error") ? " (" + r.path("error").asText() + ")" : ""));
            }
        }
        String summary = "Rotated and verified: " + (verified.isEmpty() ? "none" : String.join(", ", verified)) + "."
                + (skipped.isEmpty() ? "" : " Skipped: " + String.join(", ", skipped) + ".")
                + (failed.isEmpty() ? "" : " Failed: " + String.join("; ", failed) + ".");
        return new Verification(failed.isEmpty(), verified, failed, skipped, summary);
    }

    /** A failure reason, or empty when the secret checks out. */
    private Optional<String> check(String secretId, String name) {
        Optional<DatabaseSecret> current = postgres(secretId, SecretStore.CURRENT);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        if (!database.canLogIn(current.get())) {
            return Optional.of(name + ": the new password does not log in as " + current.get().username());
        }
        Optional<DatabaseSecret> previous = postgres(secretId, SecretStore.PREVIOUS);
        if (previous.isPresent() && previous.get().username().equals(current.get().username()) && database.canLogIn(previous.get())) {
            return Optional.of(name + ": the previous password of " + current.get().username() + " still logs in");
        }
        return Optional.empty();
    }

    private Optional<DatabaseSecret> postgres(String secretId, String stage) {
        try {
            return store.value(secretId, null, stage).map(v -> DatabaseSecret.parse(secretId, v));
        } catch (MalformedSecretException e) {
            return Optional.empty(); // not a PostgreSQL secret (API key, JWT signing key...): nothing to log in with
        }
    }
}
