package com.drresponder.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After the rotations, proves the leaked credentials are dead: for each rotated PostgreSQL secret, every version
 * that was AWSCURRENT or AWSPREVIOUS when the incident started (both users, for alternating users) is refused by
 * the database, and the new AWSCURRENT logs in; an RDS-managed master secret the same way, at its database's endpoint
 * (from RDS). Says which versions were killed. A secret that was not rotated,
 * or any check that fails or cannot be made, fails the verification. Never reads a password into a message.
 */
public final class RotationVerifier {
    private final SecretStore store;
    private final PostgresPasswordChanger database;
    private final ManagedSecretDatabases managedDatabases;

    public RotationVerifier(SecretStore store, PostgresPasswordChanger database) {
        this(store, database, ManagedSecretDatabases.NONE);
    }

    /** {@code managedDatabases}: where an RDS-managed master secret logs in (its value holds no host). */
    public RotationVerifier(SecretStore store, PostgresPasswordChanger database, ManagedSecretDatabases managedDatabases) {
        this.store = store;
        this.database = database;
        this.managedDatabases = managedDatabases;
    }

    public record Verification(boolean ok, List<String> verified, List<String> failed, String summary) {}

    public Verification verify(JsonNode rotations) {
        List<String> verified = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (JsonNode r : rotations) {
            String name = r.path("name").asText();
            switch (r.path("outcome").asText()) {
                case "rotated" -> {
                    List<String> problems = new ArrayList<>();
                    String killed = check(r, name, problems);
                    if (problems.isEmpty()) {
                        verified.add(name + killed);
                    } else {
                        failed.addAll(problems);
                    }
                }
                case "escalated" -> failed.add(r.path("reason").asText(name + ": escalated"));
                default -> failed.add(name + ": " + r.path("outcome").asText() + (r.hasNonNull("error") ? " (" + r.path("error").asText() + ")" : ""));
            }
        }
        String summary = "Rotated and verified: " + (verified.isEmpty() ? "none" : String.join("; ", verified)) + "."
                + (failed.isEmpty() ? "" : " Not done: " + String.join("; ", failed) + ".");
        return new Verification(failed.isEmpty(), verified, failed, summary);
    }

    /** Adds each failure to {@code problems}; returns what was killed, for the summary. */
    private String check(JsonNode rotation, String name, List<String> problems) {
        String secretId = rotation.path("secretId").asText();
        try {
            java.util.function.Function<String, Optional<DatabaseSecret>> credential;
            if ("managed".equals(rotation.path("kind").asText())) {
                // RDS set the new password; a login proves it, as for any other secret ("resolved" means verified)
                Optional<ManagedSecretDatabases.Database> db = managedDatabases.of(secretId);
                if (db.isEmpty()) {
                    problems.add(name + ": RDS-managed, but its database (tag " + RdsManagedSecretDatabases.CLUSTER_TAG + " or "
                            + RdsManagedSecretDatabases.INSTANCE_TAG + ") was not found: not verified by a login");
                    return "";
                }
                if (!db.get().postgres()) {
                    problems.add(name + ": RDS-managed secret of a " + db.get().engine() + " database " + db.get().arn()
                            + ": the verifier logs in to PostgreSQL only; check the old and new passwords by hand");
                    return "";
                }
                credential = value -> Optional.of(DatabaseSecret.managed(secretId, value, db.get()));
            } else {
                credential = value -> postgres(secretId, value);
            }
            Optional<DatabaseSecret> current = store.value(secretId, null, SecretStore.CURRENT).flatMap(credential);
            if (current.isEmpty()) {
                return " (not a PostgreSQL credential: AWSCURRENT is the new version; no login to check)";
            }
            if (!database.canLogIn(current.get())) {
                problems.add(name + ": the new AWSCURRENT does not log in as " + current.get().username());
            }
            List<String> killed = new ArrayList<>();
            JsonNode start = rotation.path("startVersions");
            for (String stage : new String[] {"current", "previous"}) {
                String versionId = start.path(stage).asText(null);
                if (versionId == null) {
                    continue;
                }
                String label = (stage.equals("current") ? SecretStore.CURRENT : SecretStore.PREVIOUS) + " " + versionId;
                Optional<String> value = store.value(secretId, versionId, null);
                if (value.isEmpty()) {
                    problems.add(name + ": cannot check " + label + " (the version is no longer stored)");
                    continue;
                }
                DatabaseSecret old = credential.apply(value.get()).orElseThrow(
                        () -> new MalformedSecretException(secretId, "SecretString", "of " + label + " is not a PostgreSQL credential"));
                if (database.canLogIn(old)) {
                    problems.add(name + ": " + label + " (as of the incident start) still logs in as " + old.username());
                } else {
                    killed.add(label + " (user " + old.username() + ")");
                }
            }
            return " (killed " + (killed.isEmpty() ? "nothing: no earlier version" : String.join(", ", killed))
                    + "; new AWSCURRENT logs in as " + current.get().username() + ")";
        } catch (RotationRefusedException e) {
            problems.add(name + ": " + e.getMessage()); // messages name hosts, users and fields, never values
            return "";
        }
    }

    private static Optional<DatabaseSecret> postgres(String secretId, String value) {
        try {
            return Optional.of(DatabaseSecret.parse(secretId, value));
        } catch (MalformedSecretException e) {
            return Optional.empty(); // not a PostgreSQL secret (API key, JWT signing key...): nothing to log in with
        }
    }
}
