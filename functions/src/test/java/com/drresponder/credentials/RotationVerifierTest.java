package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RotationVerifierTest {
    private static final String SECRET = "orders/app";
    private final InMemorySecretStore store = new InMemorySecretStore();
    private final InMemoryPostgres database = new InMemoryPostgres();
    private final RotationVerifier verifier = new RotationVerifier(store, database);

    private static String value(String user, String password) {
        return Json.write(Json.object().put("engine", "postgres").put("host", "db.example").put("username", user)
                .put("password", password).put("masterarn", "arn:master"));
    }

    /** Alternating users at the incident start: app (v1, AWSCURRENT) and app_clone (v0, AWSPREVIOUS); both leaked. */
    @BeforeEach
    void alternatingUsersRotatedTwice() {
        store.create(SECRET, "v0", value("app_clone", "leaked-0"));
        store.putPending(SECRET, "v1", value("app", "leaked-1"));
        store.moveStage(SECRET, SecretStore.CURRENT, "v1", "v0");
        store.moveStage(SECRET, SecretStore.PENDING, null, "v1");
        for (String[] pass : new String[][] {{"t1", "app_clone", "new-1"}, {"t2", "app", "new-2"}}) {
            store.putPending(SECRET, pass[0], value(pass[1], pass[2]));
            store.moveStage(SECRET, SecretStore.CURRENT, pass[0], store.describe(SECRET).versionWithStage(SecretStore.CURRENT).orElseThrow());
            store.moveStage(SECRET, SecretStore.PENDING, null, pass[0]);
        }
    }

    private JsonNode rotations() {
        ObjectNode r = Json.object().put("secretId", SECRET).put("name", SECRET).put("kind", "function").put("outcome", "rotated").put("versionId", "t2");
        r.putObject("startVersions").put("current", "v1").put("previous", "v0");
        return Json.MAPPER.createArrayNode().add(r);
    }

    @Test
    void verify_should_resolveNamingKilledVersions_when_bothLeakedPasswordsAreRefused() {
        // GIVEN both users' passwords replaced by the two passes
        database.passwords.put("app", "new-2");
        database.passwords.put("app_clone", "new-1");
        // WHEN
        RotationVerifier.Verification v = verifier.verify(rotations());
        // THEN
        assertThat(v.ok()).isTrue();
        assertThat(v.summary()).contains("killed AWSCURRENT v1 (user app), AWSPREVIOUS v0 (user app_clone)")
                .contains("new AWSCURRENT logs in as app").doesNotContain("leaked-", "new-1", "new-2");
    }

    @Test
    void verify_should_escalate_when_thePreviousUsersLeakedPasswordStillLogsIn() {
        // GIVEN one pass only (the AWS alternating-users scheme): the clone keeps its pre-incident password
        database.passwords.put("app", "new-2");
        database.passwords.put("app_clone", "leaked-0");
        // WHEN
        RotationVerifier.Verification v = verifier.verify(rotations());
        // THEN
        assertThat(v.ok()).isFalse();
        assertThat(v.failed()).containsExactly(SECRET + ": AWSPREVIOUS v0 (as of the incident start) still logs in as app_clone");
        assertThat(v.summary()).doesNotContain("leaked-0");
    }

    @Test
    void verify_should_escalate_when_theNewPasswordDoesNotLogIn() {
        database.passwords.put("app", "something-else");
        database.passwords.put("app_clone", "new-1");
        RotationVerifier.Verification v = verifier.verify(rotations());
        assertThat(v.ok()).isFalse();
        assertThat(v.failed()).containsExactly(SECRET + ": the new AWSCURRENT does not log in as app");
    }

    @Test
    void verify_should_escalateWithTheReason_when_aRotationEscalated() {
        JsonNode rotations = Json.MAPPER.createArrayNode().add(Json.object().put("secretId", SECRET).put("name", SECRET)
                .put("outcome", "escalated").put("reason", SECRET + ": AWSPENDING is stuck on version x"));
        RotationVerifier.Verification v = verifier.verify(rotations);
        assertThat(v.ok()).isFalse();
        assertThat(v.summary()).contains("Rotated and verified: none.").contains("AWSPENDING is stuck on version x");
    }
}
