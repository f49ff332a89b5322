package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class RotationProgressTest {
    private static final String SECRET = "orders/app";
    private static final List<String> TOKENS = RotationTokens.forIncident("inc-1", "arn:" + SECRET, 2);
    private final InMemorySecretStore store = new InMemorySecretStore();
    private final RotationProgress progress = new RotationProgress(store, 3);

    private ObjectNode item(List<String> tokens, RotationProgress.Status last) {
        ObjectNode item = Json.object().put("secretId", SECRET).put("name", SECRET);
        item.set("tokens", Json.MAPPER.valueToTree(tokens));
        if (last != null) {
            item.set("rotation", Json.MAPPER.valueToTree(last));
        }
        return item;
    }

    /** What a finished rotation leaves: the token's version AWSCURRENT, the old one AWSPREVIOUS. */
    private void finish(String token) {
        store.startRotation(SECRET, token);
        store.moveStage(SECRET, SecretStore.CURRENT, token, store.describe(SECRET).versionWithStage(SecretStore.CURRENT).orElseThrow());
        store.moveStage(SECRET, SecretStore.PENDING, null, token);
    }

    @Test
    void check_should_rotateWithFirstToken_when_nothingStartedYet() {
        store.create(SECRET, "v0", "{}");
        RotationProgress.Status s = progress.check(item(TOKENS, null));
        assertThat(s.state()).isEqualTo(RotationProgress.State.rotate);
        assertThat(s.token()).isEqualTo(TOKENS.get(0));
        assertThat(s.rotateCalls()).isEqualTo(1);
    }

    @Test
    void check_should_startSecondPassThenFinish_when_alternatingUsersPassesComplete() {
        // GIVEN pass 1 finished (its response may have been lost: only the secret's versions count)
        store.create(SECRET, "v0", "{}");
        RotationProgress.Status first = progress.check(item(TOKENS, null));
        finish(TOKENS.get(0));
        // WHEN
        RotationProgress.Status second = progress.check(item(TOKENS, first));
        // THEN the second pass rotates the other user, with its own token, and then the secret is done
        assertThat(second.state()).isEqualTo(RotationProgress.State.rotate);
        assertThat(second.token()).isEqualTo(TOKENS.get(1));
        assertThat(second.pass()).isEqualTo(1);
        finish(TOKENS.get(1));
        RotationProgress.Status done = progress.check(item(TOKENS, second));
        assertThat(done.state()).isEqualTo(RotationProgress.State.done);
        assertThat(done.versionId()).isEqualTo(TOKENS.get(1));
    }

    @Test
    void check_should_notRotateAgain_when_rotateSecretFailedButItsRotationRan() {
        // GIVEN RotateSecret ran, then its response was lost (the state machine caught an error)
        store.create(SECRET, "v0", "{}");
        List<String> one = TOKENS.subList(0, 1);
        RotationProgress.Status first = progress.check(item(one, null));
        finish(one.get(0));
        ObjectNode item = item(one, first);
        ((ObjectNode) item.get("rotation")).putObject("lastError").put("Error", "SecretsManager.SecretsManagerException");
        // WHEN
        RotationProgress.Status s = progress.check(item);
        // THEN
        assertThat(s.state()).isEqualTo(RotationProgress.State.done);
    }

    @Test
    void check_should_waitForOursThenEscalate_when_ourVersionStaysPending() {
        store.create(SECRET, "v0", "{}");
        List<String> one = TOKENS.subList(0, 1);
        RotationProgress.Status s = progress.check(item(one, null));
        store.startRotation(SECRET, one.get(0));
        s = progress.check(item(one, s));
        assertThat(s.state()).isEqualTo(RotationProgress.State.wait);
        s = progress.check(item(one, s));
        assertThat(s.state()).isEqualTo(RotationProgress.State.escalate);
        assertThat(s.reason()).contains("did not finish within 3 checks").contains(one.get(0));
    }

    @Test
    void check_should_awaitForeignRotationThenRotate_when_anotherRotationIsInFlight() {
        // GIVEN a rotation started before the incident, still pending
        store.create(SECRET, "v0", "{}");
        store.startRotation(SECRET, "earlier");
        List<String> one = TOKENS.subList(0, 1);
        // WHEN / THEN: waited for, then (its password was made before the incident) rotated anyway
        RotationProgress.Status s = progress.check(item(one, null));
        assertThat(s.state()).isEqualTo(RotationProgress.State.wait);
        store.moveStage(SECRET, SecretStore.CURRENT, "earlier", "v0");
        store.moveStage(SECRET, SecretStore.PENDING, null, "earlier");
        s = progress.check(item(one, s));
        assertThat(s.state()).isEqualTo(RotationProgress.State.rotate);
        assertThat(s.token()).isEqualTo(one.get(0));
    }

    @Test
    void check_should_escalateNamingTheVersion_when_pendingIsStuck() {
        store.create(SECRET, "v0", "{}");
        store.startRotation(SECRET, "stuck-version");
        RotationProgress.Status s = null;
        for (int i = 0; i < 3; i++) {
            s = progress.check(item(TOKENS, s));
        }
        assertThat(s.state()).isEqualTo(RotationProgress.State.escalate);
        assertThat(s.reason()).contains("AWSPENDING is stuck on version stuck-version");
    }

    @Test
    void check_should_escalate_when_secretIsScheduledForDeletion() {
        store.create(SECRET, "v0", "{}");
        store.scheduleDeletion(SECRET);
        RotationProgress.Status s = progress.check(item(TOKENS, null));
        assertThat(s.state()).isEqualTo(RotationProgress.State.escalate);
        assertThat(s.reason()).contains("scheduled for deletion");
    }

    @Test
    void check_should_escalateWithTheError_when_rotateSecretKeepsFailingWithoutEffect() {
        store.create(SECRET, "v0", "{}");
        RotationProgress.Status s = null;
        for (int i = 0; i < RotationProgress.MAX_ROTATE_CALLS; i++) {
            s = progress.check(item(TOKENS, s));
            assertThat(s.state()).isEqualTo(RotationProgress.State.rotate);
        }
        ObjectNode item = item(TOKENS, s);
        ((ObjectNode) item.get("rotation")).putObject("lastError").put("Error", "SecretsManager.InvalidRequestException");
        s = progress.check(item);
        assertThat(s.state()).isEqualTo(RotationProgress.State.escalate);
        assertThat(s.reason()).contains("failed 3 times").contains("SecretsManager.InvalidRequestException");
    }
}
